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
