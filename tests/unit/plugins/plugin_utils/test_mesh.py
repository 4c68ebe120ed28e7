"""Unit tests for plugins/plugin_utils/_mesh.py (mesh_plan, mesh_peers and the schemes)."""

from __future__ import annotations

import ipaddress
import itertools
import re

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._mesh import (
    format_endpoint,
    interface_name,
    link_index,
    link_local,
    max_id_for_links,
    mesh_peers,
    mesh_plan,
)
from hypothesis import assume, given
from hypothesis import strategies as st

POOL = "10.255.0.0/16"
# What the kernel (dev_valid_name) and wg-quick accept, minus '.' (a sysctl separator).
IFNAME = re.compile(r"[A-Za-z0-9_=+-]{1,15}")


def node(name, node_id, endpoint=None, location=None):
    result = {"name": name, "id": node_id}
    if endpoint is not None:
        result["endpoint"] = endpoint
    if location is not None:
        result["location"] = location
    return result


THREE = [
    node("fra", 1, "fra.example.net", {"lat": 50.11, "lon": 8.68}),
    node("home", 2),
    node("nyc", 3, "2001:db8::3", {"lat": 40.71, "lon": -74.01}),
]


# ------------------------------------------------------------------ schemes


def test_link_index_first_values():
    assert [link_index(lo, hi) for hi in range(2, 5) for lo in range(1, hi)] == list(range(6))
    assert link_index(2, 1) == link_index(1, 2) == 0
    assert link_index(199, 200) == 19_899


@pytest.mark.parametrize("n", [2, 3, 10, 57])
def test_link_index_is_dense_bijection(n):
    indexes = sorted(link_index(a, b) for a, b in itertools.combinations(range(1, n + 1), 2))
    assert indexes == list(range(n * (n - 1) // 2))


@pytest.mark.parametrize(("a", "b"), [(0, 1), (3, 3), (-1, 2)])
def test_link_index_rejects(a, b):
    with pytest.raises(ValueError, match="two distinct ids >= 1"):
        link_index(a, b)


@given(st.integers(min_value=0, max_value=10**9))
def test_max_id_for_links(capacity):
    n = max_id_for_links(capacity)
    assert n * (n - 1) // 2 <= capacity < (n + 1) * n // 2


def test_link_local_scheme():
    assert link_local(1, 2, True) == "fe80::1:2:1"
    assert link_local(1, 2, False) == "fe80::1:2:2"
    assert link_local(10, 255, True) == "fe80::a:ff:1"
    for lo, hi, end in [(1, 2, True), (300, 65535, False)]:
        text = link_local(lo, hi, end)
        addr = ipaddress.IPv6Address(text)
        assert addr.is_link_local
        assert addr.compressed == text  # canonical form


@pytest.mark.parametrize(
    ("name", "node_id", "expected"),
    [
        ("fra", 1, "wg_fra"),
        ("a-b_c", 7, "wg_a-b_c"),
        ("a-b.c_d", 7, "wg-7-a-b"),
        ("fra.1", 8, "wg-8-fra"),
        (".hidden", 9, "wg-9"),
        ("twelve_chars", 3, "wg_twelve_chars"),  # exactly 15
        ("thirteen_char", 3, "wg-3-thirteen_c"),  # 16 would be too long
        ("fra1.example.net", 42, "wg-42-fra1"),
        ("nyc-edge-router-01.example.org", 3, "wg-3-nyc-edge-r"),
        ("host with space", 5, "wg-5-hostwithsp"),
        ("a/b", 9, "wg-9-ab"),
        ("ü", 12, "wg-12"),
        ("x" * 40, 65534, "wg-65534-xxxxxx"),
        ("-5", 6, "wg_-5"),
    ],
)
def test_interface_name(name, node_id, expected):
    assert interface_name(name, node_id) == expected


@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=24), st.integers(min_value=1, max_value=65535)),
        min_size=1,
        max_size=30,
        unique_by=(lambda t: t[0], lambda t: t[1]),
    )
)
def test_interface_names_valid_and_unique(peers):
    names = [interface_name(name, node_id) for name, node_id in peers]
    assert all(IFNAME.fullmatch(n) for n in names), names
    assert all(n not in {".", ".."} for n in names)
    assert len(set(names)) == len(names), names


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("fra.example.net", 51820, "fra.example.net:51820"),
        ("192.0.2.1", 1, "192.0.2.1:1"),
        ("2001:db8::1", 51821, "[2001:db8::1]:51821"),
    ],
)
def test_format_endpoint(host, port, expected):
    assert format_endpoint(host, port) == expected


