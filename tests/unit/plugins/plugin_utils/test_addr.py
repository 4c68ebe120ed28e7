"""Unit tests for plugins/plugin_utils/_addr.py (site prefixes, site address, ipv4_int)."""

from __future__ import annotations

import ipaddress

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._addr import (
    first_ipv4,
    host_site_address,
    ipv4_int,
    ipv6_text,
    parse_address,
    site_address,
    site_prefixes,
)
from hypothesis import given
from hypothesis import strategies as st

# ------------------------------------------------------------ site_prefixes


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("10.64.1.1/24", {"family": 4, "host": "10.64.1.1/32", "prefix": "10.64.1.0/24"}),
        ("10.64.1.77/23", {"family": 4, "host": "10.64.1.77/32", "prefix": "10.64.0.0/23"}),
        ("10.64.1.1/32", {"family": 4, "host": "10.64.1.1/32", "prefix": "10.64.1.1/32"}),
        ("10.64.1.1/0", {"family": 4, "host": "10.64.1.1/32", "prefix": "0.0.0.0/0"}),
        ("10.64.1.1/024", {"family": 4, "host": "10.64.1.1/32", "prefix": "10.64.1.0/24"}),
        (
            "2001:db8:64:1::1/64",
            {"family": 6, "host": "2001:db8:64:1::1/128", "prefix": "2001:db8:64:1::/64"},
        ),
        (
            "2001:DB8:0064:0001:0000:0000:0000:0001/64",
            {"family": 6, "host": "2001:db8:64:1::1/128", "prefix": "2001:db8:64:1::/64"},
        ),
        # RFC 5952: the longest run of zero groups, the first of equal runs, never a single one.
        (
            "2001:db8:0:0:1:0:0:1/128",
            {"family": 6, "host": "2001:db8::1:0:0:1/128", "prefix": "2001:db8::1:0:0:1/128"},
        ),
        (
            "2001:0:0:1:0:0:0:1/128",
            {"family": 6, "host": "2001:0:0:1::1/128", "prefix": "2001:0:0:1::1/128"},
        ),
        (
            "2001:db8:0:1:1:1:1:1/128",
            {"family": 6, "host": "2001:db8:0:1:1:1:1:1/128", "prefix": "2001:db8:0:1:1:1:1:1/128"},
        ),
        ("::/0", {"family": 6, "host": "::/128", "prefix": "::/0"}),
        ("::1/128", {"family": 6, "host": "::1/128", "prefix": "::1/128"}),
        # IPv4-mapped, written in hex: stays in hex on every Python version.
        (
            "::ffff:102:304/128",
            {"family": 6, "host": "::ffff:102:304/128", "prefix": "::ffff:102:304/128"},
        ),
    ],
)
def test_site_prefixes_one_item(item, expected):
    assert site_prefixes([item]) == [expected]


def test_site_prefixes_keeps_order_and_null_is_empty():
    items = ["2001:db8:64:2::1/64", "10.64.2.1/24"]
    assert [p["family"] for p in site_prefixes(items)] == [6, 4]
    assert site_prefixes(None) == []
    assert site_prefixes([]) == []
    assert site_prefixes(("10.0.0.1/8",)) == [
        {"family": 4, "host": "10.0.0.1/32", "prefix": "10.0.0.0/8"}
    ]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("10.64.1.1", "has no /prefixlen"),
        ("10.64.1.1/", "no prefix length after the slash"),
        ("10.64.1.1/255.255.255.0", "no prefix length after the slash"),
        ("10.64.1.1/ 24", "no prefix length after the slash"),
        ("10.64.1.1/33", "prefix length above 32"),
        ("2001:db8::1/129", "prefix length above 128"),
        ("10.64.1.256/24", "does not start with an IPv4 or IPv6 address"),
        ("10.064.1.1/24", "does not start with an IPv4 or IPv6 address"),
        (" 10.64.1.1/24", "does not start with an IPv4 or IPv6 address"),
        ("::ffff:192.0.2.1/128", "does not start with an IPv4 or IPv6 address"),
        ("fe80::1%eth0/64", "does not start with an IPv4 or IPv6 address"),
        ("1::2::3/64", "does not start with an IPv4 or IPv6 address"),
        ("1:2:3:4:5:6:7:8:9/64", "does not start with an IPv4 or IPv6 address"),
        ("12345::/64", "does not start with an IPv4 or IPv6 address"),
        ("host.example/24", "does not start with an IPv4 or IPv6 address"),
        (24, "24 (type int) is not a string"),
        (None, "None (type NoneType) is not a string"),
    ],
)
def test_site_prefixes_rejects_item_naming_the_list_and_position(item, reason):
    with pytest.raises(ValueError) as info:
        site_prefixes(["10.0.0.1/8", item], "bird2_site_prefixes of r1")
    message = str(info.value)
    assert message.startswith("bird2_site_prefixes of r1: expected a list of address/prefixlen")
    assert f"not accepted: item 1: {item!r}" in message or f"item 1: {item} (type" in message
    assert reason in message


