"""Every role's argument specs and defaults describe the same variables (house style: a spec
that drifts from the defaults silently stops validating what users set)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROLES = Path(__file__).resolve().parents[3] / "roles"


# Inventory-level variables that several roles read (documented in inventories/example).
SHARED = {"backbone_id", "backbone_endpoint", "backbone_location"}


def role_dirs() -> list[Path]:
    return sorted(p for p in ROLES.iterdir() if (p / "meta" / "argument_specs.yml").is_file())


def defaults_of(role: Path) -> dict:
    """defaults/main.yml, or every file of defaults/main/ (Ansible merges them)."""
    files = [role / "defaults" / "main.yml"]
    folder = role / "defaults" / "main"
    if folder.is_dir():
        files += sorted(folder.glob("*.yml"))
    merged: dict = {}
    for f in files:
        if f.is_file():
            data = yaml.safe_load(f.read_text()) or {}
            overlap = set(merged) & set(data)
            assert not overlap, f"{f}: also defined in another defaults file: {sorted(overlap)}"
            merged.update(data)
    return merged


def spec_options(role: Path) -> dict:
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())
    return specs["argument_specs"]["main"]["options"]


def test_there_are_roles_with_specs() -> None:
    assert len(role_dirs()) >= 2


@pytest.mark.parametrize("role", role_dirs(), ids=lambda p: p.name)
def test_every_default_is_specified(role: Path) -> None:
    missing = sorted(set(defaults_of(role)) - set(spec_options(role)))
    assert not missing, f"{role.name}: defaults without an argument spec: {missing}"


@pytest.mark.parametrize("role", role_dirs(), ids=lambda p: p.name)
def test_every_spec_is_described_and_typed(role: Path) -> None:
    bad = sorted(
        name
        for name, spec in spec_options(role).items()
        if not spec.get("description") or not spec.get("type")
    )
    assert not bad, f"{role.name}: options without a description or a type: {bad}"


@pytest.mark.parametrize("role", role_dirs(), ids=lambda p: p.name)
def test_every_role_variable_is_prefixed(role: Path) -> None:
    bad = sorted(
        n for n in spec_options(role) if not n.startswith(role.name + "_") and n not in SHARED
    )
    assert not bad, f"{role.name}: public variables must start with {role.name}_: {bad}"


@pytest.mark.parametrize("role", role_dirs(), ids=lambda p: p.name)
def test_spec_defaults_match_the_role_defaults(role: Path) -> None:
    defaults = defaults_of(role)
    drift = sorted(
        name
        for name, spec in spec_options(role).items()
        if "default" in spec and name in defaults and spec["default"] != defaults[name]
    )
    assert not drift, f"{role.name}: argument spec default differs from defaults/: {drift}"
