"""Addresses of the sites: site prefixes, the DNS contract's address, addresses as integers.

Pure functions: no Ansible imports, no I/O, no randomness, no global state.
Used by the ``hobbynet.infra.site_prefixes``, ``hobbynet.infra.site_address`` and
``hobbynet.infra.ipv4_int`` filters, and by ``_backbone.py``.

Text forms are canonical and do not depend on the Python version: IPv4 as a dotted quad
without leading zeros, IPv6 per RFC 5952 (lower case, no leading zeros in a group, the
longest run of two or more zero groups - the first of equals - as ``::``, never the mixed
IPv4 notation, which Python 3.13 started printing for IPv4-mapped addresses).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._values import describe as _describe

# The forms accepted as input. Stricter than ipaddress on purpose: no netmask after the slash,
# no IPv6 zone index (%eth0), no IPv4 embedded in IPv6 (::ffff:192.0.2.1).
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_OCTET}(\.{_OCTET}){{3}}")
_IPV6 = re.compile(r"[0-9A-Fa-f:]*:[0-9A-Fa-f:]*")
_PREFIXLEN = re.compile(r"[0-9]{1,3}")

PREFIX_FORM = (
    "address/prefixlen (IPv4 dotted quad or IPv6 without embedded IPv4, "
    "e.g. 10.0.1.1/24 or 2001:db8:1::1/64)"
)

# The DNS contract: the host variables site_address reads.
CONTRACT_ADDRESS = "powerdns_galera_address"
CONTRACT_PREFIXES = "bird2_site_prefixes"


def ipv6_text(value: int) -> str:
    """RFC 5952 text of the IPv6 address ``value`` (an integer below 2**128)."""
    groups = [(value >> (16 * (7 - i))) & 0xFFFF for i in range(8)]
    best_start, best_len, run_start, run_len = -1, 1, -1, 0
    for i, group in enumerate(groups):
        if group == 0:
            if run_len == 0:
                run_start = i
            run_len += 1
            if run_len > best_len:  # strictly longer: the first of equal runs wins
                best_start, best_len = run_start, run_len
        else:
            run_len = 0
    hexes = [f"{g:x}" for g in groups]
    if best_start < 0:
        return ":".join(hexes)
    head = ":".join(hexes[:best_start])
    tail = ":".join(hexes[best_start + best_len :])
    return f"{head}::{tail}"


def ipv4_text(value: int) -> str:
    """Dotted-quad text of the IPv4 address ``value`` (an integer below 2**32)."""
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


def address_text(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Canonical text of an address (see the module docstring)."""
    if address.version == 4:
        return ipv4_text(int(address))
    return ipv6_text(int(address))