def test_site_prefixes_lists_every_bad_item():
    with pytest.raises(ValueError) as info:
        site_prefixes(["x", "10.0.0.1/8", "y/1"], "p")
    assert "item 0: 'x'" in str(info.value)
    assert "item 2: 'y/1'" in str(info.value)
    assert "item 1" not in str(info.value)


@pytest.mark.parametrize("value", ["10.0.0.1/8", {"a": 1}, 5])
def test_site_prefixes_needs_a_list(value):
    with pytest.raises(TypeError, match="bird2_site_prefixes of r1 must be a list of"):
        site_prefixes(value, "bird2_site_prefixes of r1")


ipv4_interfaces = st.builds(
    ipaddress.IPv4Interface,
    st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 32)),
)
ipv6_interfaces = st.builds(
    ipaddress.IPv6Interface,
    st.tuples(
        st.one_of(
            st.integers(0, 2**128 - 1),
            # Sparse values: many zero groups, so :: compression is exercised.
            st.lists(st.sampled_from([0, 0, 0, 1, 0xFFFF, 0xDB8]), min_size=8, max_size=8).map(
                lambda gs: sum(g << (16 * (7 - i)) for i, g in enumerate(gs))
            ),
        ),
        st.integers(0, 128),
    ),
)


def _written(interface, style):
    """A text form a user might write for ``interface``."""
    if interface.version == 4 or style == "compressed":
        return interface.with_prefixlen
    if style == "exploded":
        return interface.exploded.upper()
    groups = [(int(interface.ip) >> (16 * (7 - i))) & 0xFFFF for i in range(8)]
    return ":".join(f"{g:x}" for g in groups) + f"/{interface.network.prefixlen}"


@given(
    st.lists(st.one_of(ipv4_interfaces, ipv6_interfaces), max_size=5),
    st.sampled_from(["compressed", "exploded", "plain"]),
)
def test_prop_canonical_round_trip(interfaces, style):
    parsed = site_prefixes([_written(i, style) for i in interfaces])
    assert len(parsed) == len(interfaces)
    for entry, interface in zip(parsed, interfaces, strict=True):
        assert entry["family"] == interface.version
        host, host_len = entry["host"].split("/")
        network, length = entry["prefix"].split("/")
        # The text means the same address and network ...
        assert ipaddress.ip_address(host) == interface.ip
        assert int(host_len) == interface.max_prefixlen
        assert ipaddress.ip_network(entry["prefix"]) == interface.network
        # ... the prefix has no host bits (strict parsing accepts it) ...
        assert ipaddress.ip_network(entry["prefix"], strict=True).prefixlen == int(length)
        # ... and is canonical: lower case, as compressed as RFC 5952 wants, stable.
        assert host == host.lower()
        if interface.version == 6 and not interface.ip.ipv4_mapped:
            assert host == interface.ip.compressed
            assert network == interface.network.network_address.compressed
        assert site_prefixes([entry["host"], entry["prefix"]])[0]["host"] == entry["host"]
        assert site_prefixes([entry["prefix"]])[0]["prefix"] == entry["prefix"]


@given(st.integers(0, 2**128 - 1))
def test_prop_ipv6_text_round_trips(value):
    text = ipv6_text(value)
    assert int(ipaddress.IPv6Address(text)) == value
    assert "::" not in text.replace("::", "", 1)  # at most one ::
    assert all(len(g) <= 4 and (g == "0" or not g.startswith("0")) for g in text.split(":") if g)


