"""Unit tests for plugins/plugin_utils/_backbone.py (router ids, prefix and key conflicts)."""

from __future__ import annotations

import ipaddress
import random

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._backbone import (
    endpoint_address,
    private_key_conflicts,
    router_ids,
    site_prefix_conflicts,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._mesh import mesh_plan
from hypothesis import given
from hypothesis import strategies as st

POOL = "10.255.0.0/24"
KEY_A = "WGhHYIynSp5+S6bYbnnBOabBMCg5EnNEEokWYIXWGkk="
KEY_B = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="


def lab(**overrides):
    """The lab's variables (inventories/lab), with per-host overrides {host: {var: value}}."""
    hosts = {
        "r1": {"backbone_id": 1, "backbone_endpoint": "198.51.100.11"},
        "r2": {"backbone_id": 2, "backbone_endpoint": "198.51.100.12"},
        "r3": {"backbone_id": 3, "backbone_endpoint": "198.51.100.13"},
        "e1": {"backbone_id": 4, "backbone_endpoint": "198.51.100.21"},
        "e2": {"backbone_id": 5},
    }
    for host, variables in hosts.items():
        n = variables["backbone_id"]
        variables["bird2_site_prefixes"] = [f"10.64.{n}.1/24", f"2001:db8:64:{n}::1/64"]
        variables.update(overrides.get(host, {}))
    return hosts


def plan_of(hosts, links=None):
    nodes = [{"name": h, "id": v["backbone_id"]} for h, v in hosts.items()]
    return mesh_plan(nodes, POOL, links=links)


LAB_LINKS = [["r1", "r2"], ["r2", "r3"], ["r1", "r3"], ["r1", "e1"], ["r2", "e1"], ["r3", "e2"]]


# -------------------------------------------------------------- router_ids


def test_router_ids_of_the_lab():
    hosts = lab()
    assert router_ids(list(hosts), hosts, plan_of(hosts, LAB_LINKS)) == {
        h: f"10.64.{v['backbone_id']}.1" for h, v in hosts.items()
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # explicit wins over the prefixes
        ({"r1": {"bird2_router_id": "192.0.2.11"}}, {"r1": "192.0.2.11"}),
        # the first IPv4 item, even after an IPv6 one
        (
            {"r2": {"bird2_site_prefixes": ["2001:db8:64:2::1/64", "10.64.2.9/24"]}},
            {"r2": "10.64.2.9"},
        ),
        # no IPv4 prefix: the lowest tunnel address, in numeric order (not text order)
        ({"e2": {"bird2_site_prefixes": []}}, {"e2": "10.255.0.17"}),
        ({"r3": {"bird2_site_prefixes": ["2001:db8:64:3::1/64"]}}, {"r3": "10.255.0.3"}),
        ({"r3": {"bird2_site_prefixes": None}}, {"r3": "10.255.0.3"}),
        # null router id: derived
        ({"r1": {"bird2_router_id": None}}, {"r1": "10.64.1.1"}),
    ],
)
def test_router_ids_rule(overrides, expected):
    hosts = lab(**overrides)
    ids = router_ids(list(hosts), hosts, plan_of(hosts, LAB_LINKS))
    assert {h: ids[h] for h in expected} == expected


def test_router_ids_lowest_tunnel_in_numeric_order():
    # Tunnel addresses 10.255.0.9 and 10.255.0.10: text order would pick .10.
    plan = [
        {"nodes": ["x", "a"], "address": {"x": "10.255.0.10/31", "a": "10.255.0.11/31"}},
        {"nodes": ["b", "x"], "address": {"b": "10.255.0.8/31", "x": "10.255.0.9/31"}},
    ]
    hosts = {"x": {}, "a": {}, "b": {}}
    assert router_ids(["x", "a", "b"], hosts, plan) == {
        "x": "10.255.0.9",
        "a": "10.255.0.11",
        "b": "10.255.0.8",
    }


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [
        (
            {h: {"bird2_router_id": "192.0.2.1"} for h in ["r1", "r2", "r3"]},
            [
                "router ids must be unique: '192.0.2.1' is the router id of r1 (bird2_router_id), "
                "r2 (bird2_router_id) and r3 (bird2_router_id)"
            ],
        ),
        (
            {"r2": {"bird2_router_id": "10.64.1.1"}},
            [
                "'10.64.1.1' is the router id of r1 (bird2_site_prefixes, first IPv4 address) "
                "and r2 (bird2_router_id)"
            ],
        ),
        (
            {"r1": {"bird2_router_id": "1.2.3"}},
            ["router id of r1: bird2_router_id '1.2.3' (type str) is not an IPv4 address"],
        ),
        (
            {"r1": {"bird2_router_id": "2001:db8::1"}},
            ["router id of r1: bird2_router_id '2001:db8::1' (type str) is not an IPv4 address"],
        ),
        ({"r1": {"bird2_router_id": 17}}, ["bird2_router_id 17 (type int) is not an IPv4"]),
        (
            {"r1": {"bird2_site_prefixes": ["10.64.1.1"]}},
            ["bird2_site_prefixes of r1: expected a list", "item 0: '10.64.1.1' has no /prefixlen"],
        ),
    ],
)
def test_router_ids_rejects(overrides, fragments):
    hosts = lab(**overrides)
    with pytest.raises(ValueError) as info:
        router_ids(list(hosts), hosts, plan_of(hosts, LAB_LINKS))
    for fragment in fragments:
        assert fragment in str(info.value)


