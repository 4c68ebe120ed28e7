"""plugin_utils._firewall: listener validation, port conflicts, the nftables guard script."""

from __future__ import annotations

import ipaddress
import re

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._firewall import (
    check_listener,
    guards_to_load,
    listener_conflicts,
    nft_guard,
)
from hypothesis import given
from hypothesis import strategies as st


def listener(port=3306, proto="tcp", service="MariaDB", var="powerdns_galera_port", allow=None):
    return {"service": service, "proto": proto, "port": port, "var": var, "allow": allow}


# --- check_listener ---------------------------------------------------------------------------


def test_listener_is_made_canonical():
    got = check_listener(
        listener(allow=["10.0.0.2", "2001:db8::1", "10.0.0.1/32", "10.0.0.2"]), "x"
    )
    assert got["allow"] == ["10.0.0.1/32", "10.0.0.2/32", "2001:db8::1/128"]


def test_open_listener_keeps_allow_none():
    assert check_listener(listener(), "x")["allow"] is None


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("nope", "x must be a mapping"),
        ({**listener(), "extra": 1}, "x has unknown keys ['extra']"),
        (listener(proto="sctp"), "x.proto must be one of ['tcp', 'udp']"),
        (listener(port=0), "powerdns_galera_port (MariaDB) must be a port 1..65535, got 0"),
        (listener(port=70000), "must be a port 1..65535, got 70000"),
        (listener(port=True), "must be a port 1..65535, got True"),
        (listener(port="3306"), "must be a port 1..65535, got '3306'"),
        (listener(service="a\nb"), "x.service must be 1-120 printable characters"),
        (listener(var='a"b'), "x.var must be 1-120 printable characters"),
        (listener(allow="10.0.0.1"), "x.allow must be a list of addresses"),
        (
            listener(allow=["10.0.0.300"]),
            "x.allow[0] (MariaDB, powerdns_galera_port): '10.0.0.300'",
        ),
    ],
)
def test_bad_listener(raw, fragment):
    with pytest.raises((TypeError, ValueError)) as info:
        check_listener(raw, "x")
    assert fragment in str(info.value)


# --- listener_conflicts -----------------------------------------------------------------------


def test_no_conflict_between_protocols_or_ports():
    roles = {
        "dns": [listener(53, "udp", "DNS", "pdns_port"), listener(53, "tcp", "DNS", "pdns_port")],
        "db": [listener(3306)],
    }
    assert listener_conflicts(roles, "r1") == []


def test_one_service_may_list_its_port_twice():
    assert listener_conflicts({"a": [listener(), listener(allow=["10.0.0.1"])]}) == []


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (
            {
                "wireguard_mesh": [
                    listener(53, "udp", "WireGuard tunnel wg_r2", "wireguard_mesh_port_base")
                ],
                "powerdns_galera": [listener(53, "udp", "DNS", "powerdns_galera_pdns_local_port")],
            },
            "r1: udp/53 is claimed by more than one service: powerdns_galera_pdns_local_port "
            "(DNS, role powerdns_galera); wireguard_mesh_port_base (WireGuard tunnel wg_r2, "
            "role wireguard_mesh)",
        ),
        (
            {
                "powerdns_galera": [
                    listener(3306),
                    listener(3306, service="PowerDNS API", var="powerdns_galera_api_port"),
                ]
            },
            "r1: tcp/3306 is claimed by more than one service: powerdns_galera_api_port "
            "(PowerDNS API, role powerdns_galera); powerdns_galera_port (MariaDB, "
            "role powerdns_galera)",
        ),
    ],
)
def test_conflicts_name_every_variable(roles, expected):
    assert listener_conflicts(roles, "r1") == [expected]


def test_conflicts_are_sorted_and_independent_of_order():
    roles = {
        "b": [listener(2, var="b2"), listener(1, var="b1")],
        "a": [listener(1, var="a1"), listener(2, var="a2")],
    }
    reordered = {"a": roles["a"][::-1], "b": roles["b"][::-1]}
    got = listener_conflicts(roles)
    assert got == listener_conflicts(reordered)
    assert [m.split(" is claimed")[0] for m in got] == ["this host: tcp/1", "this host: tcp/2"]


def test_conflicts_reject_non_mapping_and_bad_lists():
    with pytest.raises(TypeError, match="must be a mapping of role to listeners"):
        listener_conflicts([listener()])
    with pytest.raises(TypeError, match="a listeners must be a list of listeners"):
        listener_conflicts({"a": "x"})
    with pytest.raises(ValueError, match=r"a listeners\[1\].proto"):
        listener_conflicts({"a": [listener(), listener(proto="icmp")]})


@given(st.lists(st.tuples(st.sampled_from(["tcp", "udp"]), st.integers(1, 6)), max_size=12))
def test_a_conflict_is_reported_exactly_for_shared_ports(ports):
    roles = {
        "r": [listener(port, proto, f"svc{i}", f"var{i}") for i, (proto, port) in enumerate(ports)]
    }
    shared = {p for p in ports if ports.count(p) > 1}
    got = listener_conflicts(roles)
    assert len(got) == len(shared)
    for proto, port in shared:
        assert any(m.startswith(f"this host: {proto}/{port} ") for m in got)


# --- nft_guard --------------------------------------------------------------------------------


