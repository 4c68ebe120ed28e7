"""The BGP edge of a site: inputs checked and turned into the sessions bird2 renders.

Pure functions: no Ansible imports, no I/O, no randomness, no global state.
Used by the ``hobbynet.infra.bgp_plan`` filter (roles/bird2/tasks/preflight.yml).

``bgp_plan`` reads one host's variables (a mapping ``{var: value}``, ``hostvars[host]`` under
Ansible) and returns every problem at once, each message naming the variable as the user wrote
it (``bird2_bgp_sessions[1] (transit2) of r1: neighbor_as ...``), or the plan: the AS, its own
prefixes and cone per family, and one normalised entry per session with everything the
templates need (family, local preference, import and export policy, limits). Decisions live
here, not in Jinja: the local preference by kind, whether the first AS is enforced, what a
session exports.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._addr import parse_address as _address
from ._values import describe as _describe

ASN = "bird2_asn"
ALLOW_RESERVED = "bird2_asn_allow_reserved"
OWN = "bird2_own_prefixes"
SESSIONS = "bird2_bgp_sessions"
IXES = "bird2_ixes"
POOL = "wireguard_mesh_plan_pool_v4"
BOGONS = {4: "bird2_bgp_bogons4", 6: "bird2_bgp_bogons6"}
BOGON_ASNS = "bird2_bgp_bogon_asns"
LENGTHS = {
    4: ("bird2_bgp_min_length4", "bird2_bgp_max_length4"),
    6: ("bird2_bgp_min_length6", "bird2_bgp_max_length6"),
}
MAX_PATH = "bird2_bgp_max_path_length"
ERROR_WAIT = "bird2_bgp_error_wait_time"
ROA = "bird2_bgp_roa"
DRAIN = "bird2_bgp_drain"
DEFAULT_TO_OSPF = "bird2_bgp_default_to_ospf"
SITE = "backbone_id"
BFD = "bird2_bfd"
PREFSRC = {4: "bird2_krt_prefsrc4", 6: "bird2_krt_prefsrc6"}

KINDS = ("transit", "ix_route_server", "ix_peer", "peer", "downstream")
# Sessions whose local address lies in another network's space (the transit's or the peer's link,
# the IX LAN): never a source the rest of the AS can route back to.
OUTSIDE_KINDS = ("transit", "ix_route_server", "ix_peer", "peer")
# The seed's scheme: what we learn from a customer beats a peer, beats the IX, beats transit.
LOCAL_PREF = {"transit": 50, "ix_route_server": 90, "ix_peer": 90, "peer": 100, "downstream": 120}
# The second field of the large community (OWN_ASN, 1, n) that says where a route was learnt.
KIND_COMMUNITY = {"transit": 1, "ix_route_server": 2, "ix_peer": 3, "peer": 4, "downstream": 5}
TRANSIT_ROUTES = ("full", "default", "both")
DOWNSTREAM_EXPORT = ("full", "default")
MAX_PREFIX_ACTIONS = ("restart", "disable", "block", "warn")
SESSION_KEYS = {
    "name",
    "kind",
    "neighbor",
    "neighbor_as",
    "local_address",
    "password",
    "multihop",
    "bfd",
    "max_prefix",
    "max_prefix_action",
    "local_pref",
    "transit_routes",
    "export",
    "prefixes",
    "ix",
    "drain",
}
REQUIRED_KEYS = ("name", "kind", "neighbor", "neighbor_as", "local_address")
IX_KEYS = {"name", "interface", "lan4", "lan6", "sysctls"}
# IX port hygiene, per IX interface (seed; AMS-IX and ECIX configuration guides): answer and
# announce ARP only for the port's own addresses, no proxy ARP or redirects, static addresses only
# (no SLAAC, no router advertisements taken, no router solicitations sent: the IX LAN has no
# router), and neighbour entries kept 4 hours (IXes ask for at least 2) so a quiet LAN is not
# flooded with ARP and neighbour solicitations. Key "<family>.<conf|neigh>.<name>", overridable per
# IX (bird2_ixes[].sysctls).
IX_SYSCTLS = {
    "ipv4.conf.arp_filter": 1,
    "ipv4.conf.arp_ignore": 1,
    "ipv4.conf.arp_announce": 2,
    "ipv4.conf.proxy_arp": 0,
    "ipv4.conf.accept_redirects": 0,
    "ipv4.conf.send_redirects": 0,
    "ipv4.neigh.base_reachable_time_ms": 14_400_000,
    "ipv6.conf.autoconf": 0,
    "ipv6.conf.accept_ra": 0,
    "ipv6.conf.router_solicitations": 0,
    "ipv6.conf.accept_redirects": 0,
    "ipv6.neigh.base_reachable_time_ms": 14_400_000,
}
_SYSCTL_KEY = re.compile(r"ipv([46])\.(conf|neigh)\.([a-z0-9_]{1,64})")

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
_IFNAME = re.compile(r"[A-Za-z0-9_.@-]{1,15}")

# ASNs never valid in a session or as our own (RFC 7607 0, RFC 6793 AS_TRANS, RFC 7300 last of
# each range).
_ASN_NEVER = {
    0: "AS 0 (RFC 7607)",
    23456: "AS_TRANS (RFC 6793)",
    65535: "reserved (RFC 7300)",
    4294967295: "reserved (RFC 7300)",
}
# Valid on the wire but not on the public Internet: refused unless bird2_asn_allow_reserved.
_ASN_RESERVED = (
    (64496, 64511, "a documentation ASN (RFC 5398)"),
    (64512, 65534, "a private ASN (RFC 6996)"),
    (65536, 65551, "a documentation ASN (RFC 5398)"),
    (65552, 131071, "reserved by IANA"),
    (4200000000, 4294967294, "a private ASN (RFC 6996)"),
)


class BgpInputError(ValueError):
    """Every problem found in one host's BGP inputs, one message per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def asn_problem(value: Any, allow_reserved: bool) -> str | None:
    """Why ``value`` is not an ASN we accept, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be an integer ASN, not {_describe(value)}"
    if not 1 <= value <= 4294967294:
        return f"{value} is outside 1..4294967294" if value not in _ASN_NEVER else _never(value)
    if value in _ASN_NEVER:
        return _never(value)
    if not allow_reserved:
        for low, high, what in _ASN_RESERVED:
            if low <= value <= high:
                return (
                    f"{value} is {what}, not usable on the Internet "
                    f"(set {ALLOW_RESERVED}: true for a lab)"
                )
    return None


def _never(value: int) -> str:
    return f"{value} is {_ASN_NEVER[value]}, never valid in BGP"


def _network(item: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """A prefix in canonical form; host bits must be clear (BGP announces networks)."""
    if not isinstance(item, str) or "/" not in item:
        return None
    try:
        return ipaddress.ip_network(item, strict=True)
    except ValueError:
        return None


def _prefix_list(value: Any, where: str, problems: list[str]) -> list[Any]:
    """Networks of a list, one problem per bad item."""
    if not isinstance(value, list) or isinstance(value, str):
        problems.append(f"{where}: expected a list of prefixes, not {_describe(value)}")
        return []
    out = []
    for index, item in enumerate(value):
        network = _network(item)
        if network is None:
            problems.append(
                f"{where}: item {index} ({_describe(item)}) is not a prefix with its host bits "
                "clear (e.g. 192.0.2.0/24 or 2001:db8::/32)"
            )
        else:
            out.append(network)
    return out


def _check_ixes(value: Any, host: str, problems: list[str]) -> dict[str, dict[str, Any]]:
    where = f"{IXES} of {host}"
    if value is None:
        return {}
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list of mappings, not {_describe(value)}")
        return {}
    ixes: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(value):
        at = f"{IXES}[{index}] of {host}"
        if not isinstance(item, Mapping):
            problems.append(f"{at}: expected a mapping, not {_describe(item)}")
            continue
        unknown = sorted(set(item) - IX_KEYS)
        if unknown:
            problems.append(f"{at}: unknown keys {unknown} (known: {sorted(IX_KEYS)})")
        name = item.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            problems.append(
                f"{at}: name must be letters, digits and _ (a letter first), not {_describe(name)}"
            )
            continue
        if name in ixes:
            problems.append(f"{at}: the name {name!r} is used twice")
            continue
        interface = item.get("interface")
        if not isinstance(interface, str) or not _IFNAME.fullmatch(interface):
            problems.append(
                f"{at} ({name}): interface must be an interface name, not {_describe(interface)}"
            )
        lans = {}
        for family, key in ((4, "lan4"), (6, "lan6")):
            if item.get(key) is None:
                continue
            network = _network(item[key])
            if network is None or network.version != family:
                problems.append(
                    f"{at} ({name}): {key} must be the IPv{family} peering LAN with its host bits "
                    f"clear, not {_describe(item[key])}"
                )
            else:
                lans[family] = network
        if not lans:
            problems.append(f"{at} ({name}): give the peering LAN (lan4, lan6 or both)")
        ixes[name] = {
            "name": name,
            "interface": interface,
            "lans": lans,
            "sysctls": _ix_sysctls(item.get("sysctls"), f"{at} ({name}): sysctls", problems),
        }
    return ixes


def _ix_sysctls(value: Any, where: str, problems: list[str]) -> dict[str, int]:
    """The port's sysctls: IX_SYSCTLS with the IX's overrides (an integer per known key form)."""
    if value is None:
        return dict(IX_SYSCTLS)
    if not isinstance(value, Mapping):
        problems.append(f"{where}: expected a mapping of sysctl to integer, not {_describe(value)}")
        return dict(IX_SYSCTLS)
    out = dict(IX_SYSCTLS)
    for key, number in value.items():
        if not isinstance(key, str) or not _SYSCTL_KEY.fullmatch(key):
            problems.append(
                f"{where}: key {_describe(key)} is not of the form ipv4.conf.NAME, "
                "ipv4.neigh.NAME, ipv6.conf.NAME or ipv6.neigh.NAME (the role adds the interface)"
            )
        elif not isinstance(number, int) or isinstance(number, bool):
            problems.append(f"{where}: {key} must be an integer, not {_describe(number)}")
        else:
            out[key] = number
    return out


def ix_sysctl_path(key: str, interface: str) -> str:
    """``ipv4.conf.arp_ignore`` on eth1.100 -> ``net/ipv4/conf/eth1.100/arp_ignore``.

    The slash form: sysctl.d and /proc/sys take it, and an interface name may hold dots.
    """
    family, table, name = key.split(".", 2)
    return f"net/{family}/{table}/{interface}/{name}"


def _int_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_session(
    index: int,
    item: Any,
    host: str,
    allow_reserved: bool,
    ixes: Mapping[str, Mapping[str, Any]],
    problems: list[str],
) -> dict[str, Any] | None:
    at = f"{SESSIONS}[{index}] of {host}"
    if not isinstance(item, Mapping):
        problems.append(f"{at}: expected a mapping, not {_describe(item)}")
        return None
    name = item.get("name")
    if isinstance(name, str) and _NAME.fullmatch(name):
        at = f"{SESSIONS}[{index}] ({name}) of {host}"
    else:
        problems.append(
            f"{at}: name must be 1-32 letters, digits and _ with a letter first (it names the BIRD "
            f"protocol), not {_describe(name)}"
        )
    count = len(problems)
    unknown = sorted(set(item) - SESSION_KEYS)
    if unknown:
        problems.append(f"{at}: unknown keys {unknown} (known: {sorted(SESSION_KEYS)})")
    missing = [key for key in REQUIRED_KEYS if item.get(key) is None]
    if missing:
        problems.append(f"{at}: missing {', '.join(missing)}")
    kind = item.get("kind")
    if kind is not None and kind not in KINDS:
        problems.append(f"{at}: kind {_describe(kind)} is not one of {', '.join(KINDS)}")
        kind = None
    neighbor = _address(item.get("neighbor")) if item.get("neighbor") is not None else None
    if item.get("neighbor") is not None and neighbor is None:
        problems.append(
            f"{at}: neighbor must be an IPv4 or IPv6 address, not {_describe(item.get('neighbor'))}"
        )
    if item.get("neighbor_as") is not None:
        why = asn_problem(item["neighbor_as"], allow_reserved)
        if why:
            problems.append(f"{at}: neighbor_as {why}")
    local = _address(item.get("local_address")) if item.get("local_address") is not None else None
    if item.get("local_address") is not None and local is None:
        problems.append(
            f"{at}: local_address must be an IPv4 or IPv6 address, not "
            f"{_describe(item.get('local_address'))}"
        )
    if neighbor is not None and local is not None and neighbor.version != local.version:
        problems.append(
            f"{at}: neighbor {neighbor} and local_address {local} are of different families"
        )
    password = item.get("password")
    if password is not None and (
        not isinstance(password, str) or not password or re.search(r'["\\\n\r\x00]', password)
    ):
        # Never the value: it is a secret.
        problems.append(
            f"{at}: password must be a non-empty string without double quote, backslash or line "
            "break"
        )
    multihop = item.get("multihop")
    if multihop is not None and multihop is not False and not _int_in(multihop, 2, 255):
        problems.append(f"{at}: multihop must be false or a TTL 2..255, not {_describe(multihop)}")
    for flag in ("bfd", "drain"):
        if item.get(flag) is not None and not isinstance(item.get(flag), bool):
            problems.append(f"{at}: {flag} must be true or false, not {_describe(item.get(flag))}")
    max_prefix = item.get("max_prefix")
    if max_prefix is not None and not _int_in(max_prefix, 1, 100_000_000):
        problems.append(
            f"{at}: max_prefix must be an integer >= 1 (routes per session), not "
            f"{_describe(max_prefix)}"
        )
    action = item.get("max_prefix_action", "restart")
    if action not in MAX_PREFIX_ACTIONS:
        problems.append(
            f"{at}: max_prefix_action must be one of {', '.join(MAX_PREFIX_ACTIONS)}, not "
            f"{_describe(action)}"
        )
    local_pref = item.get("local_pref")
    if local_pref is not None and not _int_in(local_pref, 0, 4294967295):
        problems.append(
            f"{at}: local_pref must be an integer 0..4294967295, not {_describe(local_pref)}"
        )
    # The options of one kind are checked against a kind that is known only.
    routes = item.get("transit_routes")
    export = item.get("export")
    prefixes: list[Any] = []
    ix = item.get("ix")
    if kind is not None:
        if routes is not None and (kind != "transit" or routes not in TRANSIT_ROUTES):
            problems.append(
                f"{at}: transit_routes applies to kind transit only and is one of "
                f"{', '.join(TRANSIT_ROUTES)}, "
                f"not {_describe(routes)}"
            )
        if export is not None and (kind != "downstream" or export not in DOWNSTREAM_EXPORT):
            problems.append(
                f"{at}: export applies to kind downstream only and is one of "
                f"{', '.join(DOWNSTREAM_EXPORT)}, "
                f"not {_describe(export)}"
            )
        if kind == "downstream":
            if item.get("prefixes") in (None, []):
                problems.append(
                    f"{at}: a downstream needs its prefixes (the routes it may announce to us)"
                )
            else:
                prefixes = _prefix_list(item["prefixes"], f"{at}: prefixes", problems)
        elif item.get("prefixes") is not None:
            problems.append(f"{at}: prefixes applies to kind downstream only")
        if kind in ("ix_route_server", "ix_peer"):
            if ix not in ixes:
                known = ", ".join(ixes) or f"none: define it in {IXES}"
                problems.append(
                    f"{at}: ix must name an IX of {IXES} ({known}), not {_describe(ix)}"
                )
            elif neighbor is not None:
                lan = ixes[ix]["lans"].get(neighbor.version)
                if lan is None or neighbor not in lan:
                    problems.append(
                        f"{at}: neighbor {neighbor} is not in the peering LAN of {ix} "
                        f"({lan or 'none of its family'})"
                    )
                elif local is not None and local not in lan:
                    problems.append(
                        f"{at}: local_address {local} is not in the peering LAN of {ix} ({lan})"
                    )
        elif ix is not None:
            problems.append(f"{at}: ix applies to the kinds ix_route_server and ix_peer only")
    if len(problems) > count or kind is None or neighbor is None or not isinstance(name, str):
        return None
    return {
        "name": name,
        "kind": kind,
        "family": neighbor.version,
        "neighbor": str(neighbor),
        "neighbor_as": item["neighbor_as"],
        "local_address": str(local),
        # Whether the session has a password, never the password: the plan is a fact, and facts
        # are printed with -v. The template reads it from bird2_bgp_sessions[index].
        "index": index,
        "password": password is not None,
        "multihop": multihop if multihop not in (None, False) else None,
        "bfd": bool(item.get("bfd", False)),
        "max_prefix": max_prefix,
        "max_prefix_action": action,
        "local_pref": local_pref if local_pref is not None else LOCAL_PREF[kind],
        "community": KIND_COMMUNITY[kind],
        # A route server does not put its own AS in the path (RFC 7947).
        "enforce_first_as": kind != "ix_route_server",
        "import": (routes or "full") if kind == "transit" else "all",
        # Filtered routes stay visible (`birdc show route filtered`), except on a default-only
        # transit: it is chosen to save memory, and keeping the full table it rejects would cost
        # as much as taking it (benchmarks/bgp_fulltable.py: about 110 MB for 1.23M routes).
        "keep_filtered": not (kind == "transit" and routes == "default"),
        "export": (export or "full") if kind == "downstream" else "cone",
        # Both families: a downstream's IPv4 and IPv6 sessions may share one list; each session's
        # filter takes the prefixes of its own family.
        "prefixes4": [str(p) for p in prefixes if p.version == 4],
        "prefixes6": [str(p) for p in prefixes if p.version == 6],
        "ix": ix,
        "drain": bool(item.get("drain", False)),
    }


def _library(host: str, host_vars: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    """The filter library's settings: bogons, lengths, path length, ROA source, drain."""
    out: dict[str, Any] = {}
    for family, var in BOGONS.items():
        nets = _prefix_list(host_vars.get(var, []), f"{var} of {host}", problems)
        wrong = [str(n) for n in nets if n.version != family]
        if wrong:
            problems.append(f"{var} of {host}: not IPv{family}: {', '.join(wrong)}")
        out[f"bogons{family}"] = [str(n) for n in nets if n.version == family]
    ranges = []
    value = host_vars.get(BOGON_ASNS, [])
    if not isinstance(value, list):
        problems.append(f"{BOGON_ASNS} of {host}: expected a list, not {_describe(value)}")
        value = []
    for index, item in enumerate(value):
        pair = [item, item] if _int_in(item, 0, 4294967295) else item
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(_int_in(x, 0, 4294967295) for x in pair)
            or pair[0] > pair[1]
        ):
            problems.append(
                f"{BOGON_ASNS} of {host}: item {index} ({_describe(item)}) must be an ASN or a "
                "[low, high] range of ASNs (0..4294967295)"
            )
        else:
            ranges.append((pair[0], pair[1]))
    out["bogon_asns"] = [f"{a}" if a == b else f"{a}..{b}" for a, b in ranges]
    for family, (low_var, high_var) in LENGTHS.items():
        top = 32 if family == 4 else 128
        low, high = host_vars.get(low_var), host_vars.get(high_var)
        if not (_int_in(low, 0, top) and _int_in(high, 0, top) and low <= high):
            problems.append(
                f"{low_var} ({_describe(low)}) and {high_var} ({_describe(high)}) of {host} "
                "must be "
                f"prefix lengths 0..{top} with the minimum not above the maximum"
            )
        out[f"lengths{family}"] = [low, high]
    max_path = host_vars.get(MAX_PATH)
    if not _int_in(max_path, 1, 255):
        problems.append(
            f"{MAX_PATH} of {host} must be an integer 1..255, not {_describe(max_path)}"
        )
    out["max_path"] = max_path
    # BIRD's own default: 60 s after a session failed (or the peer reset it) before it may come
    # back, doubling up to 300 s while it keeps failing.
    wait = host_vars.get(ERROR_WAIT, [60, 300])
    if not (
        isinstance(wait, list)
        and len(wait) == 2
        and all(_int_in(w, 1, 86400) for w in wait)
        and wait[0] <= wait[1]
    ):
        problems.append(
            f"{ERROR_WAIT} of {host} must be [minimum, maximum] seconds (1..86400, the minimum "
            f"not above the maximum), not {_describe(wait)}"
        )
        wait = [60, 300]
    out["error_wait"] = wait
    out["roa"] = _roa(host, host_vars.get(ROA), problems)
    to_ospf = host_vars.get(DEFAULT_TO_OSPF, False)
    if not isinstance(to_ospf, bool):
        problems.append(
            f"{DEFAULT_TO_OSPF} of {host} must be true or false, not {_describe(to_ospf)}"
        )
        to_ospf = False
    out["default_to_ospf"] = to_ospf
    drain = host_vars.get(DRAIN, False)
    if not isinstance(drain, bool):
        problems.append(f"{DRAIN} of {host} must be true or false, not {_describe(drain)}")
    out["drain"] = drain is True
    site = host_vars.get(SITE, 0)
    out["site"] = site if _int_in(site, 0, 4294967295) else 0
    return out