def test_router_ids_reports_a_host_without_any_id_and_every_problem():
    hosts = lab(e2={"bird2_site_prefixes": []}, r1={"bird2_router_id": "x"})
    plan = plan_of({h: v for h, v in hosts.items() if h != "e2"}, LAB_LINKS[:5])
    with pytest.raises(ValueError) as info:
        router_ids(list(hosts), hosts, plan)
    message = str(info.value)
    assert "router id of r1: bird2_router_id 'x'" in message
    assert "router id of e2: none; set bird2_router_id, or bird2_site_prefixes" in message
    assert message.index("r1") < message.index("e2")


@pytest.mark.parametrize(
    ("args", "exc", "fragment"),
    [
        (("r1", {}, []), TypeError, "hosts must be a list"),
        ((["r1"], [], []), TypeError, "host_vars must be a mapping"),
        ((["r1"], {}, []), ValueError, "hosts[0] 'r1' has no variables"),
        ((["r1", "r1"], {"r1": {}}, []), ValueError, "hosts lists a host twice"),
        (([None], {}, []), TypeError, "hosts[0] must be a hostname"),
        ((["r1"], {"r1": {}}, "plan"), TypeError, "plan must be the list returned by mesh_plan"),
        ((["r1"], {"r1": {}}, [{"nodes": ["r1"]}]), ValueError, "plan[0] is not a mesh_plan link"),
        ((["r1"], {"r1": 5}, []), TypeError, "host_vars['r1'] must be a mapping"),
    ],
)
def test_router_ids_rejects_malformed_arguments(args, exc, fragment):
    with pytest.raises(exc) as info:
        router_ids(*args)
    assert fragment in str(info.value)


@given(st.permutations(["r1", "r2", "r3", "e1", "e2"]), st.booleans())
def test_prop_router_ids_do_not_depend_on_host_order(order, no_prefix_for_e2):
    hosts = lab(e2={"bird2_site_prefixes": []} if no_prefix_for_e2 else {})
    plan = plan_of(hosts, LAB_LINKS)
    reference = router_ids(list(hosts), hosts, plan)
    shuffled = router_ids(list(order), {h: hosts[h] for h in order}, plan)
    assert shuffled == reference
    assert list(shuffled) == list(order)
    assert len(set(reference.values())) == len(reference)


# ---------------------------------------------------- site_prefix_conflicts


def test_lab_has_no_conflicts():
    hosts = lab()
    assert site_prefix_conflicts(list(hosts), hosts, POOL) == []


