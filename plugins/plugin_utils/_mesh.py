"""The WireGuard mesh plan: /31 transfer nets, link-local addresses, ports, interface names.

Pure functions: no Ansible imports, no I/O, no randomness, no global state.
Used by the ``hobbynet.infra.mesh_plan`` and ``hobbynet.infra.mesh_peers`` filters.

Stability contract: everything about a link (its index and so its /31, its
link-local addresses, its listen ports and its interface names) depends only on
the two node ids (and, for interface names, the two node names).  It never
depends on list order or on which other nodes or links exist, so adding or
removing nodes, or switching between the full mesh and chosen links, leaves every
surviving link exactly as it was.  The cost of a link depends only on the
measured RTT between its two ends, or their locations, or the default cost.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._cost import (
    DEFAULT_STRETCH,
    OSPF_COST_MAX,
    OSPF_COST_MIN,
    check_location,
    check_number,
    check_stretch,
    ospf_cost,
    rtt_from_coordinates,
)
from ._values import describe as _describe

DEFAULT_PORT_BASE = 51820
DEFAULT_COST = 10
PORT_MAX = 65535
IFNAMSIZ = 16  # Linux: names are at most IFNAMSIZ - 1 = 15 bytes
LINK_LOCAL_PREFIXLEN = 64
# Each id is one 16-bit group of the link-local interface identifier.
LINK_LOCAL_ID_MAX = 0xFFFF

NODE_KEYS = frozenset({"name", "id", "endpoint", "location"})
# What error messages call the arguments and node keys: mesh_plan's own names by default; a
# caller (a role) maps them to the inventory variables its users write (see ``check_names``).
NAME_KEYS = (
    "nodes",
    "node",
    "id",
    "endpoint",
    "location",
    "pool_v4",
    "links",
    "rtt_ms",
    "port_base",
    "default_cost",
)
DEFAULT_NAMES: Mapping[str, str] = {key: key for key in NAME_KEYS}
# Characters allowed in interface names made here: what the kernel, wg-quick and
# systemd-networkd all accept, minus '.', which sysctl uses as a separator
# (net.ipv4.conf.<ifname>.forwarding) and which reads like a VLAN (eth0.100).
_READABLE_PEER = re.compile(r"[A-Za-z0-9_-]+")
_FALLBACK_DROP = re.compile(r"[^A-Za-z0-9_-]")
_HOSTNAME_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?")


# --------------------------------------------------------------------------- #
# The per-link schemes: each depends only on the two ids (and names).
# --------------------------------------------------------------------------- #


def link_index(id_a: int, id_b: int) -> int:
    """0-based index of the link between two distinct node ids (unordered pairing).

    For ``lo < hi``: ``index = (hi - 1) * (hi - 2) / 2 + (lo - 1)``.  The indexes of
    all links among ids ``1..N`` are exactly ``0 .. N*(N-1)/2 - 1`` (dense), and the
    index of a link does not depend on any other node.
    """
    lo, hi = (id_a, id_b) if id_a < id_b else (id_b, id_a)
    if lo < 1 or lo == hi:
        raise ValueError(f"link_index needs two distinct ids >= 1, got {id_a!r} and {id_b!r}")
    return (hi - 1) * (hi - 2) // 2 + (lo - 1)


def max_id_for_links(capacity: int) -> int:
    """Largest node id N such that every link among ids 1..N fits ``capacity`` indexes."""
    # Need N*(N-1)/2 <= capacity.
    n = (1 + math.isqrt(1 + 8 * capacity)) // 2
    while n * (n - 1) // 2 > capacity:
        n -= 1
    while (n + 1) * n // 2 <= capacity:
        n += 1
    return n


def link_local(lo_id: int, hi_id: int, lower_end: bool) -> str:
    """Link-local address (no prefix length) of one end of the link ``lo_id``-``hi_id``.

    ``fe80::<lo>:<hi>:<end>`` with the ids as hexadecimal 16-bit groups and
    ``end`` = 1 on the lower-id end, 2 on the higher-id end.  This is already the
    canonical (RFC 5952) text form because the three last groups are never 0.
    """
    return f"fe80::{lo_id:x}:{hi_id:x}:{1 if lower_end else 2}"


def interface_name(peer_name: str, peer_id: int) -> str:
    """Name of the tunnel interface towards ``peer_name`` (on any node).

    ``wg_<peer>`` when that is at most 15 characters and the peer name only uses
    ``[A-Za-z0-9_-]``; otherwise ``wg-<peer id>-<rest>`` cut to 15 characters, where
    ``<rest>`` is the peer name up to its first ``.`` without any other character
    outside ``[A-Za-z0-9_-]`` (``wg-<peer id>`` when nothing is left).

    Names are unique on a node: readable names differ because peer names differ;
    fallback names differ because the digits after ``wg-`` (up to the next ``-`` or
    the end) are the peer id, and ids are unique; and a readable name (third
    character ``_``) never equals a fallback name (third character ``-``).
    """
    readable = f"wg_{peer_name}"
    if len(readable) < IFNAMSIZ and _READABLE_PEER.fullmatch(peer_name):
        return readable
    prefix = f"wg-{peer_id}"
    rest = _FALLBACK_DROP.sub("", peer_name.split(".", 1)[0])
    room = IFNAMSIZ - 1 - len(prefix) - 1
    if rest and room > 0:
        return f"{prefix}-{rest[:room]}"
    return prefix


def format_endpoint(host: str, port: int) -> str:
    """``host:port``, with IPv6 literals bracketed as WireGuard expects."""
    if ":" in host:
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def _ipv4_text(value: int) -> str:
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


# --------------------------------------------------------------------------- #
# Input validation
# --------------------------------------------------------------------------- #


def check_names(names: Any) -> dict[str, str]:
    """The names used in messages: ``DEFAULT_NAMES`` updated with ``names`` (None: none).

    ``names`` maps keys of ``NAME_KEYS`` to non-empty strings, e.g. ``{"pool_v4":
    "wireguard_mesh_pool_v4", "node": "host", "id": "backbone_id"}``; a node's field is
    then shown as ``<id name> of <node name> '<name>'`` (``backbone_id of host 'r1'``).
    """
    result = dict(DEFAULT_NAMES)
    if names is None:
        return result
    if not isinstance(names, Mapping):
        raise TypeError(
            f"names must be a mapping {{argument: name in messages}}, got {_describe(names)}"
        )
    for key in sorted(names, key=str):
        if key not in DEFAULT_NAMES:
            raise ValueError(f"names has unknown key {key!r}; known keys are {list(NAME_KEYS)}")
        value = names[key]
        if not isinstance(value, str) or not value:
            raise TypeError(f"names[{key!r}] must be a non-empty string, got {_describe(value)}")
        result[str(key)] = str(value)
    return result


def _of(names: Mapping[str, str], field: str, node: str) -> str:
    """How a node's field is called in messages: ``id of node 'a'``."""
    return f"{names[field]} of {names['node']} {node!r}"