def _roa(host: str, value: Any, problems: list[str]) -> dict[str, Any] | None:
    """``{rtr: {address, port}}`` (a validator such as stayrtr) or ``{static: [...]}``."""
    where = f"{ROA} of {host}"
    if value is None:
        return None
    if (
        not isinstance(value, Mapping)
        or len(value) != 1
        or next(iter(value)) not in ("rtr", "static")
    ):
        problems.append(
            f"{where}: expected null, {{rtr: {{address, port}}}} or "
            f"{{static: [{{prefix, max_length, asn}}, ...]}}, not {_describe(value)}"
        )
        return None
    if "rtr" in value:
        rtr = value["rtr"]
        address = _address(rtr.get("address")) if isinstance(rtr, Mapping) else None
        port = rtr.get("port", 323) if isinstance(rtr, Mapping) else None
        if address is None or not _int_in(port, 1, 65535):
            problems.append(f"{where}: rtr needs an IP address and a port 1..65535 (default 323)")
            return None
        return {"rtr": {"address": str(address), "port": port}}
    entries = value["static"]
    if not isinstance(entries, list) or not entries:
        problems.append(f"{where}: static must be a non-empty list of {{prefix, max_length, asn}}")
        return None
    out = []
    for index, entry in enumerate(entries):
        network = _network(entry.get("prefix")) if isinstance(entry, Mapping) else None
        top = 0 if network is None else network.max_prefixlen
        max_length = (
            entry.get("max_length", network.prefixlen if network else None)
            if isinstance(entry, Mapping)
            else None
        )
        asn = entry.get("asn") if isinstance(entry, Mapping) else None
        if (
            network is None
            or not _int_in(max_length, network.prefixlen, top)
            or not _int_in(asn, 0, 4294967295)
        ):
            problems.append(
                f"{where}: static item {index} ({_describe(entry)}) needs prefix (host bits "
                "clear), "
                "max_length (from the prefix length to 32 or 128) and asn (0 means never valid)"
            )
        else:
            out.append(
                {
                    "prefix": str(network),
                    "family": network.version,
                    "max_length": max_length,
                    "asn": asn,
                }
            )
    return {"static": out}