# --------------------------------------------------------------- mesh_plan


def test_mesh_plan_three_nodes_exact():
    plan = mesh_plan(THREE, "10.255.0.0/24", rtt_ms={"home": {"fra": 12}, "fra": {"home": 13}})
    assert plan == [
        {
            "index": 0,
            "nodes": ["fra", "home"],
            "ids": [1, 2],
            "network": "10.255.0.0/31",
            "address": {"fra": "10.255.0.0/31", "home": "10.255.0.1/31"},
            "link_local": {"fra": "fe80::1:2:1/64", "home": "fe80::1:2:2/64"},
            "listen_port": {"fra": 51822, "home": 51821},
            "interface": {"fra": "wg_home", "home": "wg_fra"},
            "endpoint": {"fra": "fra.example.net", "home": None},
            "cost": 6,  # mean RTT 12.5 ms -> 6.25 -> 6
            "cost_source": "rtt",
        },
        {
            "index": 1,
            "nodes": ["fra", "nyc"],
            "ids": [1, 3],
            "network": "10.255.0.2/31",
            "address": {"fra": "10.255.0.2/31", "nyc": "10.255.0.3/31"},
            "link_local": {"fra": "fe80::1:3:1/64", "nyc": "fe80::1:3:2/64"},
            "listen_port": {"fra": 51823, "nyc": 51821},
            "interface": {"fra": "wg_nyc", "nyc": "wg_fra"},
            "endpoint": {"fra": "fra.example.net", "nyc": "2001:db8::3"},
            "cost": 47,  # estimated RTT over 6,203 km: 93.11 ms -> 46.555 -> 47
            "cost_source": "geo",
        },
        {
            "index": 2,
            "nodes": ["home", "nyc"],
            "ids": [2, 3],
            "network": "10.255.0.4/31",
            "address": {"home": "10.255.0.4/31", "nyc": "10.255.0.5/31"},
            "link_local": {"home": "fe80::2:3:1/64", "nyc": "fe80::2:3:2/64"},
            "listen_port": {"home": 51823, "nyc": 51822},
            "interface": {"home": "wg_nyc", "nyc": "wg_home"},
            "endpoint": {"home": None, "nyc": "2001:db8::3"},
            "cost": 10,
            "cost_source": "default",
        },
    ]


def test_mesh_plan_custom_args():
    plan = mesh_plan(
        THREE,
        "192.168.7.0/29",
        links=[["nyc", "home"], ("fra", "nyc")],
        port_base=40000,
        default_cost=100,
        stretch=1.0,
    )
    assert [link["nodes"] for link in plan] == [["fra", "nyc"], ["home", "nyc"]]
    assert plan[0]["address"] == {"fra": "192.168.7.2/31", "nyc": "192.168.7.3/31"}
    assert plan[0]["cost"] == 31  # 62.073 ms / 2
    assert plan[1]["listen_port"] == {"home": 40003, "nyc": 40002}
    assert plan[1]["cost"] == 100


def test_mesh_plan_rtt_either_direction():
    one = mesh_plan(THREE, POOL, rtt_ms={"nyc": {"home": 80}})
    other = mesh_plan(THREE, POOL, rtt_ms={"home": {"nyc": 80}})
    assert one == other
    assert one[2]["cost"] == 40
    assert one[2]["cost_source"] == "rtt"
    # a measured RTT wins over locations
    assert mesh_plan(THREE, POOL, rtt_ms={"fra": {"nyc": 7}})[1]["cost"] == 4


def test_mesh_plan_rtt_for_unlinked_pair_is_ignored():
    plan = mesh_plan(
        THREE, POOL, links=[["fra", "home"], ["home", "nyc"]], rtt_ms={"fra": {"nyc": 7}}
    )
    assert [link["cost_source"] for link in plan] == ["default", "default"]


