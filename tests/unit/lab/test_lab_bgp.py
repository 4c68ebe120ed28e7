"""lab/filter_plugins/lab_bgp.py: what the lab's BGP checks decide."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "lab" / "filter_plugins" / "lab_bgp.py"
SPEC = importlib.util.spec_from_file_location("lab_bgp", SCRIPT)
lab_bgp = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(lab_bgp)

BEFORE = ["ospf4 up 22:22:42.405", "t1 up 22:22:45.538", "old up 2026-12-01"]


def test_a_millisecond_of_clock_conversion_is_no_restart():
    after = ["ospf4 up 22:22:42.406", "t1 up 22:22:45.538", "old up 2026-12-01"]
    assert lab_bgp.lab_protocols_changed(after, BEFORE) == []


def test_a_restart_a_state_change_and_a_lost_protocol_are_reported():
    after = ["ospf4 up 22:29:03.112", "t1 start 22:22:45.538"]
    assert lab_bgp.lab_protocols_changed(after, BEFORE) == [
        "ospf4: up 22:22:42.405 -> up 22:29:03.112",
        "t1: up 22:22:45.538 -> start 22:22:45.538",
        "old: gone",
    ]