def bgp_plan(host: str, host_vars: Mapping[str, Any]) -> dict[str, Any]:
    """The BGP plan of ``host`` from its variables; raise BgpInputError with every problem.

    Inputs only: what needs the host itself (its addresses, its IX ports) is bgp_host_state's.
    Returns ``{enabled: False}`` when the host has no ``bird2_asn`` (the BGP edge is off).
    """
    asn = host_vars.get(ASN)
    sessions = host_vars.get(SESSIONS) or []
    if asn is None:
        if sessions:
            raise BgpInputError([f"{SESSIONS} of {host} lists sessions but {ASN} is not set"])
        return {"enabled": False}
    problems: list[str] = []
    allow_reserved = host_vars.get(ALLOW_RESERVED, False)
    if not isinstance(allow_reserved, bool):
        problems.append(
            f"{ALLOW_RESERVED} of {host} must be true or false, not {_describe(allow_reserved)}"
        )
        allow_reserved = False
    why = asn_problem(asn, allow_reserved)
    if why:
        problems.append(f"{ASN} of {host}: {why}")
    own = _prefix_list(host_vars.get(OWN), f"{OWN} of {host}", problems)
    if not own and not problems:
        problems.append(
            f"{OWN} of {host}: the AS needs its own prefixes (at least one) to announce"
        )
    ixes = _check_ixes(host_vars.get(IXES), host, problems)
    if not isinstance(sessions, list):
        problems.append(
            f"{SESSIONS} of {host}: expected a list of mappings, not {_describe(sessions)}"
        )
        sessions = []
    planned = []
    for index, item in enumerate(sessions):
        session = _check_session(index, item, host, allow_reserved, ixes, problems)
        if session is not None:
            planned.append(session)
    library = _library(host, host_vars, problems)
    _check_bfd(host, host_vars.get(BFD, True), planned, problems)
    if library["default_to_ospf"] and not any(
        s["kind"] == "transit" and s["import"] in ("default", "both") for s in planned
    ):
        problems.append(
            f"{DEFAULT_TO_OSPF} of {host} is true but no session of {SESSIONS} is a transit that "
            "takes a default route (transit_routes default or both): there is no default to "
            "originate"
        )
    _cross_checks(host, host_vars, own, ixes, planned, sessions, problems)
    _check_prefsrc(host, host_vars, ixes, planned, problems)
    ports = _ix_ports(host, ixes, problems)
    if problems:
        raise BgpInputError(problems)
    cone = [str(p) for p in own] + sorted(
        {p for s in planned for p in s["prefixes4"] + s["prefixes6"]},
        key=lambda text: (ipaddress.ip_network(text).version, ipaddress.ip_network(text)),
    )
    return {
        "enabled": True,
        "asn": asn,
        **library,
        "own4": [str(p) for p in own if p.version == 4],
        "own6": [str(p) for p in own if p.version == 6],
        "cone4": [p for p in cone if ipaddress.ip_network(p).version == 4],
        "cone6": [p for p in cone if ipaddress.ip_network(p).version == 6],
        "sessions": planned,
        "ixes": [
            {
                "name": ix["name"],
                "interface": ix["interface"],
                "lan4": str(ix["lans"][4]) if 4 in ix["lans"] else None,
                "lan6": str(ix["lans"][6]) if 6 in ix["lans"] else None,
            }
            for ix in ixes.values()
        ],
        "ix_ports": ports,
    }


