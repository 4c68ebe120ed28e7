"""Unit tests for plugins/plugin_utils/_ibgp.py (iBGP between the BGP sites, the AS cone)."""

from __future__ import annotations

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._ibgp import (
    IbgpInputError,
    ibgp_mesh,
)

OWN = ["10.64.0.0/16", "2001:db8:64::/48"]


def lab(**changes):
    """The lab's sites: r1 (a downstream), r2, r3 with BGP; e1 without."""
    host_vars = {
        "r1": {
            "bird2_asn": 64496,
            "bird2_own_prefixes": OWN,
            "bird2_site_prefixes": ["10.64.1.1/24", "2001:db8:64:1::1/64"],
            "bird2_bgp_sessions": [
                {"name": "t1", "kind": "transit"},
                {"name": "d1", "kind": "downstream", "prefixes": ["198.19.64.0/24"]},
            ],
        },
        "r2": {
            "bird2_asn": 64496,
            "bird2_own_prefixes": OWN,
            "bird2_site_prefixes": ["10.64.2.1/24", "2001:db8:64:2::1/64"],
        },
        "r3": {
            "bird2_asn": 64496,
            "bird2_own_prefixes": OWN,
            "bird2_site_prefixes": ["10.64.3.1/24"],
        },
        "e1": {"bird2_site_prefixes": ["10.64.4.1/24"]},
    }
    for host, values in changes.items():
        host_vars[host] = {**host_vars[host], **values}
    return host_vars


def test_every_pair_of_bgp_sites_per_common_family():
    mesh = ibgp_mesh(["r1", "r2", "r3", "e1"], lab())
    assert set(mesh) == {"r1", "r2", "r3"}
    assert [(s["name"], s["local_address"], s["neighbor"]) for s in mesh["r1"]["ibgp"]] == [
        ("ibgp4_r2", "10.64.1.1", "10.64.2.1"),
        ("ibgp6_r2", "2001:db8:64:1::1", "2001:db8:64:2::1"),
        ("ibgp4_r3", "10.64.1.1", "10.64.3.1"),
    ]
    # r3 has no IPv6 site address: IPv4 only, both ways.
    assert [s["name"] for s in mesh["r3"]["ibgp"]] == ["ibgp4_r1", "ibgp4_r2"]


def test_the_cone_is_the_whole_as():
    mesh = ibgp_mesh(["r1", "r2", "r3"], lab())
    for host in mesh:
        assert mesh[host]["cone4"] == ["10.64.0.0/16", "198.19.64.0/24"]
        assert mesh[host]["cone6"] == ["2001:db8:64::/48"]


def test_switched_off_and_malformed_sites_get_no_session():
    mesh = ibgp_mesh(["r1", "r2", "r3"], lab(r2={"bird2_bgp_ibgp": False}))
    assert mesh["r2"]["ibgp"] == []
    assert [s["peer"] for s in mesh["r1"]["ibgp"]] == ["r3"]
    mesh = ibgp_mesh(["r1", "r2", "r3"], lab(r3={"bird2_site_prefixes": ["nonsense"]}), False)
    assert all(m["ibgp"] == [] for m in mesh.values())


def test_one_as_and_unique_names():
    with pytest.raises(IbgpInputError) as caught:
        ibgp_mesh(["r1", "r2"], lab(r2={"bird2_asn": 64497}))
    assert "bird2_asn: the BGP sites of one backbone are one AS" in caught.value.problems[0]
    host_vars = lab()
    host_vars["r1"]["bird2_bgp_sessions"].append({"name": "ibgp4_r2", "kind": "peer"})
    with pytest.raises(IbgpInputError) as caught:
        ibgp_mesh(["r1", "r2"], host_vars)
    assert (
        "bird2_bgp_sessions of r1: the iBGP session to r2 would be named ibgp4_r2"
        in (caught.value.problems[0])
    )


IX1 = [{"name": "ix1", "interface": "eth1", "lan4": "203.0.113.0/24", "lan6": "2001:db8:113::/64"}]


def test_a_prefix_of_one_site_may_not_cover_another_sites_ix_lan():
    # r1's downstream and r3's own prefix enter r2's cone, which r2 announces at ix1.
    host_vars = lab(r2={"bird2_ixes": IX1}, r3={"bird2_own_prefixes": [*OWN, "2001:db8:113::/48"]})
    host_vars["r1"]["bird2_bgp_sessions"][1]["prefixes"] = ["198.19.64.0/24", "203.0.113.128/25"]
    with pytest.raises(IbgpInputError) as caught:
        ibgp_mesh(["r1", "r2", "r3", "e1"], host_vars)
    assert caught.value.problems == [
        "bird2_bgp_sessions[1] (d1) of r1: prefixes 203.0.113.128/25 overlaps the peering LAN of "
        "ix1 (203.0.113.0/24) in bird2_ixes of r2; the AS-wide cone would announce it at that IX",
        "bird2_own_prefixes of r3: 2001:db8:113::/48 overlaps the peering LAN of ix1 "
        "(2001:db8:113::/64) in bird2_ixes of r2; the AS-wide cone would announce it at that IX",
    ]


def test_what_bgp_plan_reports_is_not_reported_again():
    # A site's own IX (bgp_plan of r1), a prefix r2 lists itself (bgp_plan of r2), an IX of a
    # host without BGP (e1: no cone), an IX LAN apart from every prefix: no problem here.
    host_vars = lab(
        r1={"bird2_ixes": [{**IX1[0], "lan4": "198.19.64.0/25"}]},
        r2={"bird2_ixes": IX1},
        e1={"bird2_ixes": [{**IX1[0], "lan4": "10.64.9.0/24"}]},
    )
    for host in ("r1", "r2", "r3"):
        host_vars[host]["bird2_own_prefixes"] = [*OWN, "203.0.113.0/26"]
    mesh = ibgp_mesh(["r1", "r2", "r3", "e1"], host_vars)
    assert mesh["r2"]["cone4"] == ["10.64.0.0/16", "203.0.113.0/26", "198.19.64.0/24"]