@pytest.mark.parametrize(
    ("overrides", "messages"),
    [
        # inside the WireGuard pool
        (
            {"r1": {"bird2_site_prefixes": ["10.255.0.129/25"]}},
            [
                "bird2_site_prefixes of r1: '10.255.0.129/25' (network 10.255.0.128/25) overlaps "
                "the WireGuard pool wireguard_mesh_pool_v4 (10.255.0.0/24), whose /31s are the "
                "tunnel addresses"
            ],
        ),
        # covering the pool
        (
            {"r1": {"bird2_site_prefixes": ["10.255.0.0/16"]}},
            ["bird2_site_prefixes of r1: '10.255.0.0/16' overlaps the WireGuard pool"],
        ),
        # covering another host's endpoint (IPv4)
        (
            {"r1": {"bird2_site_prefixes": ["198.51.100.1/28"]}},
            [
                "bird2_site_prefixes of r1: '198.51.100.1/28' (network 198.51.100.0/28) contains "
                "198.51.100.11, the backbone_endpoint of r1 ('198.51.100.11'): the tunnels' "
                "underlay would be routed into the tunnels",
                "contains 198.51.100.12, the backbone_endpoint of r2 ('198.51.100.12')",
                "contains 198.51.100.13, the backbone_endpoint of r3",
            ],
        ),
        # IPv6 endpoint, in brackets with a port
        (
            {
                "e1": {"backbone_endpoint": "[2001:db8:100::21]:51820"},
                "r2": {"bird2_site_prefixes": ["10.64.2.1/24", "2001:db8:100::/48"]},
            },
            [
                "bird2_site_prefixes of r2: '2001:db8:100::/48' contains 2001:db8:100::21, "
                "the backbone_endpoint of e1 ('[2001:db8:100::21]:51820')"
            ],
        ),
        # IPv4 endpoint with a port
        (
            {
                "e1": {"backbone_endpoint": "203.0.113.5:51820"},
                "r2": {"bird2_site_prefixes": ["203.0.113.0/24"]},
            },
            ["contains 203.0.113.5, the backbone_endpoint of e1 ('203.0.113.5:51820')"],
        ),
        # identical prefixes on two hosts
        (
            {"r2": {"bird2_site_prefixes": ["10.64.1.2/24"]}},
            [
                "bird2_site_prefixes of r1 and of r2 overlap: '10.64.1.1/24' (network "
                "10.64.1.0/24) and '10.64.1.2/24' (network 10.64.1.0/24); every site announces "
                "its own prefixes"
            ],
        ),
        # nested (not identical) IPv4
        (
            {"r3": {"bird2_site_prefixes": ["10.64.0.0/16"]}},
            [
                "bird2_site_prefixes of r1 and of r3 overlap: '10.64.1.1/24' (network "
                "10.64.1.0/24) and '10.64.0.0/16'",
                "bird2_site_prefixes of r2 and of r3 overlap",
                "bird2_site_prefixes of r3 and of e1 overlap",
                "bird2_site_prefixes of r3 and of e2 overlap",
            ],
        ),
        # inside an anycast prefix (IPv4), or containing one (IPv6)
        (
            {
                "e1": {"bird2_anycast_prefixes": ["10.64.4.0/25", "2001:db8:64:4:1::/80"]},
            },
            [
                "bird2_site_prefixes of e1: '10.64.4.1/24' (network 10.64.4.0/24) overlaps "
                "10.64.4.0/25 of bird2_anycast_prefixes: every site serving an anycast prefix "
                "announces it",
                "bird2_site_prefixes of e1: '2001:db8:64:4::1/64' (network 2001:db8:64:4::/64) "
                "overlaps 2001:db8:64:4:1::/80 of bird2_anycast_prefixes",
            ],
        ),
        # nested IPv6
        (
            {"e2": {"bird2_site_prefixes": ["10.64.5.1/24", "2001:db8:64::/48"]}},
            [
                "bird2_site_prefixes of r1 and of e2 overlap: '2001:db8:64:1::1/64' (network "
                "2001:db8:64:1::/64) and '2001:db8:64::/48'",
                "bird2_site_prefixes of e1 and of e2 overlap",
            ],
        ),
    ],
)
def test_site_prefix_conflicts(overrides, messages):
    hosts = lab(**overrides)
    found = site_prefix_conflicts(list(hosts), hosts, POOL)
    for message in messages:
        assert any(message in f for f in found), (message, found)


@pytest.mark.parametrize(
    "overrides",
    [
        # one host may repeat or nest its own networks
        {"r1": {"bird2_site_prefixes": ["10.64.1.1/24", "10.64.1.2/24", "10.64.1.0/25"]}},
        # adjacent, not overlapping
        {
            "r1": {"bird2_site_prefixes": ["10.64.0.0/24"]},
            "r2": {"bird2_site_prefixes": ["10.64.1.0/24"]},
        },
        # names cannot be checked; a pool-adjacent prefix is fine
        {"r1": {"backbone_endpoint": "r1.example.net", "bird2_site_prefixes": ["10.255.1.0/24"]}},
        # an IPv6 prefix never contains an IPv4 endpoint
        {
            "r1": {"bird2_site_prefixes": ["::/1"]},
            **{h: {"bird2_site_prefixes": []} for h in ["r2", "r3", "e1", "e2"]},
        },
        {"r1": {"bird2_site_prefixes": []}, "r2": {"bird2_site_prefixes": None}},
        # anycast prefixes apart from the site prefixes; malformed ones are anycast_plan's
        {
            h: {"bird2_anycast_prefixes": ["10.53.0.0/24", "2001:db8:53::/48", "junk", 7]}
            for h in ["r1", "e1"]
        },
    ],
)
def test_site_prefix_conflicts_accepts(overrides):
    hosts = lab(**overrides)
    assert site_prefix_conflicts(list(hosts), hosts, POOL) == []


