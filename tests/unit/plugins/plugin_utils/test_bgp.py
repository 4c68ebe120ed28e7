"""Unit tests for plugins/plugin_utils/_bgp.py (the BGP edge's inputs and plan)."""

from __future__ import annotations

import copy
import json

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._bgp import (
    IX_SYSCTLS,
    LOCAL_PREF,
    BgpInputError,
    asn_problem,
    bgp_host_state,
    bgp_plan,
)
from hypothesis import given
from hypothesis import strategies as st

# The role's defaults for the filter library (roles/bird2/defaults/main.yml), shortened.
LIBRARY = {
    "bird2_bgp_bogons4": ["0.0.0.0/8", "10.0.0.0/8", "192.168.0.0/16"],
    "bird2_bgp_bogons6": ["::/8", "2001:db8::/32"],
    "bird2_bgp_bogon_asns": [0, 23456, [64496, 64511], [4200000000, 4294967295]],
    "bird2_bgp_min_length4": 8,
    "bird2_bgp_max_length4": 24,
    "bird2_bgp_min_length6": 16,
    "bird2_bgp_max_length6": 48,
    "bird2_bgp_max_path_length": 64,
    "bird2_bgp_roa": None,
    "bird2_bgp_drain": False,
    "bird2_bgp_default_to_ospf": False,
}


def edge(**overrides):
    """A core site with one session of each kind (the lab's r2), with overrides."""
    host_vars = {
        **LIBRARY,
        "bird2_asn": 64496,
        "bird2_asn_allow_reserved": True,
        "bird2_own_prefixes": ["10.64.0.0/16", "2001:db8:64::/48"],
        "wireguard_mesh_plan_pool_v4": "10.255.0.0/24",
        "bird2_ixes": [
            {
                "name": "ix1",
                "interface": "eth1",
                "lan4": "203.0.113.64/26",
                "lan6": "2001:db8:e1::/64",
            }
        ],
        "bird2_bgp_sessions": [
            {
                "name": "t1",
                "kind": "transit",
                "neighbor": "198.51.100.1",
                "neighbor_as": 64497,
                "local_address": "198.51.100.12",
                "max_prefix": 1100000,
                "transit_routes": "both",
            },
            {
                "name": "rs1",
                "kind": "ix_route_server",
                "neighbor": "203.0.113.65",
                "neighbor_as": 64499,
                "local_address": "203.0.113.66",
                "ix": "ix1",
            },
            {
                "name": "x1",
                "kind": "ix_peer",
                "neighbor": "2001:db8:e1::67",
                "neighbor_as": 64500,
                "local_address": "2001:db8:e1::66",
                "ix": "ix1",
            },
            {
                "name": "cust1",
                "kind": "downstream",
                "neighbor": "198.51.100.30",
                "neighbor_as": 65536,
                "local_address": "198.51.100.12",
                "prefixes": ["192.0.2.0/24", "2001:db8:d1::/48"],
                "export": "default",
                "local_pref": 130,
            },
        ],
    }
    host_vars.update(overrides)
    return host_vars


def problems(host_vars):
    with pytest.raises(BgpInputError) as caught:
        bgp_plan("r2", host_vars)
    return caught.value.problems


def session(index=0, **changes):
    host_vars = edge()
    host_vars["bird2_bgp_sessions"][index].update(changes)
    for key, value in changes.items():
        if value is None:
            del host_vars["bird2_bgp_sessions"][index][key]
    return host_vars


def test_the_lab_edge_plans():
    plan = bgp_plan("r2", edge())
    assert plan["enabled"] and plan["asn"] == 64496
    assert plan["cone4"] == ["10.64.0.0/16", "192.0.2.0/24"]
    assert plan["cone6"] == ["2001:db8:64::/48", "2001:db8:d1::/48"]
    by_name = {s["name"]: s for s in plan["sessions"]}
    assert [s["name"] for s in plan["sessions"]] == ["t1", "rs1", "x1", "cust1"]
    assert by_name["t1"]["local_pref"] == 50 and by_name["t1"]["import"] == "both"
    assert by_name["t1"]["export"] == "cone" and by_name["t1"]["enforce_first_as"]
    assert not by_name["rs1"]["enforce_first_as"] and by_name["rs1"]["local_pref"] == 90
    assert by_name["x1"]["family"] == 6 and by_name["x1"]["enforce_first_as"]
    assert by_name["cust1"]["local_pref"] == 130 and by_name["cust1"]["export"] == "default"
    assert by_name["cust1"]["prefixes4"] == ["192.0.2.0/24"]
    assert by_name["cust1"]["prefixes6"] == ["2001:db8:d1::/48"]


