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


HOSTS = {
    "rs1": {
        "lab_interfaces": [{"ipv4": "198.18.9.1"}],
        "lab_bgp": {
            "route_server": True,
            "sessions": [
                {
                    "name": "r2",
                    "neighbor": "198.18.9.2",
                    "accepted": ["198.18.30.0/24", "3fff::/48"],
                },
                {"name": "x1", "neighbor": "198.18.9.3"},
            ],
            "announce": [],
        },
    },
    "x1": {
        "lab_interfaces": [{"ipv4": "198.18.9.3", "ipv6": "3fff::3"}],
        "lab_bgp": {
            "sessions": [{"name": "rs1", "neighbor": "198.18.9.1"}],
            "announce": [
                {"prefix": "198.18.30.0/24"},
                {"prefix": "198.18.31.0/24", "bad": "rpki"},
                {"prefix": "3fff:0:30::/48", "bad": "first as"},
            ],
        },
    },
    "t9": {"lab_interfaces": [{"ipv4": "198.18.0.9"}], "lab_bgp": {"announce": []}},
}
R2 = [
    {"name": "rs1", "kind": "ix_route_server", "neighbor": "198.18.9.1",
     "local_address": "198.18.9.2"},
]  # fmt: skip


def test_a_route_servers_clients_send_through_it():
    bad = lab_bgp.lab_bad_routes(R2, HOSTS, ["rs1", "x1", "t9"])
    # x1's IPv4 bad route arrives on r2's session with rs1; its IPv6 one is not of that family.
    assert bad == [
        {"session": "rs1", "neighbor": "198.18.9.1", "prefix": "198.18.31.0/24", "why": "rpki"}
    ]


def test_good_routes_come_from_the_neighbours_session_with_this_host():
    good = lab_bgp.lab_good_routes(R2, HOSTS, ["rs1", "x1", "t9"], "r2")
    assert good == [{"session": "rs1", "kind": "ix_route_server", "prefix": "198.18.30.0/24"}]
    # Another host with the same neighbour gets none of r2's list.
    assert lab_bgp.lab_good_routes(R2, HOSTS, ["rs1", "x1"], "r3") == []