def test_mesh_plan_pool_exactly_big_enough():
    # ids 1..16 need 120 /31s; a /24 has 128
    nodes = [node(f"n{i}", i) for i in range(1, 17)]
    plan = mesh_plan(nodes, "10.0.0.0/24")
    assert plan[-1]["address"]["n16"] == "10.0.0.239/31"
    # two nodes fit a single /31
    assert mesh_plan(THREE[:2], "10.0.0.6/31")[0]["address"] == {
        "fra": "10.0.0.6/31",
        "home": "10.0.0.7/31",
    }


def test_mesh_plan_endpoint_normalised():
    nodes = [node("a", 1, "2001:DB8:0::1"), node("b", 2, "host.example.")]
    plan = mesh_plan(nodes, POOL)
    assert plan[0]["endpoint"] == {"a": "2001:db8::1", "b": "host.example."}


def is_plain_str(value: object) -> bool:
    """Exactly ``str``, not a subclass such as Ansible's tagged strings: the point of the tests."""
    return value.__class__ is str


def test_mesh_plan_returns_fresh_plain_data():
    plan = mesh_plan(THREE, POOL)
    plan[0]["address"]["fra"] = "mutated"
    assert mesh_plan(THREE, POOL)[0]["address"]["fra"] == "10.255.0.0/31"

    def walk(value):
        if isinstance(value, dict):
            assert all(is_plain_str(k) for k in value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert value is None or type(value) in (str, int)

    walk(plan)


class _Str(str):
    """Stands in for Ansible's tagged strings."""


def test_mesh_plan_accepts_str_subclasses_and_outputs_plain_str():
    nodes = [{"name": _Str("a"), "id": 1}, {"name": _Str("b"), "id": 2}]
    plan = mesh_plan(nodes, _Str(POOL), links=[[_Str("b"), _Str("a")]])
    assert all(is_plain_str(n) for n in plan[0]["nodes"])
    assert all(is_plain_str(k) for k in plan[0]["address"])


@pytest.mark.parametrize(
    ("nodes", "kwargs", "exc", "fragments"),
    [
        ("fra", {}, TypeError, ["nodes must be a list", "(type str)"]),
        ([], {}, ValueError, ["at least 2 nodes", "got 0"]),
        ([node("a", 1)], {}, ValueError, ["at least 2 nodes"]),
        (["a", "b"], {}, TypeError, ["nodes[0] must be a mapping", "'a' (type str)"]),
        ([node("a", 1), {"id": 2}], {}, ValueError, ["nodes[1] has no 'name'"]),
        ([node("a", 1), {"name": "", "id": 2}], {}, TypeError, ["nodes[1].name"]),
        ([node("a", 1), {"name": 5, "id": 2}], {}, TypeError, ["nodes[1].name", "(type int)"]),
        ([node("a", 1), {"name": "b"}], {}, ValueError, ["id of node 'b' is missing"]),
        (
            [node("a", 1), node("b", 0)],
            {},
            ValueError,
            ["id of node 'b' must be an integer >= 1", "got 0"],
        ),
        ([node("a", 1), node("b", -3)], {}, ValueError, ["got -3"]),
        ([node("a", 1), node("b", "2")], {}, TypeError, ["id of node 'b'", "'2' (type str)"]),
        ([node("a", 1), node("b", 2.0)], {}, TypeError, ["2.0 (type float)"]),
        ([node("a", 1), node("b", True)], {}, TypeError, ["True (type bool)"]),
        ([node("a", 1), node("a", 2)], {}, ValueError, ["duplicate node name 'a'"]),
        (
            [node("a", 1), node("b", 1)],
            {},
            ValueError,
            ["duplicate id 1 (nodes 'a' and 'b'); ids must be unique"],
        ),
        (
            [node("a", 1), {"name": "b", "id": 2, "endpiont": "x"}],
            {},
            ValueError,
            ["nodes[1] has unknown keys ['endpiont']", "allowed keys"],
        ),
        (
            [node("a", 1), node("b", 2, "")],
            {},
            ValueError,
            ["endpoint of node 'b' is an empty string"],
        ),
        ([node("a", 1), node("b", 2, 42)], {}, TypeError, ["endpoint", "42 (type int)"]),
        (
            [node("a", 1), node("b", 2, "1.2.3.4:51820")],
            {},
            ValueError,
            ["'1.2.3.4:51820'", "without"],
        ),
        ([node("a", 1), node("b", 2, "[2001:db8::1]")], {}, ValueError, ["without brackets"]),
        ([node("a", 1), node("b", 2, "bad host")], {}, ValueError, ["'bad host'", "DNS name"]),
        ([node("a", 1), node("b", 2, "1.2.3.256")], {}, ValueError, ["'1.2.3.256'"]),
        (
            [node("a", 1), node("b", 2, location=[1, 2])],
            {},
            TypeError,
            ["location of node 'b' must be a mapping"],
        ),
        (
            [node("a", 1), node("b", 2, location={"lat": 99, "lon": 0})],
            {},
            ValueError,
            ["location of node 'b'.lat must be between -90 and 90"],
        ),
    ],
)
def test_mesh_plan_rejects_nodes(nodes, kwargs, exc, fragments):
    with pytest.raises(exc) as info:
        mesh_plan(nodes, POOL, **kwargs)
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "exc", "fragments"),
    [
        ({"pool_v4": 167772160}, TypeError, ["pool_v4 must be an IPv4 network", "(type int)"]),
        (
            {"pool_v4": "10.0.0.1/24"},
            ValueError,
            ["pool_v4 '10.0.0.1/24' is not an IPv4 network", "host bits"],
        ),
        ({"pool_v4": "fd00::/64"}, ValueError, ["pool_v4 'fd00::/64' is not an IPv4 network"]),
        ({"pool_v4": "banana"}, ValueError, ["'banana'"]),
        (
            {"pool_v4": "10.0.0.1/32"},
            ValueError,
            ["pool_v4 '10.0.0.1/32' is too small: it holds no /31"],
        ),
        (
            {"pool_v4": "10.0.0.0/30"},
            ValueError,
            [
                "pool_v4 '10.0.0.0/30' is too small",
                "holds 2 /31 links",
                "enough for ids up to 2",
                "'home'-'nyc'",
                "index 2",
            ],
        ),
        ({"links": "fra-home"}, TypeError, ["links must be a list of [name, name] pairs"]),
        ({"links": [["fra", "home", "nyc"]]}, TypeError, ["links[0] must be a pair"]),
        (
            {"links": [["fra", "home"], ["fra", 3]]},
            TypeError,
            ["links[1] must name nodes by string", "3 (type int)"],
        ),
        (
            {"links": [["fra", "ber"]]},
            ValueError,
            ["links[0] names unknown node 'ber'", "'fra', 'home', 'nyc'"],
        ),
        ({"links": [["fra", "fra"]]}, ValueError, ["links[0] links node 'fra' to itself"]),
        (
            {"links": [["fra", "home"], ["home", "nyc"], ["home", "fra"]]},
            ValueError,
            ["links[2] ['home', 'fra'] duplicates links[0]"],
        ),
        ({"links": [["fra", "home"]]}, ValueError, ["['nyc'] are in no link"]),
        ({"links": []}, ValueError, ["['fra', 'home', 'nyc'] are in no link"]),
        (
            {"port_base": 65533},
            ValueError,
            ["port_base 65533 + id of node 'nyc' (3) = 65536 exceeds 65535", "at most 65532"],
        ),
        ({"port_base": 0}, ValueError, ["port_base must be between 1 and 65535, got 0"]),
        ({"port_base": "51820"}, TypeError, ["port_base must be an integer", "(type str)"]),
        ({"port_base": True}, TypeError, ["port_base", "(type bool)"]),
        ({"default_cost": 0}, ValueError, ["default_cost must be between 1 and 65535"]),
        ({"default_cost": 65536}, ValueError, ["default_cost must be between 1 and 65535"]),
        ({"default_cost": 1.5}, TypeError, ["default_cost must be an integer"]),
        ({"stretch": 0.5}, ValueError, ["stretch must be >= 1"]),
        ({"rtt_ms": [1]}, TypeError, ["rtt_ms must be a mapping"]),
        ({"rtt_ms": {"ber": {"fra": 1}}}, ValueError, ["rtt_ms names unknown node 'ber'"]),
        ({"rtt_ms": {"fra": {"ber": 1}}}, ValueError, ["rtt_ms['fra'] names unknown node 'ber'"]),
        ({"rtt_ms": {"fra": 12}}, TypeError, ["rtt_ms['fra'] must be a mapping", "12 (type int)"]),
        ({"rtt_ms": {"fra": {"fra": 1}}}, ValueError, ["from a node to itself"]),
        ({"rtt_ms": {"fra": {"home": -1}}}, ValueError, ["rtt_ms['fra']['home'] must be >= 0 ms"]),
        (
            {"rtt_ms": {"fra": {"home": "12"}}},
            TypeError,
            ["rtt_ms['fra']['home'] must be a number"],
        ),
        ({"rtt_ms": {"fra": {"home": float("nan")}}}, ValueError, ["finite"]),
    ],
)
def test_mesh_plan_rejects_arguments(kwargs, exc, fragments):
    kwargs = {"pool_v4": POOL, **kwargs}
    with pytest.raises(exc) as info:
        mesh_plan(THREE, **kwargs)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_mesh_plan_pool_error_names_largest_id():
    nodes = [node("a", 1), node("b", 40)]
    with pytest.raises(ValueError) as info:
        mesh_plan(nodes, "10.0.0.0/24")
    message = str(info.value)
    assert "holds 128 /31 links (indexes 0..127)" in message
    assert "enough for ids up to 16" in message
    assert "(ids 1 and 40) has index 741" in message