def _cross_checks(
    host: str,
    host_vars: Mapping[str, Any],
    own: Sequence[Any],
    ixes: Mapping[str, Mapping[str, Any]],
    planned: Sequence[Mapping[str, Any]],
    sessions: Sequence[Any],
    problems: list[str],
) -> None:
    """Rules that only show across variables: names, overlaps, neighbours."""
    seen: dict[str, int] = {}
    for index, item in enumerate(sessions):
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, str):
            if name in seen:
                problems.append(
                    f"{SESSIONS}[{index}] of {host}: the name {name!r} is also the name of item "
                    f"{seen[name]}"
                )
            else:
                seen[name] = index
    neighbors: dict[str, str] = {}
    for session in planned:
        other = neighbors.setdefault(session["neighbor"], session["name"])
        if other != session["name"]:
            problems.append(
                f"{SESSIONS} of {host}: sessions {other} and {session['name']} have the same "
                f"neighbor {session['neighbor']}"
            )
    for a in range(len(own)):
        for b in range(a + 1, len(own)):
            if own[a].version == own[b].version and own[a].overlaps(own[b]):
                problems.append(f"{OWN} of {host}: {own[a]} and {own[b]} overlap")
    pool = host_vars.get(POOL)
    pool_net = _network(pool) if isinstance(pool, str) else None
    for prefix in own:
        if pool_net is not None and prefix.version == 4 and prefix.overlaps(pool_net):
            problems.append(
                f"{OWN} of {host}: {prefix} overlaps the WireGuard pool wireguard_mesh_pool_v4 "
                f"({pool_net}), "
                "whose /31s are never announced"
            )
        for ix in ixes.values():
            lan = ix["lans"].get(prefix.version)
            if lan is not None and prefix.overlaps(lan):
                problems.append(
                    f"{OWN} of {host}: {prefix} overlaps the peering LAN of {ix['name']} ({lan}) "
                    f"in {IXES}; the IX LAN is never announced"
                )
    # A downstream's prefixes enter the cone, which every transit, peer and IX receives: like our
    # own prefixes, they must stay clear of the WireGuard pool and the IX LANs.
    for session in planned:
        at = f"{SESSIONS}[{session['index']}] ({session['name']}) of {host}"
        for text in session["prefixes4"] + session["prefixes6"]:
            prefix = ipaddress.ip_network(text)
            for mine in own:
                if mine.version == prefix.version and mine.overlaps(prefix):
                    problems.append(
                        f"{at}: prefixes {prefix} overlaps {mine} of {OWN}; "
                        "a downstream announces its own space, not ours"
                    )
            if pool_net is not None and prefix.version == 4 and prefix.overlaps(pool_net):
                problems.append(
                    f"{at}: prefixes {prefix} overlaps the WireGuard pool wireguard_mesh_pool_v4 "
                    f"({pool_net}), whose /31s are never announced"
                )
            for ix in ixes.values():
                lan = ix["lans"].get(prefix.version)
                if lan is not None and prefix.overlaps(lan):
                    problems.append(
                        f"{at}: prefixes {prefix} overlaps the peering LAN of {ix['name']} "
                        f"({lan}) in {IXES}; the IX LAN is never announced"
                    )


