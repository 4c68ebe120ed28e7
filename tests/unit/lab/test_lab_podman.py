"""lab/connection_plugins/lab_podman.py: what a connection keeps of a container between tasks."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("ansible_collections.containers.podman.plugins.connection.podman")

SCRIPT = Path(__file__).resolve().parents[3] / "lab" / "connection_plugins" / "lab_podman.py"
SPEC = importlib.util.spec_from_file_location("lab_podman", SCRIPT)
lab_podman = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(lab_podman)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache directory, and a container whose init process is this test's process."""
    monkeypatch.setattr(lab_podman, "CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "etc").mkdir()
    known = {
        "pid": os.getpid(),
        "start": lab_podman._start_time(os.getpid()),
        "caps": ["CAP_CHOWN"],
        "env": ["PATH=/usr/bin"],
        "mount": str(root),
    }
    return SimpleNamespace(conn=SimpleNamespace(_container_id="hn-x-r1"), known=known, root=root)


def write(cache, **changes):
    data = dict(cache.known, **changes)
    Path(lab_podman._cache_path("hn-x-r1")).write_text(json.dumps(data))


def test_the_start_time_is_read_from_proc_and_a_missing_process_has_none():
    assert lab_podman._start_time(os.getpid()).isdigit()
    assert lab_podman._start_time(2**22 + 1) is None


def test_a_kept_answer_is_used_while_the_same_init_process_runs(cache):
    write(cache)
    assert lab_podman.Connection._cached(cache.conn) == cache.known


@pytest.mark.parametrize(
    "changes",
    [
        {"start": "1"},  # the PID now belongs to another process: the container restarted
        {"start": None},  # kept without a start time
        {"pid": 2**22 + 1},  # the init process is gone
    ],
)
def test_a_kept_answer_of_another_process_is_not_used(cache, changes):
    write(cache, **changes)
    assert lab_podman.Connection._cached(cache.conn) is None


def test_an_unmounted_root_or_a_broken_file_is_asked_again(cache):
    write(cache, mount=str(cache.root / "etc"))  # empty directory: not mounted any more
    assert lab_podman.Connection._cached(cache.conn) is None
    Path(lab_podman._cache_path("hn-x-r1")).write_text("{not json")
    assert lab_podman.Connection._cached(cache.conn) is None
    os.unlink(lab_podman._cache_path("hn-x-r1"))
    assert lab_podman.Connection._cached(cache.conn) is None