# The names a role passes so that messages name what its users wrote in the inventory.
INVENTORY_NAMES = {
    "nodes": "the hosts of wireguard_mesh_group 'backbone'",
    "node": "host",
    "id": "backbone_id",
    "endpoint": "backbone_endpoint",
    "location": "backbone_location",
    "pool_v4": "wireguard_mesh_pool_v4",
    "links": "wireguard_mesh_links",
    "rtt_ms": "wireguard_mesh_rtt_ms",
    "port_base": "wireguard_mesh_port_base",
    "default_cost": "wireguard_mesh_default_cost",
}


@pytest.mark.parametrize(
    ("nodes", "kwargs", "message"),
    [
        (
            [node("a", 1)],
            {},
            "the hosts of wireguard_mesh_group 'backbone' must list at least 2 hosts",
        ),
        (
            [node("a", 1), node("b", 0)],
            {},
            "backbone_id of host 'b' must be an integer >= 1, got 0",
        ),
        ([node("a", 1), node("b", 1)], {}, "duplicate backbone_id 1 (hosts 'a' and 'b')"),
        (
            [node("a", 1), node("b", 2, "1.2.3.4:51820")],
            {},
            "backbone_endpoint of host 'b' '1.2.3.4:51820' is not an IPv4/IPv6 address",
        ),
        (
            [node("a", 1), node("b", 2, location={"lat": 99, "lon": 0})],
            {},
            "backbone_location of host 'b'.lat must be between -90 and 90",
        ),
        (THREE, {"pool_v4": "10.0.0.0/33"}, "wireguard_mesh_pool_v4 '10.0.0.0/33' is not an IPv4"),
        (
            THREE,
            {"pool_v4": "10.0.0.0/30"},
            "wireguard_mesh_pool_v4 '10.0.0.0/30' is too small: it holds 2 /31 links (indexes "
            "0..1), enough for backbone_ids up to 2, but link 'home'-'nyc' (backbone_ids 2 and 3)",
        ),
        (
            THREE,
            {"links": [["fra", "home"], ["home", "nyc"], ["nyc", "ber"]]},
            "wireguard_mesh_links[2] names unknown host 'ber'",
        ),
        (
            THREE,
            {"links": [["fra", "home"], ["home", "fra"]]},
            "wireguard_mesh_links[1] ['home', 'fra'] duplicates wireguard_mesh_links[0]",
        ),
        (
            THREE,
            {"links": [["fra", "home"]]},
            "host(s) ['nyc'] are in no link of wireguard_mesh_links; add links for them or remove "
            "them from the hosts of wireguard_mesh_group 'backbone'",
        ),
        (THREE, {"rtt_ms": {"fra": {"ber": 1}}}, "wireguard_mesh_rtt_ms['fra'] names unknown host"),
        (THREE, {"rtt_ms": {"fra": {"home": -1}}}, "wireguard_mesh_rtt_ms['fra']['home'] must be"),
        (
            THREE,
            {"port_base": 65533},
            "wireguard_mesh_port_base 65533 + backbone_id of host 'nyc' (3) = 65536 exceeds 65535; "
            "lower wireguard_mesh_port_base to at most 65532 or use smaller backbone_ids",
        ),
        (THREE, {"port_base": 0}, "wireguard_mesh_port_base must be between 1 and 65535, got 0"),
        (THREE, {"default_cost": 0}, "wireguard_mesh_default_cost must be between 1 and 65535"),
    ],
)
def test_mesh_plan_messages_use_the_given_names(nodes, kwargs, message):
    kwargs = {"pool_v4": POOL, **kwargs}
    with pytest.raises((TypeError, ValueError)) as info:
        mesh_plan(nodes, names=INVENTORY_NAMES, **kwargs)
    assert message in str(info.value)
    # No message falls back to the filter's own argument names.
    assert not re.search(r"\b(pool_v4|port_base|rtt_ms|node id|nodes\[)", str(info.value))