def test_parse_address():
    assert str(parse_address("192.0.2.1")) == "192.0.2.1"
    assert str(parse_address("2001:DB8::1")) == "2001:db8::1"
    for text in ["", "192.0.2", "192.0.2.1/32", "::ffff:1.2.3.4", "fe80::1%eth0", "x", 3, None]:
        assert parse_address(text) is None


# ---------------------------------------------------------- site_address


@pytest.mark.parametrize(
    ("address", "prefixes", "expected"),
    [
        (None, ["10.64.1.1/24", "2001:db8::1/64"], "10.64.1.1"),
        (None, ["2001:db8::1/64", "10.64.1.1/24", "10.64.9.1/24"], "10.64.1.1"),
        (None, ["2001:db8::1/64"], None),
        (None, [], None),
        (None, None, None),
        ("", ["10.64.1.1/24"], "10.64.1.1"),
        ("192.0.2.7", ["10.64.1.1/24"], "192.0.2.7"),
        ("192.0.2.7", None, "192.0.2.7"),
        # An explicit address wins as written; the roles check its family.
        ("2001:db8::7", ["10.64.1.1/24"], "2001:db8::7"),
        # A set address means the prefixes are not read at all.
        ("192.0.2.7", ["garbage"], "192.0.2.7"),
    ],
)
def test_site_address(address, prefixes, expected):
    assert site_address(address, prefixes) == expected


def test_site_address_errors_name_the_variables():
    with pytest.raises(ValueError, match=r"^bird2_site_prefixes of r1: .*item 0: '10\.1\.1\.1'"):
        host_site_address({"inventory_hostname": "r1", "bird2_site_prefixes": ["10.1.1.1"]})
    with pytest.raises(TypeError, match=r"powerdns_galera_address of r1 must be an IP address"):
        host_site_address({"inventory_hostname": "r1", "powerdns_galera_address": 17})
    with pytest.raises(TypeError, match="the variables of one host"):
        host_site_address(["10.0.0.1/8"])


def test_host_site_address_reads_the_contract_variables():
    assert host_site_address({"bird2_site_prefixes": ["10.64.4.1/24"]}) == "10.64.4.1"
    assert host_site_address({}) is None
    assert (
        host_site_address(
            {"powerdns_galera_address": "10.9.9.9", "bird2_site_prefixes": ["10.64.4.1/24"]}
        )
        == "10.9.9.9"
    )


@given(st.lists(st.one_of(ipv4_interfaces, ipv6_interfaces), max_size=4))
def test_prop_first_ipv4_is_the_first_ipv4_item(interfaces):
    expected = next((str(i.ip) for i in interfaces if i.version == 4), None)
    assert first_ipv4([i.with_prefixlen for i in interfaces]) == expected


# -------------------------------------------------------------- ipv4_int


@pytest.mark.parametrize(
    ("address", "expected"),
    [("0.0.0.0", 0), ("10.64.1.1", 171966721), ("255.255.255.255", 2**32 - 1)],
)
def test_ipv4_int(address, expected):
    assert ipv4_int(address) == expected


@pytest.mark.parametrize(
    ("value", "exc", "fragment"),
    [
        ("10.64.1.1/24", ValueError, "'10.64.1.1/24' is not an IPv4 address"),
        ("010.64.1.1", ValueError, "is not an IPv4 address"),
        ("2001:db8::1", ValueError, "is not an IPv4 address"),
        ("", ValueError, "'' is not an IPv4 address"),
        (171966721, TypeError, "must be an IPv4 address (string), got 171966721 (type int)"),
        (None, TypeError, "(type NoneType)"),
    ],
)
def test_ipv4_int_rejects(value, exc, fragment):
    with pytest.raises(exc) as info:
        ipv4_int(value)
    assert fragment in str(info.value)


@given(st.integers(0, 2**32 - 1))
def test_prop_ipv4_int_inverts_the_dotted_quad(value):
    assert ipv4_int(str(ipaddress.IPv4Address(value))) == value