def test_the_seed_local_preferences_by_kind():
    assert LOCAL_PREF == {
        "transit": 50,
        "ix_route_server": 90,
        "ix_peer": 90,
        "peer": 100,
        "downstream": 120,
    }


def test_no_asn_means_no_bgp_edge():
    assert bgp_plan("r1", {"bird2_bgp_sessions": []}) == {"enabled": False}
    with pytest.raises(
        BgpInputError, match="bird2_bgp_sessions of r1 lists sessions but bird2_asn is not set"
    ):
        bgp_plan("r1", {"bird2_bgp_sessions": [{"name": "t1"}]})


@pytest.mark.parametrize(
    ("value", "allow", "expected"),
    [
        (0, True, "AS 0"),
        (23456, True, "AS_TRANS"),
        (65535, True, "reserved"),
        (4294967295, True, "reserved"),
        (4294967296, True, "outside 1..4294967294"),
        (-1, True, "outside"),
        (True, True, "integer ASN"),
        ("64500", True, "integer ASN"),
        (64500, False, "documentation ASN (RFC 5398)"),
        (65000, False, "private ASN (RFC 6996)"),
        (4200000001, False, "private ASN"),
        (70000, False, "reserved by IANA"),
        (64500, True, None),
        (13335, False, None),
        (4200000001, True, None),
    ],
)
def test_asn_rules(value, allow, expected):
    why = asn_problem(value, allow)
    assert (why is None) if expected is None else (expected in why)


def test_own_asn_named_with_the_variable():
    assert problems(edge(bird2_asn=23456))[0].startswith("bird2_asn of r2: 23456 is AS_TRANS")
    assert (
        "set bird2_asn_allow_reserved: true for a lab"
        in problems(edge(bird2_asn_allow_reserved=False))[0]
    )


def test_unknown_session_kind():
    (only,) = problems(session(0, kind="upstream"))
    assert only == (
        "bird2_bgp_sessions[0] (t1) of r2: kind 'upstream' (type str) is not one of "
        "transit, ix_route_server, ix_peer, peer, downstream"
    )


def test_neighbor_asn_out_of_range():
    (only,) = problems(session(1, neighbor_as=4294967296))
    assert only.startswith("bird2_bgp_sessions[1] (rs1) of r2: neighbor_as 4294967296 is outside")


def test_downstream_without_prefixes():
    (only,) = problems(session(3, prefixes=None))
    assert "bird2_bgp_sessions[3] (cust1) of r2: a downstream needs its prefixes" in only


def host_read(links, sysctls=None, read_only=False):
    """The output of roles/bird2/tasks/host_check.yml's read."""
    lines = [json.dumps(links)]
    lines += [f"sysctl {path} {value}" for path, value in (sysctls or {}).items()]
    lines.append(f"procsys-net {'ro' if read_only else 'rw'}")
    return "\n".join(lines) + "\n"


def link(name, *addresses, flags=("BROADCAST", "MULTICAST", "UP"), dynamic=()):
    """One interface of ip -j address show."""
    infos = []
    for text in addresses:
        local, prefixlen = text.split("/")
        info = {"local": local, "prefixlen": int(prefixlen), "scope": "global"}
        if text in dynamic:
            info["dynamic"] = True
        infos.append(info)
    return {"ifname": name, "flags": list(flags), "addr_info": infos}


# The lab's r2 as the role finds it: its Internet address, the IX port, a link-local.
R2_LINKS = [
    link("lo", "127.0.0.1/8", flags=("LOOPBACK", "UP")),
    link("eth0", "198.51.100.12/24", "2001:db8:100::12/64"),
    link("eth1", "203.0.113.66/26", "2001:db8:e1::66/64", "fe80::1/64"),
]


def settled(plan):
    """The live sysctls of every IX port already at the plan's values."""
    return {s["path"]: str(s["value"]) for p in plan["ix_ports"] for s in p["sysctls"]}