def _check_bfd(
    host: str, switch: Any, planned: Sequence[Mapping[str, Any]], problems: list[str]
) -> None:
    """A session's ``bfd on`` needs the bfd protocol, which bird2_bfd turns on or off."""
    if not isinstance(switch, bool):
        problems.append(f"{BFD} of {host} must be true or false, not {_describe(switch)}")
        return
    if switch:
        return
    for session in planned:
        if session["bfd"]:
            problems.append(
                f"{SESSIONS}[{session['index']}] ({session['name']}) of {host}: bfd is true but "
                f"{BFD} of {host} is false, so no bfd protocol runs and the session would get no "
                f"BFD; set {BFD}: true or drop bfd from the session"
            )


def _check_prefsrc(
    host: str,
    host_vars: Mapping[str, Any],
    ixes: Mapping[str, Mapping[str, Any]],
    planned: Sequence[Mapping[str, Any]],
    problems: list[str],
) -> None:
    """An explicit krt_prefsrc is the source of this host's traffic on every OSPF and BGP route
    in the kernel (templates/bird.conf.d/10-core): an IX address or a session's address towards a
    transit, peer or IX is not routed back to this host by the AS.

    Null or empty (the site address, or none) is fine; a value that is not an address of the
    family is refused by tasks/preflight.yml before this runs, and skipped here.
    """
    for family, var in PREFSRC.items():
        value = host_vars.get(var)
        address = _address(value) if value not in (None, "") else None
        if address is None or address.version != family:
            continue
        on_lan = False
        for ix in ixes.values():
            lan = ix["lans"].get(family)
            if lan is not None and address in lan:
                on_lan = True
                problems.append(
                    f"{var} of {host}: {address} is in the peering LAN of {ix['name']} ({lan}) "
                    f"in {IXES}, which is never announced; the preferred source must be an "
                    "address the AS routes to this host (a site address, or null for the first)"
                )
        if on_lan:
            continue
        for session in planned:
            if session["kind"] in OUTSIDE_KINDS and session["local_address"] == str(address):
                problems.append(
                    f"{var} of {host}: {address} is the local_address of {SESSIONS}"
                    f"[{session['index']}] ({session['name']}), a {session['kind']} session; the "
                    "preferred source must be an address the AS routes to this host (a site "
                    "address, or null for the first)"
                )