def test_mesh_plan_names_do_not_change_the_plan():
    assert mesh_plan(THREE, POOL, names=INVENTORY_NAMES) == mesh_plan(THREE, POOL)
    assert mesh_plan(THREE, POOL, names={"pool_v4": "x"}) == mesh_plan(THREE, POOL, names=None)


@pytest.mark.parametrize(
    ("names", "exc", "fragment"),
    [
        (["pool_v4"], TypeError, "names must be a mapping"),
        ({"pool": "x"}, ValueError, "names has unknown key 'pool'"),
        ({"pool_v4": ""}, TypeError, "names['pool_v4'] must be a non-empty string"),
        ({"pool_v4": 3}, TypeError, "3 (type int)"),
    ],
)
def test_mesh_plan_rejects_bad_names(names, exc, fragment):
    with pytest.raises(exc) as info:
        mesh_plan(THREE, POOL, names=names)
    assert fragment in str(info.value)


# -------------------------------------------------------------- mesh_peers


def test_mesh_peers_exact():
    plan = mesh_plan(THREE, POOL)
    assert mesh_peers(plan, "nyc") == [
        {
            "interface": "wg_fra",
            "address": "10.255.0.3/31",
            "network": "10.255.0.2/31",
            "peer": "fra",
            "peer_id": 1,
            "peer_address": "10.255.0.2",
            "link_local": "fe80::1:3:2/64",
            "peer_link_local": "fe80::1:3:1",
            "listen_port": 51821,
            "peer_listen_port": 51823,
            "peer_endpoint": "fra.example.net:51823",
            "cost": 47,
            "index": 1,
        },
        {
            "interface": "wg_home",
            "address": "10.255.0.5/31",
            "network": "10.255.0.4/31",
            "peer": "home",
            "peer_id": 2,
            "peer_address": "10.255.0.4",
            "link_local": "fe80::2:3:2/64",
            "peer_link_local": "fe80::2:3:1",
            "listen_port": 51822,
            "peer_listen_port": 51823,
            "peer_endpoint": None,
            "cost": 10,
            "index": 2,
        },
    ]
    home = mesh_peers(plan, "home")
    assert [t["peer_endpoint"] for t in home] == ["fra.example.net:51822", "[2001:db8::3]:51822"]