def test_host_state_of_a_settled_host_is_quiet():
    plan = bgp_plan("r2", edge())
    links = copy.deepcopy(R2_LINKS)
    links[2]["flags"] = ["BROADCAST", "UP"]
    state = bgp_host_state("r2", plan, host_read(links, settled(plan)), ["10.64.2.1"])
    assert state == {"problems": [], "sysctls": [], "multicast": []}


def test_local_address_not_on_the_host():
    plan = bgp_plan("r2", session(0, local_address="198.51.100.99"))
    state = bgp_host_state("r2", plan, host_read(R2_LINKS, settled(plan)), ["10.64.2.1"])
    (only,) = state["problems"]
    assert "bird2_bgp_sessions[0] (t1) of r2: local_address 198.51.100.99 is not an address" in only
    # An address the roles put on lo before BIRD needs it counts as the host's.
    state = bgp_host_state("r2", plan, host_read(R2_LINKS, settled(plan)), ["198.51.100.99"])
    assert state["problems"] == []


def test_ix_port_changes_are_reported_not_refused():
    plan = bgp_plan("r2", edge())
    live = settled(plan)
    live["net/ipv4/conf/eth1/arp_ignore"] = "0"
    state = bgp_host_state("r2", plan, host_read(R2_LINKS, live), ["10.64.2.1"])
    assert state["problems"] == []
    assert state["sysctls"] == [{"path": "net/ipv4/conf/eth1/arp_ignore", "value": 1}]
    assert state["multicast"] == ["eth1"]


def test_ix_port_changes_under_a_read_only_proc_sys_net_are_refused():
    plan = bgp_plan("r2", edge())
    live = settled(plan)
    live["net/ipv6/conf/eth1/accept_ra"] = "1"
    state = bgp_host_state("r2", plan, host_read(R2_LINKS, live, read_only=True), ["10.64.2.1"])
    (only,) = state["problems"]
    assert "bird2_ixes[0] (ix1) of r2: eth1 needs net/ipv6/conf/eth1/accept_ra=0" in only
    assert "read-only" in only
    # Nothing to change: a read-only /proc/sys/net is fine.
    state = bgp_host_state("r2", plan, host_read(R2_LINKS, settled(plan), True), ["10.64.2.1"])
    assert state["problems"] == []


def test_ix_interface_with_an_address_outside_the_lan():
    plan = bgp_plan("r2", edge())
    links = copy.deepcopy(R2_LINKS)
    links[2] = link("eth1", "203.0.113.66/26", "10.9.9.9/24", "2001:db8:e1::66/64")
    (only,) = bgp_host_state("r2", plan, host_read(links, settled(plan)), ["10.64.2.1"])["problems"]
    assert only.startswith(
        "bird2_ixes[0] (ix1) of r2: eth1 has 10.9.9.9/24, outside the peering LAN"
    )


def test_ix_interface_with_a_dynamic_address_or_missing():
    plan = bgp_plan("r2", edge())
    links = copy.deepcopy(R2_LINKS)
    links[2] = link(
        "eth1",
        "203.0.113.66/26",
        "2001:db8:e1::66/64",
        "2001:db8:e1::99/64",
        dynamic=("2001:db8:e1::99/64",),
    )
    (only,) = bgp_host_state("r2", plan, host_read(links, settled(plan)), ["10.64.2.1"])["problems"]
    assert "dynamic address 2001:db8:e1::99/64" in only
    problems = bgp_host_state("r2", plan, host_read(R2_LINKS[:2]), ["10.64.2.1"])["problems"]
    assert "bird2_ixes[0] (ix1) of r2: the interface eth1 is not on this host" in problems


def test_ix_sysctl_overrides_and_their_paths():
    ixes = [
        dict(edge()["bird2_ixes"][0], interface="eth1.100", sysctls={"ipv4.conf.arp_announce": 1})
    ]
    (port,) = bgp_plan("r2", edge(bird2_ixes=ixes))["ix_ports"]
    values = {s["path"]: s["value"] for s in port["sysctls"]}
    assert values["net/ipv4/conf/eth1.100/arp_announce"] == 1
    assert values["net/ipv6/conf/eth1.100/accept_ra"] == 0
    assert len(values) == len(IX_SYSCTLS)
    bad = [dict(ixes[0], sysctls={"net.ipv4.ip_forward": 1, "ipv4.conf.arp_ignore": "one"})]
    found = problems(edge(bird2_ixes=bad))
    assert any("key 'net.ipv4.ip_forward'" in p for p in found)
    assert any("ipv4.conf.arp_ignore must be an integer" in p for p in found)