def _ix_ports(
    host: str, ixes: Mapping[str, Mapping[str, Any]], problems: list[str]
) -> list[dict[str, Any]]:
    """One entry per IX interface: the IXes on it, their LANs and the sysctls to set."""
    ports: dict[str, dict[str, Any]] = {}
    for index, ix in enumerate(ixes.values()):
        if not isinstance(ix["interface"], str) or not _IFNAME.fullmatch(ix["interface"]):
            continue
        port = ports.setdefault(
            ix["interface"],
            {"interface": ix["interface"], "where": [], "lans": [], "sysctls": ix["sysctls"]},
        )
        where = f"{IXES}[{index}] ({ix['name']})"
        if port["sysctls"] != ix["sysctls"]:
            problems.append(
                f"{where} of {host}: sysctls differ from {port['where'][0]}, which shares the "
                f"interface {ix['interface']}; give both the same"
            )
        port["where"].append(where)
        port["lans"] += [str(lan) for lan in ix["lans"].values()]
    return [
        {
            "interface": port["interface"],
            "where": port["where"],
            "lans": port["lans"],
            "sysctls": [
                {"path": ix_sysctl_path(key, port["interface"]), "value": value}
                for key, value in sorted(port["sysctls"].items())
            ],
        }
        for port in ports.values()
    ]