def test_site_prefix_conflicts_ipv4_prefix_ignores_ipv6_endpoint():
    hosts = {
        "a": {"bird2_site_prefixes": ["0.0.0.0/1"], "backbone_endpoint": "2001:db8::1"},
        "b": {"bird2_site_prefixes": ["2001:db8:1::/48"], "backbone_endpoint": "b.example.net"},
    }
    assert site_prefix_conflicts(["a", "b"], hosts, "192.168.0.0/24") == []


def test_site_prefix_conflicts_rejects_bad_arguments():
    hosts = lab(r1={"bird2_site_prefixes": ["10.64.1.1"]})
    with pytest.raises(ValueError, match="bird2_site_prefixes of r1: expected a list"):
        site_prefix_conflicts(list(hosts), hosts, POOL)
    with pytest.raises(ValueError, match=r"wireguard_mesh_pool_v4 '10\.255\.0\.1/24' is not"):
        site_prefix_conflicts(list(lab()), lab(), "10.255.0.1/24")
    with pytest.raises(TypeError, match="wireguard_mesh_pool_v4 must be an IPv4 network"):
        site_prefix_conflicts(list(lab()), lab(), None)


def _networks():
    return st.one_of(
        st.builds(
            lambda a, n: f"{ipaddress.IPv4Address(a)}/{n}",
            st.integers(0, 2**32 - 1),
            st.integers(8, 32),
        ),
        st.builds(
            lambda a, n: f"{ipaddress.IPv6Address(a << 96)}/{n}",
            st.integers(0, 2**32 - 1),
            st.integers(16, 64),
        ),
    )


@given(st.lists(st.lists(_networks(), max_size=3), min_size=2, max_size=6), st.randoms())
def test_prop_overlaps_match_brute_force_and_ignore_order(per_host, rnd: random.Random):
    names = [f"h{i}" for i in range(len(per_host))]
    hosts = {h: {"bird2_site_prefixes": p} for h, p in zip(names, per_host, strict=True)}
    found = [m for m in site_prefix_conflicts(names, hosts, "100.64.0.0/31") if " overlap: " in m]
    expected = 0
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            for pa in per_host[names.index(a)]:
                for pb in per_host[names.index(b)]:
                    na = ipaddress.ip_network(pa, strict=False)
                    nb = ipaddress.ip_network(pb, strict=False)
                    if na.version == nb.version and na.overlaps(nb):
                        expected += 1
    assert len(found) == expected
    shuffled = names[:]
    rnd.shuffle(shuffled)
    again = site_prefix_conflicts(shuffled, hosts, "100.64.0.0/31")
    assert len([m for m in again if " overlap: " in m]) == expected
    assert site_prefix_conflicts(names, hosts, "100.64.0.0/31") == site_prefix_conflicts(
        names, hosts, "100.64.0.0/31"
    )


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("192.0.2.1:51820", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[2001:db8::1]:51820", "2001:db8::1"),
        ("r1.example.net", None),
        ("r1.example.net:51820", None),
        ("", None),
        (None, None),
        (51820, None),
        ("[r1.example.net]:1", None),
    ],
)
def test_endpoint_address(endpoint, expected):
    address = endpoint_address(endpoint)
    assert (None if address is None else str(address)) == expected


# ---------------------------------------------------- private_key_conflicts


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({}, []),
        ({"r1": KEY_A, "r2": KEY_B}, []),
        ({"r1": KEY_A}, []),
        (
            {"r1": KEY_A, "r3": KEY_A},
            [
                "wireguard_mesh_private_key of r1 and r3 is the same key; every host needs its own "
                "(generate one per host with wg genkey, or leave it out to derive it from "
                "wireguard_mesh_secret)"
            ],
        ),
        (
            {"r1": KEY_A, "r2": KEY_B, "e1": KEY_A, "e2": KEY_B, "r3": KEY_A},
            [
                "wireguard_mesh_private_key of r1, r3 and e1 is the same key",
                "wireguard_mesh_private_key of r2 and e2 is the same key",
            ],
        ),
        ({"r1": None, "r2": None}, []),
    ],
)
def test_private_key_conflicts(keys, expected):
    hosts = lab(**{h: {"wireguard_mesh_private_key": k} for h, k in keys.items()})
    found = private_key_conflicts(list(hosts), hosts)
    assert len(found) == len(expected)
    for message, fragment in zip(found, expected, strict=True):
        assert fragment in message
        assert KEY_A not in message
        assert KEY_B not in message