def test_two_sessions_with_one_name():
    host_vars = edge()
    host_vars["bird2_bgp_sessions"][2]["name"] = "t1"
    assert "bird2_bgp_sessions[2] of r2: the name 't1' is also the name of item 0" in problems(
        host_vars
    )


def test_own_prefixes_overlapping_the_ix_lan_and_the_pool():
    found = problems(
        edge(bird2_own_prefixes=["203.0.113.0/24", "10.255.0.0/16", "2001:db8:64::/48"])
    )
    assert any(
        "203.0.113.0/24 overlaps the peering LAN of ix1 (203.0.113.64/26)" in p for p in found
    )
    assert any(
        "10.255.0.0/16 overlaps the WireGuard pool wireguard_mesh_pool_v4" in p for p in found
    )


def test_ix_neighbor_outside_the_lan():
    (only,) = problems(session(1, neighbor="198.51.100.65"))
    assert "neighbor 198.51.100.65 is not in the peering LAN of ix1 (203.0.113.64/26)" in only


def test_max_prefix_must_be_positive():
    for bad in (0, -5, "1000", True):
        (only,) = problems(session(0, max_prefix=bad))
        assert "max_prefix must be an integer >= 1" in only


def test_the_plan_holds_no_password():
    host_vars = session(0, password="bgp-secret-t1")
    plan = bgp_plan("r2", host_vars)
    assert "bgp-secret-t1" not in repr(plan)
    assert plan["sessions"][0]["password"] is True and plan["sessions"][0]["index"] == 0
    assert plan["sessions"][1]["password"] is False


def test_password_is_never_echoed():
    (only,) = problems(session(0, password='se"cret'))
    assert "se" not in only.split(":", 1)[1].replace("password must be", "")
    assert "secret" not in only


def test_options_of_other_kinds_are_refused():
    assert (
        "transit_routes applies to kind transit only"
        in problems(session(1, transit_routes="full"))[0]
    )
    assert "export applies to kind downstream only" in problems(session(0, export="default"))[0]
    assert (
        "ix applies to the kinds ix_route_server and ix_peer only"
        in problems(session(0, ix="ix1"))[0]
    )


def test_a_downstream_may_not_claim_our_space():
    assert problems(session(3, prefixes=["10.64.5.0/24"])) == [
        "bird2_bgp_sessions[3] (cust1) of r2: prefixes 10.64.5.0/24 overlaps 10.64.0.0/16 of "
        "bird2_own_prefixes; a downstream announces its own space, not ours"
    ]


def test_a_downstream_may_not_claim_an_ix_lan_or_the_wireguard_pool():
    # Inside the IPv4 LAN, around the IPv6 LAN, inside the pool: each would enter the cone.
    found = problems(
        session(3, prefixes=["203.0.113.96/27", "2001:db8:e1::/48", "10.255.0.128/25"])
    )
    assert found == [
        "bird2_bgp_sessions[3] (cust1) of r2: prefixes 203.0.113.96/27 overlaps the peering LAN "
        "of ix1 (203.0.113.64/26) in bird2_ixes; the IX LAN is never announced",
        "bird2_bgp_sessions[3] (cust1) of r2: prefixes 10.255.0.128/25 overlaps the WireGuard "
        "pool wireguard_mesh_pool_v4 (10.255.0.0/24), whose /31s are never announced",
        "bird2_bgp_sessions[3] (cust1) of r2: prefixes 2001:db8:e1::/48 overlaps the peering LAN "
        "of ix1 (2001:db8:e1::/64) in bird2_ixes; the IX LAN is never announced",
    ]


def test_a_downstream_next_to_an_ix_lan_or_the_pool_is_fine():
    plan = bgp_plan(
        "r2", session(3, prefixes=["203.0.113.128/26", "10.255.1.0/24", "2001:db8:e2::/48"])
    )
    assert plan["cone4"] == ["10.64.0.0/16", "10.255.1.0/24", "203.0.113.128/26"]
    # Without a pool fact (a pure call), only the LANs are checked.
    host_vars = session(3, prefixes=["10.255.0.0/25"])
    del host_vars["wireguard_mesh_plan_pool_v4"]
    assert bgp_plan("r2", host_vars)["cone4"] == ["10.64.0.0/16", "10.255.0.0/25"]