def _read_host(output: str) -> tuple[list[Any], dict[str, str], bool]:
    """Split the host read of roles/bird2/tasks/host_check.yml.

    Line 1: ``ip -j address show``; then ``sysctl PATH VALUE`` (VALUE ``missing`` when the file
    is absent) and ``procsys-net rw|ro`` lines.
    """
    lines = output.splitlines()
    links = json.loads(lines[0]) if lines and lines[0].strip() else []
    if not isinstance(links, list):
        raise ValueError("the first line of the host read is not the list of ip -j address show")
    sysctls: dict[str, str] = {}
    read_only = False
    for line in lines[1:]:
        fields = line.split()
        if len(fields) == 3 and fields[0] == "sysctl":
            sysctls[fields[1]] = fields[2]
        elif fields == ["procsys-net", "ro"]:
            read_only = True
    return links, sysctls, read_only


def bgp_host_state(
    host: str, plan: Mapping[str, Any], output: str, coming: Sequence[str] = ()
) -> dict[str, Any]:
    """Check a host against its BGP plan, and say what its IX ports need.

    ``output``: the host read (see _read_host); ``coming``: addresses the roles put on the host
    before BIRD needs them (the site addresses on lo). Returns ``{problems, sysctls, multicast}``:
    the problems (a session's local_address not on the host; an IX interface missing, with an
    address outside its peering LAN or a dynamic one; IX sysctls to change under a read-only
    /proc/sys/net), the sysctls whose live value differs (``{path, value}``) and the IX interfaces
    that still have multicast on.
    """
    out: dict[str, Any] = {"problems": [], "sysctls": [], "multicast": []}
    if not plan.get("enabled"):
        return out
    links, live, read_only = _read_host(output)
    by_name = {link.get("ifname"): link for link in links if isinstance(link, Mapping)}
    have = set(coming)
    for link in by_name.values():
        for info in link.get("addr_info") or []:
            if isinstance(info, Mapping) and info.get("local"):
                have.add(str(ipaddress.ip_address(info["local"])))
    for session in plan["sessions"]:
        if session["local_address"] not in have:
            listed = sorted(
                a
                for a in have
                if not (
                    ipaddress.ip_address(a).is_link_local or ipaddress.ip_address(a).is_loopback
                )
            )
            out["problems"].append(
                f"{SESSIONS}[{session['index']}] ({session['name']}) of {host}: local_address "
                f"{session['local_address']} is not an address of this host (it has "
                f"{', '.join(listed) or 'none'})"
            )
    for port in plan.get("ix_ports", []):
        _check_port(host, port, by_name.get(port["interface"]), live, read_only, out)
    return out