def test_guard_script_shape():
    script = nft_guard(
        [
            listener(
                4567,
                service="Galera",
                var="powerdns_galera_galera_port",
                allow=["10.64.2.1", "10.64.3.1"],
            ),
            listener(3306, allow=["10.64.2.1", "2001:db8::2", "10.64.0.0/16"]),
            listener(53, "udp", "DNS", "pdns_port"),
        ],
        "hobbynet_powerdns_galera",
        keep_open=[22, 2200],
    )
    assert script.splitlines() == [
        "# managed by hobbynet.infra: do not edit, changes are overwritten.",
        "table inet hobbynet_powerdns_galera",
        "flush table inet hobbynet_powerdns_galera",
        "table inet hobbynet_powerdns_galera {",
        "\tchain input {",
        "\t\ttype filter hook input priority filter - 10; policy accept;",
        "\t\ttcp dport { 22, 2200 } accept",
        '\t\tiifname "lo" accept',
        "\t\t# MariaDB (powerdns_galera_port)",
        "\t\ttcp dport 3306 ip saddr { 10.64.0.0/16 } accept",
        "\t\ttcp dport 3306 ip6 saddr { 2001:db8::2/128 } accept",
        "\t\ttcp dport 3306 counter drop",
        "\t\t# Galera (powerdns_galera_galera_port)",
        "\t\ttcp dport 4567 ip saddr { 10.64.2.1/32, 10.64.3.1/32 } accept",
        "\t\ttcp dport 4567 counter drop",
        "\t}",
        "}",
    ]


def test_loopback_only_port_has_just_the_drop():
    script = nft_guard(
        [listener(8989, service="MaxScale REST API", var="maxscale_admin_port", allow=[])], "t"
    )
    assert "\t\ttcp dport 8989 counter drop" in script
    assert "saddr" not in script


def test_no_guarded_listener_only_deletes_the_table():
    assert nft_guard([listener(53, "udp")], "t").splitlines()[1:] == [
        "table inet t",
        "delete table inet t",
    ]


@pytest.mark.parametrize("port", [22, 2222])
def test_guarding_the_ssh_or_ansible_port_is_refused(port):
    with pytest.raises(
        ValueError, match=f"powerdns_galera_port \\(MariaDB\\) is tcp/{port}, the port of SSH"
    ):
        nft_guard([listener(port, allow=[])], "t", keep_open=[22, 2222])


def test_udp_on_the_ssh_port_number_is_fine():
    assert "udp dport 22 counter drop" in nft_guard([listener(22, "udp", allow=[])], "t")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (([], "1table"), "table must be a letter"),
        (([], "t", "22"), "keep_open must be a list of TCP ports"),
        (([], "t", [0]), "keep_open must hold ports 1..65535"),
        (([], "t", [22], "x\ny"), "comment must be 1-120 printable characters"),
        (("x", "t"), "listeners must be a list of listeners"),
    ],
)
def test_guard_rejects_bad_arguments(args, fragment):
    with pytest.raises((TypeError, ValueError)) as info:
        nft_guard(*args)
    assert fragment in str(info.value)


addresses = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(str),
    st.tuples(st.ip_addresses(v=4), st.integers(8, 32)).map(
        lambda t: str(ipaddress.ip_network(f"{t[0]}/{t[1]}", strict=False))
    ),
)


@given(st.lists(addresses, max_size=8), st.permutations(range(3)))
def test_guard_accepts_exactly_the_allowed_sources(allow, order):
    items = [
        listener(3306, allow=allow),
        listener(53, "udp", "DNS", "pdns"),
        listener(4567, service="Galera", var="g", allow=allow[:2]),
    ]
    script = nft_guard([items[i] for i in order], "t")
    assert script == nft_guard(items, "t")  # order of the listeners does not matter
    for port, allowed in ((3306, allow), (4567, allow[:2])):
        accepted = set()
        for line in script.splitlines():
            m = re.match(rf"\t\ttcp dport {port} ip6? saddr {{ (.*) }} accept$", line)
            if m:
                accepted |= {ipaddress.ip_network(n) for n in m.group(1).split(", ")}
        for a in allowed:
            net = ipaddress.ip_network(a, strict=False)
            assert any(net.subnet_of(n) for n in accepted if n.version == net.version)
        assert f"\t\ttcp dport {port} counter drop" in script
    assert "dport 53" not in script


GUARDED = [{"service": "MariaDB", "proto": "tcp", "port": 3306, "var": "p", "allow": ["10.0.0.1"]}]
OPEN = [{"service": "BIRD", "proto": "udp", "port": 3784, "var": "b", "allow": None}]


def test_guards_in_step_with_the_kernel_are_not_loaded():
    guards = {"powerdns_galera": GUARDED, "bird2": OPEN, "maxscale": []}
    assert guards_to_load(guards, [], ["hobbynet_powerdns_galera", "other"], "/etc/g") == []


def test_written_missing_or_left_over_guards_are_loaded_in_order():
    guards = {"wireguard_mesh": GUARDED, "bird2": OPEN, "powerdns_galera": GUARDED, "maxscale": []}
    loaded = ["hobbynet_bird2", "hobbynet_powerdns_galera"]
    changed = ["/etc/g/maxscale.nft", "/etc/g/other.conf"]
    # wireguard_mesh: missing; bird2: left over; maxscale: written; powerdns_galera: in step.
    assert guards_to_load(guards, changed, loaded, "/etc/g/") == [
        "wireguard_mesh",
        "bird2",
        "maxscale",
    ]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (([], [], [], "/d"), "guards must be a mapping"),
        (({}, "x", [], "/d"), "changed_paths must be a list"),
        (({}, [], None, "/d"), "loaded_tables must be a list"),
        (({"r": "x"}, [], [], "/d"), "r must be a list of listeners"),
    ],
)
def test_guards_to_load_rejects_bad_arguments(args, fragment):
    with pytest.raises((TypeError, ValueError), match=fragment):
        guards_to_load(*args)