def test_session_bfd_needs_the_bfd_protocol():
    # bird2_bfd defaults to true, as in the role.
    plan = bgp_plan("r2", session(0, bfd=True))
    assert plan["sessions"][0]["bfd"] is True
    host_vars = session(0, bfd=True)
    host_vars["bird2_bfd"] = False
    assert problems(host_vars) == [
        "bird2_bgp_sessions[0] (t1) of r2: bfd is true but bird2_bfd of r2 is false, so no bfd "
        "protocol runs and the session would get no BFD; set bird2_bfd: true or drop bfd from "
        "the session"
    ]
    # BFD off for the host and on no session: fine.
    assert bgp_plan("r2", edge(bird2_bfd=False))["enabled"]
    assert bgp_plan("r2", session(0, bfd=False) | {"bird2_bfd": False})["enabled"]


def test_bird2_bfd_must_be_a_boolean():
    assert problems(edge(bird2_bfd="no")) == [
        "bird2_bfd of r2 must be true or false, not 'no' (type str)"
    ]


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        (
            "bird2_krt_prefsrc4",
            "203.0.113.70",
            "bird2_krt_prefsrc4 of r2: 203.0.113.70 is in the peering LAN of ix1 "
            "(203.0.113.64/26) in bird2_ixes, which is never announced; the preferred source must "
            "be an address the AS routes to this host (a site address, or null for the first)",
        ),
        # rs1's local address: in the LAN, said once.
        (
            "bird2_krt_prefsrc4",
            "203.0.113.66",
            "bird2_krt_prefsrc4 of r2: 203.0.113.66 is in the peering LAN of ix1",
        ),
        # Canonical form in the message.
        (
            "bird2_krt_prefsrc6",
            "2001:DB8:E1:0::66",
            "bird2_krt_prefsrc6 of r2: 2001:db8:e1::66 is in the peering LAN of ix1 "
            "(2001:db8:e1::/64)",
        ),
        # t1's local address (cust1, a downstream, shares it: said once, for the transit).
        (
            "bird2_krt_prefsrc4",
            "198.51.100.12",
            "bird2_krt_prefsrc4 of r2: 198.51.100.12 is the local_address of "
            "bird2_bgp_sessions[0] (t1), a transit session; the preferred source must be an "
            "address the AS routes to this host (a site address, or null for the first)",
        ),
    ],
)
def test_preferred_source_is_not_an_ix_or_link_address(var, value, expected):
    (only,) = problems(edge(**{var: value}))
    assert only.startswith(expected)


def test_preferred_source_not_a_peer_session_address():
    host_vars = session(0, kind="peer", transit_routes=None)
    host_vars["bird2_krt_prefsrc4"] = "198.51.100.12"
    (only,) = problems(host_vars)
    assert "is the local_address of bird2_bgp_sessions[0] (t1), a peer session" in only


@pytest.mark.parametrize(
    "prefsrc",
    [
        {},
        {"bird2_krt_prefsrc4": None, "bird2_krt_prefsrc6": None},
        {"bird2_krt_prefsrc4": "", "bird2_krt_prefsrc6": ""},
        # A site address on lo.
        {"bird2_krt_prefsrc4": "10.64.2.1", "bird2_krt_prefsrc6": "2001:db8:64:2::1"},
        # A downstream's local address only: our own space, routed back to us.
        {"bird2_krt_prefsrc4": "198.51.100.13"},
        # Not an address of the family: refused by the preflight's assert, not here.
        {"bird2_krt_prefsrc4": "2001:db8:e1::66", "bird2_krt_prefsrc6": "not an address"},
    ],
)
def test_preferred_sources_that_are_fine_here(prefsrc):
    host_vars = session(3, local_address="198.51.100.13") | prefsrc
    assert bgp_plan("r2", host_vars)["enabled"]


def test_every_problem_at_once():
    host_vars = edge(bird2_asn=0)
    host_vars["bird2_bgp_sessions"][0]["kind"] = "nope"
    host_vars["bird2_bgp_sessions"][3]["max_prefix"] = 0
    assert len(problems(host_vars)) == 3