def _check_port(
    host: str,
    port: Mapping[str, Any],
    link: Mapping[str, Any] | None,
    live: Mapping[str, str],
    read_only: bool,
    out: dict[str, Any],
) -> None:
    where = f"{', '.join(port['where'])} of {host}"
    name = port["interface"]
    if link is None:
        out["problems"].append(f"{where}: the interface {name} is not on this host")
        return
    lans = [ipaddress.ip_network(text) for text in port["lans"]]
    for info in link.get("addr_info") or []:
        if not isinstance(info, Mapping) or not info.get("local"):
            continue
        address = ipaddress.ip_interface(f"{info['local']}/{info.get('prefixlen', 128)}")
        if address.ip.is_link_local:
            continue
        if not any(address.ip in lan for lan in lans):
            out["problems"].append(
                f"{where}: {name} has {address}, outside the peering LAN "
                f"({', '.join(port['lans'])}); an IX port carries the IX's addresses only "
                "(remove it, or fix lan4/lan6)"
            )
        elif info.get("dynamic"):
            out["problems"].append(
                f"{where}: {name} has the dynamic address {address} (SLAAC or DHCP); an IX port "
                "takes static addresses only (turn off DHCP or autoconfiguration on it)"
            )
    families = {ipaddress.ip_network(text).version for text in port["lans"]}
    for sysctl in port["sysctls"]:
        value = live.get(sysctl["path"], "missing")
        if value == "missing":
            if int(sysctl["path"].split("/")[1][-1]) in families:
                out["problems"].append(
                    f"{where}: /proc/sys/{sysctl['path']} is missing (is IPv"
                    f"{sysctl['path'].split('/')[1][-1]} disabled on {name}?)"
                )
        elif value != str(sysctl["value"]):
            out["sysctls"].append({"path": sysctl["path"], "value": sysctl["value"]})
    if "MULTICAST" in (link.get("flags") or []):
        out["multicast"].append(name)
    if read_only and any(s["path"].split("/")[3] == name for s in out["sysctls"]):
        out["problems"].append(
            f"{where}: {name} needs "
            + ", ".join(
                f"{s['path']}={s['value']}"
                for s in out["sysctls"]
                if s["path"].split("/")[3] == name
            )
            + " but /proc/sys/net is read-only here (a container?): give the host a writable "
            "/proc/sys/net (roles/bird2/README.md, IX ports) or set them where it is created"
        )
