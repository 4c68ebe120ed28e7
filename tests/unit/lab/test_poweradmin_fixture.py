"""The lab inventories pin the Poweradmin fixture's digests: they must be what the builder makes."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
BUILDER = ROOT / "tests/fixtures/poweradmin/build_fixture.py"
INVENTORIES = [
    ROOT / "inventories/lab/group_vars/all/poweradmin.yml",
    ROOT / "molecule/dns/inventory/group_vars/poweradmin.yml",
]


def _builder():
    spec = importlib.util.spec_from_file_location("build_fixture", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pinned_digests_match_the_built_archives(tmp_path):
    builder = _builder()
    built = {}
    for version in builder.VERSIONS:
        archive = builder.build(version, tmp_path)
        built[version] = hashlib.sha256(archive.read_bytes()).hexdigest()
        assert archive.with_name(archive.name + ".sha256").read_text().strip() == built[version]
    for path in INVENTORIES:
        pinned = yaml.safe_load(path.read_text())["lab_poweradmin_fixture_sha256"]
        assert {str(k): v for k, v in pinned.items()} == built, path


def test_the_fixture_says_it_is_a_fixture_and_has_an_installer_to_leave_out():
    files = _builder().files_of("4.3.1")
    assert "install/index.php" in files
    assert "not Poweradmin" in files["index.php"]
    assert "sql/poweradmin-mysql-update-to-4.3.1.sql" in files
    assert "sql/poweradmin-mysql-update-to-4.3.1.sql" not in _builder().files_of("4.3.0")