@given(st.permutations(range(4)))
def test_the_cone_does_not_depend_on_session_order(order):
    host_vars = edge()
    host_vars["bird2_bgp_sessions"] = [
        copy.deepcopy(edge()["bird2_bgp_sessions"][i]) for i in order
    ]
    plan = bgp_plan("r2", host_vars)
    assert plan["cone4"] == ["10.64.0.0/16", "192.0.2.0/24"]
    assert [s["name"] for s in plan["sessions"]] == [
        edge()["bird2_bgp_sessions"][i]["name"] for i in order
    ]


def test_library_settings_are_planned():
    plan = bgp_plan("r2", edge(bird2_bgp_roa={"rtr": {"address": "127.0.0.1", "port": 3323}}))
    assert plan["bogon_asns"] == ["0", "23456", "64496..64511", "4200000000..4294967295"]
    assert plan["bogons6"] == ["::/8", "2001:db8::/32"]
    assert plan["lengths4"] == [8, 24] and plan["lengths6"] == [16, 48]
    assert plan["max_path"] == 64 and plan["roa"] == {"rtr": {"address": "127.0.0.1", "port": 3323}}
    static = bgp_plan(
        "r2", edge(bird2_bgp_roa={"static": [{"prefix": "192.0.2.0/24", "asn": 65536}]})
    )
    assert static["roa"] == {
        "static": [{"prefix": "192.0.2.0/24", "family": 4, "max_length": 24, "asn": 65536}]
    }


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        (
            {"bird2_bgp_bogons4": ["2001:db8::/32"]},
            "bird2_bgp_bogons4 of r2: not IPv4: 2001:db8::/32",
        ),
        ({"bird2_bgp_bogon_asns": [[5, 1]]}, "bird2_bgp_bogon_asns of r2: item 0"),
        ({"bird2_bgp_max_length4": 33}, "bird2_bgp_max_length4 (33 (type int)) of r2"),
        ({"bird2_bgp_min_length6": 64}, "with the minimum not above the maximum"),
        (
            {"bird2_bgp_max_path_length": 0},
            "bird2_bgp_max_path_length of r2 must be an integer 1..255",
        ),
        ({"bird2_bgp_roa": {"rtr": {"address": "validator"}}}, "rtr needs an IP address"),
        (
            {"bird2_bgp_roa": {"static": [{"prefix": "192.0.2.0/24", "max_length": 20, "asn": 1}]}},
            "static item 0",
        ),
        ({"bird2_bgp_roa": {"http": "x"}}, "bird2_bgp_roa of r2: expected null"),
        ({"bird2_bgp_drain": "yes"}, "bird2_bgp_drain of r2 must be true or false"),
    ],
)
def test_library_settings_are_checked(changes, fragment):
    assert any(fragment in p for p in problems(edge(**changes)))


def test_default_into_ospf_needs_a_transit_default():
    assert bgp_plan("r2", edge(bird2_bgp_default_to_ospf=True))["default_to_ospf"] is True
    host_vars = session(0, transit_routes="full")
    host_vars["bird2_bgp_default_to_ospf"] = True
    assert any(
        "bird2_bgp_default_to_ospf of r2 is true but no session" in p for p in problems(host_vars)
    )
    assert any(
        "bird2_bgp_default_to_ospf of r2 must be true or false" in p
        for p in problems(edge(bird2_bgp_default_to_ospf="yes"))
    )


def test_error_wait_time_defaults_to_birds_and_is_checked():
    assert bgp_plan("r2", edge())["error_wait"] == [60, 300]
    assert bgp_plan("r2", edge(bird2_bgp_error_wait_time=[5, 300]))["error_wait"] == [5, 300]
    for bad in ([300, 5], [0, 10], 60, [5]):
        (only,) = problems(edge(bird2_bgp_error_wait_time=bad))
        assert only.startswith("bird2_bgp_error_wait_time of r2 must be [minimum, maximum]")


def test_only_a_default_only_transit_drops_what_it_filters():
    plan = bgp_plan("r2", edge())
    assert all(s["keep_filtered"] for s in plan["sessions"])
    (t1,) = [
        s
        for s in bgp_plan("r2", session(0, transit_routes="default"))["sessions"]
        if s["name"] == "t1"
    ]
    assert t1["import"] == "default" and not t1["keep_filtered"]