def test_mesh_peers_sorted_by_peer_id():
    nodes = [node("z", 1), node("y", 5), node("x", 3), node("w", 2)]
    plan = mesh_plan(nodes, POOL)
    assert [t["peer"] for t in mesh_peers(plan, "x")] == ["z", "w", "y"]
    assert [t["peer_id"] for t in mesh_peers(plan, "z")] == [2, 3, 5]


@pytest.mark.parametrize(
    ("plan", "name", "exc", "fragment"),
    [
        ("plan", "fra", TypeError, "plan must be the list returned by mesh_plan"),
        (None, "fra", TypeError, "plan must be the list"),
        ([{"nodes": ["a", "b"]}], "a", ValueError, "plan[0] is not a mesh_plan link"),
        ([], "fra", ValueError, "node 'fra' is not in the plan"),
    ],
)
def test_mesh_peers_rejects(plan, name, exc, fragment):
    with pytest.raises(exc) as info:
        mesh_peers(plan, name)
    assert fragment in str(info.value)


def test_mesh_peers_rejects_unknown_and_bad_node():
    plan = mesh_plan(THREE, POOL)
    with pytest.raises(
        ValueError,
        match=r"node 'ber' is not in the plan; nodes in the plan: \['fra', 'home', 'nyc'\]",
    ):
        mesh_peers(plan, "ber")
    with pytest.raises(TypeError, match=r"node must be a node name"):
        mesh_peers(plan, 3)
    broken = [dict(plan[0], address={"fra": "10.255.0.0/31"})]
    with pytest.raises(
        ValueError, match=r"plan\[0\] is not a well-formed mesh_plan link for 'fra'"
    ):
        mesh_peers(broken, "fra")


