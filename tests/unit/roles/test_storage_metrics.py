"""Unit tests for roles/mdadm_lvmcache/files/hobbynet-storage-metrics (RAID and cache metrics)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

SCRIPT = (
    Path(__file__).resolve().parents[3]
    / "roles"
    / "mdadm_lvmcache"
    / "files"
    / "hobbynet-storage-metrics"
)
# `dmsetup status --target cache` of a writethrough cache (the kernel's cache.rst format), and a
# writeback one with metadata2 that asks for cache_check.
WRITETHROUGH = (
    "vg_data-data: 0 6283264 cache 8 27/2048 128 8/16384 11 27 0 5 0 3 0 "
    "1 writethrough 2 migration_threshold 2048 smq 0 rw -"
)
WRITEBACK = (
    "vg--x-big--lv: 0 6283264 cache 8 40/2048 256 100/8192 7 9 2 4 1 6 12 "
    "2 metadata2 writeback 2 migration_threshold 2048 smq 0 rw needs_check"
)


@pytest.fixture(scope="module")
def metrics():
    loader = importlib.machinery.SourceFileLoader("hobbynet_storage_metrics", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_a_cache_status_line_gives_every_counter(metrics):
    c = metrics.parse_cache_status(WRITETHROUGH)
    assert (c["vg"], c["lv"], c["mode"], c["policy"]) == ("vg_data", "data", "writethrough", "smq")
    assert (c["read_hits"], c["read_misses"], c["write_hits"], c["write_misses"]) == (11, 27, 0, 5)
    assert (c["demotions"], c["promotions"], c["dirty_blocks"]) == (0, 3, 0)
    assert (c["cache_blocks_used"], c["cache_blocks_total"]) == (8, 16384)
    assert c["block_size_sectors"] == 128 and c["needs_check"] == 0


def test_dashes_in_names_and_writeback_and_needs_check(metrics):
    c = metrics.parse_cache_status(WRITEBACK)
    assert (c["vg"], c["lv"]) == ("vg-x", "big-lv")
    assert (c["mode"], c["dirty_blocks"], c["needs_check"]) == ("writeback", 12, 1)


def test_lines_of_other_targets_or_garbage_are_skipped(metrics):
    assert metrics.parse_cache_status("vg-lv: 0 100 linear 8:1 0") is None
    assert metrics.parse_cache_status("No devices found") is None
    assert metrics.parse_cache_status("x: 0 1 cache 8 a/b 128") is None


def make_md(root: Path, name: str, **files: str) -> None:
    md = root / name / "md"
    md.mkdir(parents=True)
    for key, value in files.items():
        if key.startswith("dev_"):
            (md / f"dev-{key[4:]}").mkdir()
            (md / f"dev-{key[4:]}" / "state").write_text(value + "\n")
        else:
            (md / key).write_text(value + "\n")


def test_md_arrays_from_sys(metrics, tmp_path):
    sys_block, dev_md = tmp_path / "block", tmp_path / "md"
    make_md(sys_block, "md127", level="raid1", array_state="clean", raid_disks="2",
            degraded="1", sync_action="recover", sync_completed="250 / 1000",
            mismatch_cnt="0", dev_vdb1="in_sync", dev_vdc1="spare")  # fmt: skip
    (sys_block / "loop0").mkdir()
    dev_md.mkdir()
    (dev_md / "data").symlink_to("../md127")
    (a,) = metrics.md_arrays(sys_block, dev_md)
    assert (a["name"], a["device"], a["level"], a["degraded"]) == ("data", "md127", "raid1", 1)
    assert (a["in_sync"], a["spares"], a["faulty"], a["sync_action"]) == (1, 1, 0, "recover")
    assert a["sync_completed"] == 0.25


def test_the_text_format(metrics, tmp_path):
    sys_block = tmp_path / "block"
    make_md(sys_block, "md0", level="raid1", array_state="clean", raid_disks="2", degraded="0",
            sync_action="idle", sync_completed="none", mismatch_cnt="0",
            dev_sda1="in_sync", dev_sdb1="in_sync")  # fmt: skip
    arrays = metrics.md_arrays(sys_block, tmp_path / "nothing")
    text = metrics.render(arrays, [metrics.parse_cache_status(WRITETHROUGH)], True, 1.5)
    assert 'hobbynet_md_degraded{name="md0",device="md0"} 0\n' in text
    assert 'hobbynet_md_sync_completed_ratio{name="md0",device="md0"} 1\n' in text
    assert 'hobbynet_lvmcache_read_hits_total{vg="vg_data",lv="data"} 11\n' in text
    assert 'hobbynet_lvmcache_block_size_bytes{vg="vg_data",lv="data"} 65536\n' in text
    assert "# TYPE hobbynet_lvmcache_promotions_total counter\n" in text
    assert text.endswith("hobbynet_storage_metrics_timestamp_seconds 1.5\n")


def test_the_file_is_replaced_whole(metrics, tmp_path):
    out = tmp_path / "collector" / "hobbynet_storage.prom"
    metrics.write_atomically(out, "a 1\n")
    metrics.write_atomically(out, "a 2\n")
    assert out.read_text() == "a 2\n"
    assert [p.name for p in out.parent.iterdir()] == ["hobbynet_storage.prom"]
    assert oct(out.stat().st_mode & 0o777) == "0o644"