def parse_address(text: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``text`` stands for, or None when it is not an IP literal in an accepted form."""
    if not isinstance(text, str):
        return None
    text = str(text)
    try:
        if _IPV4.fullmatch(text):
            return ipaddress.IPv4Address(text)
        if _IPV6.fullmatch(text):
            return ipaddress.IPv6Address(text)
    except ValueError:
        return None
    return None


def parse_interface(item: Any) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
    """``address/prefixlen`` as an interface; ValueError or TypeError with the reason."""
    if not isinstance(item, str):
        raise TypeError(f"{_describe(item)} is not a string")
    text = str(item)
    address, slash, length = text.partition("/")
    if not slash:
        raise ValueError(f"{text!r} has no /prefixlen")
    if not _PREFIXLEN.fullmatch(length):
        raise ValueError(f"{text!r} has no prefix length after the slash (a number)")
    parsed = parse_address(address)
    if parsed is None:
        raise ValueError(f"{text!r} does not start with an IPv4 or IPv6 address")
    if int(length) > parsed.max_prefixlen:
        raise ValueError(f"{text!r} has a prefix length above {parsed.max_prefixlen}")
    if parsed.version == 4:
        return ipaddress.IPv4Interface((int(parsed), int(length)))
    return ipaddress.IPv6Interface((int(parsed), int(length)))


def prefix_entry(interface: ipaddress.IPv4Interface | ipaddress.IPv6Interface) -> dict[str, Any]:
    """``{family, host, prefix}`` of a parsed site prefix (see ``site_prefixes``)."""
    network = interface.network
    return {
        "family": interface.version,
        "host": f"{address_text(interface.ip)}/{interface.max_prefixlen}",
        "prefix": f"{address_text(network.network_address)}/{network.prefixlen}",
    }


def _check_list(prefixes: Any, name: str) -> Sequence[Any]:
    if prefixes is None:
        return []
    if isinstance(prefixes, (str, bytes)) or not isinstance(prefixes, Sequence):
        raise TypeError(f"{name} must be a list of {PREFIX_FORM}, got {_describe(prefixes)}")
    return prefixes


def site_interfaces(
    prefixes: Any, name: str = "prefixes"
) -> list[ipaddress.IPv4Interface | ipaddress.IPv6Interface]:
    """The parsed list ``prefixes``; one error naming ``name`` and every item not accepted."""
    items = _check_list(prefixes, name)
    parsed: list[ipaddress.IPv4Interface | ipaddress.IPv6Interface] = []
    bad: list[str] = []
    for pos, item in enumerate(items):
        try:
            parsed.append(parse_interface(item))
        except (TypeError, ValueError) as exc:
            bad.append(f"item {pos}: {exc}")
    if bad:
        raise ValueError(
            f"{name}: expected a list of {PREFIX_FORM}; not accepted: {'; '.join(bad)}"
        )
    return parsed


def site_prefixes(prefixes: Any, name: str = "prefixes") -> list[dict[str, Any]]:
    """``['addr/len', ...]`` -> ``[{family, host, prefix}, ...]`` in the same order.

    ``family`` is 4 or 6; ``host`` the address with /32 or /128 (what goes on lo);
    ``prefix`` the network with the host bits cleared (what OSPF announces).  Null is
    an empty list.  Errors name ``name`` and every item not accepted, with its position.
    """
    return [prefix_entry(i) for i in site_interfaces(prefixes, name)]


def first_ipv4(prefixes: Any, name: str = "prefixes") -> str | None:
    """The address (no length) of the first IPv4 item of ``prefixes``, else None."""
    for interface in site_interfaces(prefixes, name):
        if interface.version == 4:
            return address_text(interface.ip)
    return None


def site_address(
    address: Any,
    prefixes: Any,
    address_name: str = "address",
    prefixes_name: str = "prefixes",
) -> str | None:
    """The DNS contract's address of a host.

    ``address`` when it is set (not null, not empty), else the first IPv4 address of
    ``prefixes`` without its length, else None.  An explicit address is returned as
    written (the roles check its family); ``prefixes`` is only read when ``address`` is
    not set (then a broken list is an error naming ``prefixes_name``).
    """
    if not address:
        return first_ipv4(prefixes, prefixes_name)
    if not isinstance(address, str):
        raise TypeError(f"{address_name} must be an IP address (string), got {_describe(address)}")
    return str(address)


def host_site_address(host_vars: Any) -> str | None:
    """``site_address`` of the host whose variables are ``host_vars`` (a mapping, e.g. hostvars[h]).

    Reads ``powerdns_galera_address`` and ``bird2_site_prefixes`` (absent: null), and
    ``inventory_hostname`` for messages.
    """
    if not isinstance(host_vars, Mapping):
        raise TypeError(
            "the input must be the variables of one host (hostvars[host]), "
            f"got {_describe(host_vars)}"
        )
    host = host_vars.get("inventory_hostname")
    of = f" of {host}" if isinstance(host, str) and host else ""
    return site_address(
        host_vars.get(CONTRACT_ADDRESS),
        host_vars.get(CONTRACT_PREFIXES),
        address_name=f"{CONTRACT_ADDRESS}{of}",
        prefixes_name=f"{CONTRACT_PREFIXES}{of}",
    )


def ipv4_int(address: Any, name: str = "address") -> int:
    """The IPv4 address ``address`` (dotted quad, no length) as an integer 0..2**32-1."""
    if not isinstance(address, str):
        raise TypeError(f"{name} must be an IPv4 address (string), got {_describe(address)}")
    if not _IPV4.fullmatch(str(address)):
        raise ValueError(
            f"{name} {str(address)!r} is not an IPv4 address (a dotted quad such as 10.64.1.1)"
        )
    return int(ipaddress.IPv4Address(str(address)))