# ------------------------------------------------------- properties (hypothesis)

NAME = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20
)
ENDPOINT = st.sampled_from([None, "192.0.2.7", "2001:db8::7", "peer.example.net"])
LOCATION = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "lat": st.floats(min_value=-90, max_value=90, allow_nan=False),
            "lon": st.floats(min_value=-180, max_value=180, allow_nan=False),
        }
    ),
)


@st.composite
def node_lists(draw, min_size=2, max_size=12, max_id=200):
    size = draw(st.integers(min_value=min_size, max_value=max_size))
    ids = draw(
        st.lists(
            st.integers(min_value=1, max_value=max_id), min_size=size, max_size=size, unique=True
        )
    )
    names = draw(st.lists(NAME, min_size=size, max_size=size, unique=True))
    return [
        node(name, node_id, draw(ENDPOINT), draw(LOCATION))
        for name, node_id in zip(names, ids, strict=True)
    ]


@st.composite
def rtt_for(draw, nodes):
    names = [n["name"] for n in nodes]
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=10))
    rtt: dict = {}
    for a, b in pairs:
        if a != b:
            rtt.setdefault(a, {})[b] = draw(st.floats(min_value=0, max_value=1000, allow_nan=False))
    return rtt


def pair_key(link):
    return frozenset(link["nodes"])


def by_pair(plan):
    return {pair_key(link): link for link in plan}


@given(st.data())
def test_prop_order_independent(data):
    nodes = data.draw(node_lists())
    rtt = data.draw(rtt_for(nodes))
    names = [n["name"] for n in nodes]
    all_pairs = list(itertools.combinations(names, 2))
    chosen = data.draw(st.lists(st.sampled_from(all_pairs), unique=True))
    assume({n for pair in chosen for n in pair} == set(names))
    reference = mesh_plan(nodes, POOL, links=chosen, rtt_ms=rtt)
    shuffled_nodes = data.draw(st.permutations(nodes))
    shuffled_links = [
        list(p)[:: data.draw(st.sampled_from([1, -1]))] for p in data.draw(st.permutations(chosen))
    ]
    shuffled_rtt = {a: dict(reversed(list(row.items()))) for a, row in reversed(list(rtt.items()))}
    assert mesh_plan(shuffled_nodes, POOL, links=shuffled_links, rtt_ms=shuffled_rtt) == reference
    for name in names:
        assert mesh_peers(data.draw(st.permutations(reference)), name) == mesh_peers(
            reference, name
        )


@given(st.data())
def test_prop_stable_under_adding_and_removing_nodes(data):
    nodes = data.draw(node_lists(min_size=4, max_size=14))
    rtt = data.draw(rtt_for(nodes))
    keep = data.draw(st.lists(st.sampled_from(nodes), min_size=2, unique_by=lambda n: n["id"]))
    kept = {n["name"] for n in keep}
    small_rtt = {
        a: {b: v for b, v in row.items() if b in kept} for a, row in rtt.items() if a in kept
    }
    big = by_pair(mesh_plan(nodes, POOL, rtt_ms=rtt))
    small = mesh_plan(keep, POOL, rtt_ms=small_rtt)
    assert len(small) == len(keep) * (len(keep) - 1) // 2
    for link in small:
        assert big[pair_key(link)] == link


@given(st.data())
def test_prop_chosen_links_match_full_mesh(data):
    nodes = data.draw(node_lists())
    names = [n["name"] for n in nodes]
    chosen = data.draw(
        st.lists(st.sampled_from(list(itertools.combinations(names, 2))), min_size=1, unique=True)
    )
    used = {n for pair in chosen for n in pair}
    subset = [n for n in nodes if n["name"] in used]
    assume(len(subset) >= 2)
    full = by_pair(mesh_plan(nodes, POOL))
    partial = mesh_plan(subset, POOL, links=chosen)
    assert {pair_key(link) for link in partial} == {frozenset(p) for p in chosen}
    for link in partial:
        assert full[pair_key(link)] == link