def _check_int(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an integer, got {_describe(value)}")
    if not low <= value <= high:
        raise ValueError(f"{what} must be between {low} and {high}, got {value}")
    return int(value)


def _check_endpoint(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(
            f"{what} must be an IP address or DNS name (string) or null, got {_describe(value)}"
        )
    text = str(value)
    if not text:
        raise ValueError(f"{what} is an empty string; leave it out or set it to null instead")
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text).compressed
        except ValueError:
            raise ValueError(
                f"{what} {text!r} is not an IPv4/IPv6 address or DNS name; give the host only, "
                "without brackets or port (the port is planned per link)"
            ) from None
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        pass
    host = text.removesuffix(".")
    labels = host.split(".")
    if (
        len(host) > 253
        or not all(len(label) <= 63 and _HOSTNAME_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError(
            f"{what} {text!r} is not an IPv4/IPv6 address or DNS name; give the host only, "
            "without port (the port is planned per link)"
        )
    return text


class _Node:
    __slots__ = ("endpoint", "id", "location", "name")

    def __init__(
        self, name: str, node_id: int, endpoint: str | None, location: tuple[float, float] | None
    ) -> None:
        self.name = name
        self.id = node_id
        self.endpoint = endpoint
        self.location = location


def _check_nodes(nodes: Any, n: Mapping[str, str] = DEFAULT_NAMES) -> list[_Node]:
    if isinstance(nodes, (str, bytes)) or not isinstance(nodes, Sequence):
        raise TypeError(
            f"{n['nodes']} must be a list of node mappings {{name, id, endpoint?, location?}}, "
            f"got {_describe(nodes)}"
        )
    if len(nodes) < 2:
        raise ValueError(
            f"{n['nodes']} must list at least 2 {n['node']}s to make a mesh, got {len(nodes)}"
        )
    result: list[_Node] = []
    by_name: dict[str, _Node] = {}
    by_id: dict[int, _Node] = {}
    for pos, raw in enumerate(nodes):
        where = f"nodes[{pos}]"
        if not isinstance(raw, Mapping):
            raise TypeError(
                f"{where} must be a mapping {{name, id, endpoint?, location?}}, "
                f"got {_describe(raw)}"
            )
        unknown = sorted(str(k) for k in raw if k not in NODE_KEYS)
        if unknown:
            raise ValueError(
                f"{where} has unknown keys {unknown}; allowed keys are {sorted(NODE_KEYS)}"
            )
        if "name" not in raw:
            raise ValueError(f"{where} has no 'name' (the inventory hostname)")
        name = raw["name"]
        if not isinstance(name, str) or not name:
            raise TypeError(f"{where}.name must be a non-empty string, got {_describe(name)}")
        name = str(name)
        where_id = _of(n, "id", name)
        if "id" not in raw:
            raise ValueError(f"{where_id} is missing; it must be a unique integer >= 1")
        node_id = raw["id"]
        if isinstance(node_id, bool) or not isinstance(node_id, int):
            raise TypeError(f"{where_id} must be an integer >= 1, got {_describe(node_id)}")
        if node_id < 1:
            raise ValueError(f"{where_id} must be an integer >= 1, got {node_id}")
        node_id = int(node_id)
        endpoint = _check_endpoint(raw.get("endpoint"), _of(n, "endpoint", name))
        location_raw = raw.get("location")
        location = (
            None if location_raw is None else check_location(location_raw, _of(n, "location", name))
        )
        if name in by_name:
            raise ValueError(
                f"duplicate {n['node']} name {name!r} ({n['id']}s {by_name[name].id} and {node_id})"
            )
        if node_id in by_id:
            raise ValueError(
                f"duplicate {n['id']} {node_id} ({n['node']}s {by_id[node_id].name!r} and "
                f"{name!r}); {n['id']}s must be unique"
            )
        node = _Node(name, node_id, endpoint, location)
        by_name[name] = node
        by_id[node_id] = node
        result.append(node)
    result.sort(key=lambda n: n.id)
    return result


def _check_links(
    links: Any, by_name: Mapping[str, _Node], n: Mapping[str, str] = DEFAULT_NAMES
) -> list[tuple[_Node, _Node]]:
    """Validated links as (lower-id node, higher-id node) pairs, sorted by (lo id, hi id)."""
    if isinstance(links, (str, bytes)) or not isinstance(links, Sequence):
        raise TypeError(
            f"{n['links']} must be a list of [name, name] pairs (or omitted for the full mesh), "
            f"got {_describe(links)}"
        )
    seen: dict[tuple[int, int], int] = {}
    pairs: list[tuple[_Node, _Node]] = []
    for pos, raw in enumerate(links):
        where = f"{n['links']}[{pos}]"
        if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence) or len(raw) != 2:
            raise TypeError(f"{where} must be a pair [name, name], got {_describe(raw)}")
        ends = []
        for name in raw:
            if not isinstance(name, str):
                raise TypeError(f"{where} must name {n['node']}s by string, got {_describe(name)}")
            node = by_name.get(name)
            if node is None:
                raise ValueError(
                    f"{where} names unknown {n['node']} {str(name)!r}; known: {_names(by_name)}"
                )
            ends.append(node)
        a, b = ends
        if a is b:
            raise ValueError(f"{where} links {n['node']} {a.name!r} to itself")
        lo, hi = (a, b) if a.id < b.id else (b, a)
        key = (lo.id, hi.id)
        if key in seen:
            raise ValueError(
                f"{where} [{a.name!r}, {b.name!r}] duplicates {n['links']}[{seen[key]}] "
                "(links are unordered pairs)"
            )
        seen[key] = pos
        pairs.append((lo, hi))
    pairs.sort(key=lambda p: (p[0].id, p[1].id))
    return pairs


def _names(by_name: Mapping[str, Any], limit: int = 10) -> str:
    names = sorted(by_name)
    shown = ", ".join(repr(n) for n in names[:limit])
    if len(names) > limit:
        shown += f", ... ({len(names)} nodes)"
    return f"[{shown}]"


def _check_rtt(
    rtt_ms: Any, by_name: Mapping[str, _Node], n: Mapping[str, str] = DEFAULT_NAMES
) -> dict[tuple[int, int], float]:
    """RTT per (lo id, hi id); when both directions are given their mean is used."""
    rtt = n["rtt_ms"]
    if not isinstance(rtt_ms, Mapping):
        raise TypeError(
            f"{rtt} must be a mapping {{node: {{node: milliseconds}}}} (or omitted), "
            f"got {_describe(rtt_ms)}"
        )
    samples: dict[tuple[int, int], list[float]] = {}
    for a_name in sorted(rtt_ms, key=str):
        row = rtt_ms[a_name]
        a = by_name.get(a_name) if isinstance(a_name, str) else None
        if a is None:
            raise ValueError(
                f"{rtt} names unknown {n['node']} {a_name!r}; known: {_names(by_name)}"
            )
        if not isinstance(row, Mapping):
            raise TypeError(
                f"{rtt}[{a_name!r}] must be a mapping {{node: milliseconds}}, got {_describe(row)}"
            )
        for b_name in sorted(row, key=str):
            b = by_name.get(b_name) if isinstance(b_name, str) else None
            if b is None:
                raise ValueError(
                    f"{rtt}[{a_name!r}] names unknown {n['node']} {b_name!r}; "
                    f"known: {_names(by_name)}"
                )
            if a is b:
                raise ValueError(
                    f"{rtt}[{a_name!r}][{b_name!r}] is an RTT from a {n['node']} to itself"
                )
            value = check_number(row[b_name], f"{rtt}[{a_name!r}][{b_name!r}]")
            if value < 0:
                raise ValueError(f"{rtt}[{a_name!r}][{b_name!r}] must be >= 0 ms, got {value!r}")
            key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
            samples.setdefault(key, []).append(value)
    # Mean of the given directions, summed in a fixed order (sorted) for determinism.
    return {key: math.fsum(sorted(vals)) / len(vals) for key, vals in samples.items()}


# --------------------------------------------------------------------------- #
# mesh_plan / mesh_peers
# --------------------------------------------------------------------------- #


def mesh_plan(
    nodes: Any,
    pool_v4: Any,
    links: Any = None,
    rtt_ms: Any = None,
    port_base: Any = DEFAULT_PORT_BASE,
    default_cost: Any = DEFAULT_COST,
    stretch: Any = DEFAULT_STRETCH,
    names: Any = None,
) -> list[dict[str, Any]]:
    """Plan the tunnels of a WireGuard mesh.  See ``docs/filters.md`` for the contract.

    ``names`` only changes error messages (see ``check_names``).

    Returns one dict per link, sorted by (lower id, higher id)::

        {"index": 0, "nodes": ["a", "b"], "ids": [1, 2], "network": "10.0.0.0/31",
         "address": {"a": "10.0.0.0/31", "b": "10.0.0.1/31"},
         "link_local": {"a": "fe80::1:2:1/64", "b": "fe80::1:2:2/64"},
         "listen_port": {"a": 51822, "b": 51821},
         "interface": {"a": "wg_b", "b": "wg_a"},
         "endpoint": {"a": "a.example.net", "b": None},
         "cost": 10, "cost_source": "default"}
    """
    n = check_names(names)
    node_list = _check_nodes(nodes, n)
    by_name = {node.name: node for node in node_list}

    if not isinstance(pool_v4, str):
        raise TypeError(
            f"{n['pool_v4']} must be an IPv4 network in CIDR form such as '10.255.0.0/16', "
            f"got {_describe(pool_v4)}"
        )
    try:
        pool = ipaddress.IPv4Network(str(pool_v4), strict=True)
    except ValueError as exc:
        raise ValueError(
            f"{n['pool_v4']} {str(pool_v4)!r} is not an IPv4 network in CIDR form such as "
            f"'10.255.0.0/16' ({exc})"
        ) from None
    capacity = pool.num_addresses // 2  # number of /31s
    if capacity < 1:
        raise ValueError(f"{n['pool_v4']} {pool.with_prefixlen!r} is too small: it holds no /31")

    port_base = _check_int(port_base, n["port_base"], 1, PORT_MAX)
    default_cost = _check_int(default_cost, n["default_cost"], OSPF_COST_MIN, OSPF_COST_MAX)
    stretch = check_stretch(stretch)

    if links is None:
        pairs = [(lo, hi) for i, lo in enumerate(node_list) for hi in node_list[i + 1 :]]
    else:
        pairs = _check_links(links, by_name, n)

    linked: set[int] = set()
    for lo, hi in pairs:
        linked.add(lo.id)
        linked.add(hi.id)
    lonely = [node.name for node in node_list if node.id not in linked]
    if lonely:
        raise ValueError(
            f"{n['node']}(s) {lonely} are in no link of {n['links']}; add links for them or "
            f"remove them from {n['nodes']}"
        )

    rtt = {} if rtt_ms is None else _check_rtt(rtt_ms, by_name, n)

    max_id = node_list[-1].id  # every node is in a link, so this id is used
    if port_base + max_id > PORT_MAX:
        worst = node_list[-1]
        raise ValueError(
            f"{n['port_base']} {port_base} + {_of(n, 'id', worst.name)} ({max_id}) = "
            f"{port_base + max_id} exceeds {PORT_MAX}; lower {n['port_base']} to at most "
            f"{PORT_MAX - max_id} or use smaller {n['id']}s"
        )
    if max_id > LINK_LOCAL_ID_MAX:  # unreachable while ports are checked; kept as a guard
        raise ValueError(f"{n['id']} {max_id} exceeds {LINK_LOCAL_ID_MAX}")

    # The largest index is on a link whose higher id is the largest higher id.
    worst_lo, worst_hi = max(pairs, key=lambda p: link_index(p[0].id, p[1].id))
    worst_index = link_index(worst_lo.id, worst_hi.id)
    if worst_index >= capacity:
        raise ValueError(
            f"{n['pool_v4']} {pool.with_prefixlen!r} is too small: it holds {capacity} /31 "
            f"links (indexes 0..{capacity - 1}), enough for {n['id']}s up to "
            f"{max_id_for_links(capacity)}, but link {worst_lo.name!r}-{worst_hi.name!r} "
            f"({n['id']}s {worst_lo.id} and {worst_hi.id}) has index {worst_index}; "
            f"use a larger pool or smaller {n['id']}s"
        )

    base = int(pool.network_address)
    interfaces: dict[int, str] = {}
    result: list[dict[str, Any]] = []
    for lo, hi in pairs:
        lo_id, hi_id = lo.id, hi.id
        index = link_index(lo_id, hi_id)
        even = base + 2 * index
        net = _ipv4_text(even)
        key = (lo_id, hi_id)
        if key in rtt:
            cost = ospf_cost(rtt[key])
            source = "rtt"
        elif lo.location is not None and hi.location is not None:
            cost = ospf_cost(rtt_from_coordinates(lo.location, hi.location, stretch))
            source = "geo"
        else:
            cost = default_cost
            source = "default"
        if_lo = interfaces.get(hi_id)
        if if_lo is None:
            if_lo = interfaces[hi_id] = interface_name(hi.name, hi_id)
        if_hi = interfaces.get(lo_id)
        if if_hi is None:
            if_hi = interfaces[lo_id] = interface_name(lo.name, lo_id)
        a, b = lo.name, hi.name
        result.append(
            {
                "index": index,
                "nodes": [a, b],
                "ids": [lo_id, hi_id],
                "network": f"{net}/31",
                "address": {a: f"{net}/31", b: f"{_ipv4_text(even + 1)}/31"},
                "link_local": {
                    a: f"{link_local(lo_id, hi_id, True)}/{LINK_LOCAL_PREFIXLEN}",
                    b: f"{link_local(lo_id, hi_id, False)}/{LINK_LOCAL_PREFIXLEN}",
                },
                "listen_port": {a: port_base + hi_id, b: port_base + lo_id},
                "interface": {a: if_lo, b: if_hi},
                "endpoint": {a: lo.endpoint, b: hi.endpoint},
                "cost": cost,
                "cost_source": source,
            }
        )
    return result


_LINK_KEYS = (
    "index",
    "nodes",
    "ids",
    "address",
    "link_local",
    "listen_port",
    "interface",
    "endpoint",
    "cost",
)


def mesh_peers(plan: Any, node: Any) -> list[dict[str, Any]]:
    """The tunnels of ``node`` in ``plan`` (a ``mesh_plan`` result) as flat dicts.

    Sorted by peer id.  Keys:
    ``interface``, ``address`` (own, CIDR), ``network``, ``peer``, ``peer_id``,
    ``peer_address`` (bare), ``link_local`` (own, CIDR /64), ``peer_link_local``
    (bare, usable as a neighbor address), ``listen_port`` (own), ``peer_listen_port``,
    ``peer_endpoint`` (``host:port`` or None), ``cost``, ``index``.
    """
    if isinstance(plan, (str, bytes)) or not isinstance(plan, Sequence):
        raise TypeError(f"plan must be the list returned by mesh_plan, got {_describe(plan)}")
    if not isinstance(node, str) or not node:
        raise TypeError(f"node must be a node name (non-empty string), got {_describe(node)}")
    node = str(node)
    tunnels: list[tuple[tuple[int, str], dict[str, Any]]] = []
    known: dict[str, None] = {}
    # Under Ansible every element access of the (lazy) plan costs microseconds, so links
    # of other nodes are only unpacked once; the links of ``node`` are checked in full.
    for pos, link in enumerate(plan):
        try:
            first, second = link["nodes"]
        except (KeyError, TypeError, ValueError):
            raise ValueError(
                f"plan[{pos}] is not a mesh_plan link (a mapping with keys "
                f"{list(_LINK_KEYS)} whose nodes is a pair of names), got {_describe(link)}"
            ) from None
        known[first] = None
        known[second] = None
        if node != first and node != second:
            continue
        if not isinstance(link, Mapping) or any(k not in link for k in _LINK_KEYS):
            raise ValueError(
                f"plan[{pos}] is not a mesh_plan link (a mapping with keys "
                f"{list(_LINK_KEYS)}), got {_describe(link)}"
            )
        ends = (first, second)
        side = 0 if ends[0] == node else 1
        peer = ends[1 - side]
        try:
            peer_id = link["ids"][1 - side]
            peer_endpoint = link["endpoint"][peer]
            peer_port = link["listen_port"][peer]
            tunnel = {
                "interface": link["interface"][node],
                "address": link["address"][node],
                "network": link.get("network"),
                "peer": peer,
                "peer_id": peer_id,
                "peer_address": link["address"][peer].split("/")[0],
                "link_local": link["link_local"][node],
                "peer_link_local": link["link_local"][peer].split("/")[0],
                "listen_port": link["listen_port"][node],
                "peer_listen_port": peer_port,
                "peer_endpoint": (
                    None if peer_endpoint is None else format_endpoint(peer_endpoint, peer_port)
                ),
                "cost": link["cost"],
                "index": link["index"],
            }
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise ValueError(
                f"plan[{pos}] is not a well-formed mesh_plan link for {node!r} "
                f"(missing or bad {exc})"
            ) from None
        if isinstance(peer_id, bool) or not isinstance(peer_id, int):
            raise TypeError(
                f"plan[{pos}].ids must be a pair of integer ids, got {_describe(link['ids'])}"
            )
        tunnels.append(((peer_id, str(peer)), tunnel))
    if node not in known:
        raise ValueError(f"node {node!r} is not in the plan; nodes in the plan: {_names(known)}")
    tunnels.sort(key=lambda t: t[0])
    return [tunnel for _key, tunnel in tunnels]