def test_stable_when_a_node_is_added_example():
    before = mesh_plan(THREE, POOL)
    after = mesh_plan([*THREE, node("ber", 4, "ber.example.net")], POOL)
    assert after[: len(before)] != before  # sorted by (lo, hi): new links interleave
    assert all(by_pair(after)[pair_key(link)] == link for link in before)


@given(
    node_lists(max_size=16, max_id=128),
    st.sampled_from(["10.255.0.0/16", "172.16.64.0/18", "100.64.0.0/10"]),
)
def test_prop_addresses_unique_and_in_pool(nodes, pool):
    plan = mesh_plan(nodes, pool)
    network = ipaddress.IPv4Network(pool)
    addresses = [a for link in plan for a in link["address"].values()]
    assert len(addresses) == len(set(addresses)) == 2 * len(plan)
    for link in plan:
        lo, hi = link["nodes"]
        net = ipaddress.IPv4Network(link["network"])
        assert net.prefixlen == 31 and net.subnet_of(network)
        lo_if = ipaddress.IPv4Interface(link["address"][lo])
        hi_if = ipaddress.IPv4Interface(link["address"][hi])
        assert lo_if.network == hi_if.network == net
        assert int(lo_if.ip) % 2 == 0 and int(hi_if.ip) == int(lo_if.ip) + 1
        assert link["index"] == link_index(*link["ids"])
        assert link["ids"][0] < link["ids"][1]
    link_locals = [a for link in plan for a in link["link_local"].values()]
    assert len(set(link_locals)) == len(link_locals)
    assert all(
        ipaddress.IPv6Interface(a).network == ipaddress.IPv6Network("fe80::/64")
        for a in link_locals
    )
    # sorted by (lower id, higher id)
    keys = [tuple(link["ids"]) for link in plan]
    assert keys == sorted(keys)


@given(node_lists(max_size=16), st.integers(min_value=1, max_value=65535 - 200))
def test_prop_per_node_ports_and_interfaces_unique(nodes, port_base):
    plan = mesh_plan(nodes, POOL, port_base=port_base)
    for n in nodes:
        tunnels = mesh_peers(plan, n["name"])
        assert len(tunnels) == len(nodes) - 1
        ports = [t["listen_port"] for t in tunnels]
        interfaces = [t["interface"] for t in tunnels]
        assert len(set(ports)) == len(ports)
        assert all(port_base < p <= 65535 for p in ports)
        assert len(set(interfaces)) == len(interfaces)
        assert all(IFNAME.fullmatch(i) and i not in {".", ".."} for i in interfaces)
        for t in tunnels:
            assert ipaddress.ip_address(t["peer_link_local"]).is_link_local
            net = ipaddress.IPv4Network(t["network"])
            own = ipaddress.IPv4Interface(t["address"])
            assert own.network == net
            assert ipaddress.IPv4Address(t["peer_address"]) in net
            assert ipaddress.IPv4Address(t["peer_address"]) != own.ip


@given(node_lists(max_size=10))
def test_prop_peers_mirror_each_other(nodes):
    plan = mesh_plan(nodes, POOL)
    views = {n["name"]: {t["peer"]: t for t in mesh_peers(plan, n["name"])} for n in nodes}
    for a, tunnels in views.items():
        for b, t in tunnels.items():
            back = views[b][a]
            assert t["peer_address"] == back["address"].split("/")[0]
            assert t["peer_link_local"] == back["link_local"].split("/")[0]
            assert t["peer_listen_port"] == back["listen_port"]
            assert t["cost"] == back["cost"] and t["index"] == back["index"]
            assert t["network"] == back["network"]


@given(node_lists(max_size=10), st.data())
def test_prop_costs_in_range_and_sourced(nodes, data):
    rtt = data.draw(rtt_for(nodes))
    plan = mesh_plan(nodes, POOL, rtt_ms=rtt, default_cost=77)
    by_name = {n["name"]: n for n in nodes}
    for link in plan:
        a, b = link["nodes"]
        assert 1 <= link["cost"] <= 65535
        measured = a in rtt.get(b, {}) or b in rtt.get(a, {})
        located = by_name[a].get("location") is not None and by_name[b].get("location") is not None
        expected = "rtt" if measured else "geo" if located else "default"
        assert link["cost_source"] == expected
        if expected == "default":
            assert link["cost"] == 77
