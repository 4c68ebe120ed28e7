"""Cross-host rules of the backbone: router ids, site prefixes against the mesh, shared keys.

Pure functions: no Ansible imports, no I/O, no randomness, no global state.
Used by the ``hobbynet.infra.router_ids``, ``hobbynet.infra.site_prefix_conflicts`` and
``hobbynet.infra.private_key_conflicts`` filters.

They read the inventory variables of every host of a group from a mapping ``{host: {var:
value}}`` (``hostvars`` under Ansible), so their messages name the variables as the user
wrote them (``bird2_site_prefixes of r1``).  Results and messages follow the order of
``hosts``, never the order of a mapping.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._addr import address_text, first_ipv4, parse_address, site_interfaces
from ._values import describe as _describe

ROUTER_ID = "bird2_router_id"
SITE_PREFIXES = "bird2_site_prefixes"
ENDPOINT = "backbone_endpoint"
ANYCAST = "bird2_anycast_prefixes"
POOL = "wireguard_mesh_pool_v4"
PRIVATE_KEY = "wireguard_mesh_private_key"

ROUTER_ID_HINT = (
    "set bird2_router_id, or bird2_site_prefixes (first IPv4 address), "
    "or give the host a mesh tunnel (lowest /31 address)"
)

Interface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# [v6]:port, or host:port with a single colon (an IPv4 address or a name).
_BRACKETED = re.compile(r"\[([^\]]*)\](?::[0-9]+)?")
_HOST_PORT = re.compile(r"([^:]*):[0-9]+")


# --------------------------------------------------------------------------- #
# Reading the inventory
# --------------------------------------------------------------------------- #


def _check_hosts(hosts: Any, host_vars: Any) -> list[str]:
    if isinstance(hosts, (str, bytes)) or not isinstance(hosts, Sequence):
        raise TypeError(f"hosts must be a list of inventory hostnames, got {_describe(hosts)}")
    if not isinstance(host_vars, Mapping):
        raise TypeError(
            f"host_vars must be a mapping {{host: {{variable: value}}}} (hostvars), "
            f"got {_describe(host_vars)}"
        )
    result: list[str] = []
    for pos, host in enumerate(hosts):
        if not isinstance(host, str) or not host:
            raise TypeError(f"hosts[{pos}] must be a hostname (string), got {_describe(host)}")
        if host not in host_vars:
            raise ValueError(f"hosts[{pos}] {str(host)!r} has no variables in host_vars")
        result.append(str(host))
    if len(set(result)) != len(result):
        raise ValueError(f"hosts lists a host twice: {result}")
    return result


def _var(host_vars: Mapping[str, Any], host: str, name: str) -> Any:
    variables = host_vars[host]
    if not isinstance(variables, Mapping):
        raise TypeError(f"host_vars[{host!r}] must be a mapping, got {_describe(variables)}")
    return variables.get(name)


def endpoint_address(endpoint: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP literal of a tunnel endpoint, or None for a DNS name (or nothing usable).

    Accepts ``192.0.2.1``, ``2001:db8::1``, ``192.0.2.1:51820``, ``[2001:db8::1]`` and
    ``[2001:db8::1]:51820``; names (with or without a port) cannot be checked here.
    """
    if not isinstance(endpoint, str):
        return None
    text = str(endpoint).strip()
    bracketed = _BRACKETED.fullmatch(text)
    if bracketed:
        return parse_address(bracketed.group(1))
    address = parse_address(text)
    if address is not None:
        return address
    host_port = _HOST_PORT.fullmatch(text)
    if host_port:
        return parse_address(host_port.group(1))
    return None


# --------------------------------------------------------------------------- #
# Router ids
# --------------------------------------------------------------------------- #


def _lowest_tunnel_addresses(plan: Any) -> dict[str, int]:
    """{node: its lowest tunnel address as an integer} over a mesh_plan result."""
    if isinstance(plan, (str, bytes)) or not isinstance(plan, Sequence):
        raise TypeError(f"plan must be the list returned by mesh_plan, got {_describe(plan)}")
    lowest: dict[str, int] = {}
    for pos, link in enumerate(plan):
        try:
            nodes = list(link["nodes"])
            addresses = {node: link["address"][node] for node in nodes}
            values = {n: int(ipaddress.IPv4Interface(str(a)).ip) for n, a in addresses.items()}
        except (KeyError, TypeError, ValueError, ipaddress.AddressValueError):
            raise ValueError(
                f"plan[{pos}] is not a mesh_plan link (nodes and their IPv4 addresses), "
                f"got {_describe(link)}"
            ) from None
        for node, value in values.items():
            if node not in lowest or value < lowest[node]:
                lowest[node] = value
    return lowest


def router_ids(hosts: Any, host_vars: Any, plan: Any) -> dict[str, str]:
    """The BIRD router id of every host of ``hosts``, checked present, IPv4 and unique.

    Per host: ``bird2_router_id``, else the first IPv4 address of ``bird2_site_prefixes``,
    else the lowest of the host's tunnel addresses in ``plan`` (a mesh_plan result), in
    numeric order.  Every problem of every host is reported in one ValueError.
    """
    names = _check_hosts(hosts, host_vars)
    tunnels = _lowest_tunnel_addresses(plan)
    ids: dict[str, str] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []
    for host in names:
        explicit = _var(host_vars, host, ROUTER_ID)
        if explicit is not None:
            address = parse_address(explicit)
            if address is None or address.version != 4:
                problems.append(
                    f"router id of {host}: {ROUTER_ID} {_describe(explicit)} is not an IPv4 "
                    "address (a dotted quad such as 10.64.1.1)"
                )
                continue
            ids[host], sources[host] = address_text(address), ROUTER_ID
            continue
        site = first_ipv4(_var(host_vars, host, SITE_PREFIXES), f"{SITE_PREFIXES} of {host}")
        if site is not None:
            ids[host], sources[host] = site, f"{SITE_PREFIXES}, first IPv4 address"
        elif host in tunnels:
            ids[host] = address_text(ipaddress.IPv4Address(tunnels[host]))
            sources[host] = "lowest tunnel address"
        else:
            problems.append(f"router id of {host}: none; {ROUTER_ID_HINT}")
    users: dict[str, list[str]] = {}
    for host, rid in ids.items():
        users.setdefault(rid, []).append(host)
    for rid, owners in users.items():
        if len(owners) > 1:
            listed = [f"{h} ({sources[h]})" for h in owners]
            problems.append(
                f"router ids must be unique: {rid!r} is the router id of "
                f"{', '.join(listed[:-1])} and {listed[-1]}; {ROUTER_ID_HINT}"
            )
    if problems:
        raise ValueError("; ".join(problems))
    return ids


# --------------------------------------------------------------------------- #
# Site prefixes against the pool, the endpoints and each other
# --------------------------------------------------------------------------- #


def _shown(item: Any, interface: Interface) -> str:
    """How a prefix is shown in messages: as written, plus the network when that differs."""
    network = interface.network.with_prefixlen
    written = str(item)
    if written.lower() == network:
        return repr(written)
    return f"{written!r} (network {network})"


def _check_pool(pool_v4: Any) -> ipaddress.IPv4Network:
    if not isinstance(pool_v4, str):
        raise TypeError(
            f"{POOL} must be an IPv4 network in CIDR form such as '10.255.0.0/16', "
            f"got {_describe(pool_v4)}"
        )
    try:
        return ipaddress.IPv4Network(str(pool_v4), strict=True)
    except ValueError as exc:
        raise ValueError(f"{POOL} {str(pool_v4)!r} is not an IPv4 network ({exc})") from None


def site_prefix_conflicts(hosts: Any, host_vars: Any, pool_v4: Any) -> list[str]:
    """Messages for the site prefixes that clash with the mesh or with each other (empty: none).

    A site prefix (``bird2_site_prefixes`` of a host) must not overlap the WireGuard pool
    ``pool_v4`` (the tunnels' /31s), must not contain the IP address of any host's
    ``backbone_endpoint`` (the tunnels' underlay: routing it into the tunnels would carry
    a tunnel inside itself), must not overlap a site prefix of another host (IPv4 and
    IPv6; the same host may repeat a network), and must not overlap an anycast prefix
    (``bird2_anycast_prefixes``: every serving site announces it, so a site's own prefix
    inside it would be reached at whichever site is nearest).  Endpoints that are DNS names
    cannot be checked here; malformed anycast prefixes are the anycast_plan filter's to
    report.  Messages follow the order of ``hosts``.
    """
    names = _check_hosts(hosts, host_vars)
    pool = _check_pool(pool_v4)
    sites: list[tuple[str, Any, Interface]] = []
    for host in names:
        raw = _var(host_vars, host, SITE_PREFIXES)
        for item, interface in zip(
            raw or [], site_interfaces(raw, f"{SITE_PREFIXES} of {host}"), strict=True
        ):
            sites.append((host, item, interface))
    endpoints: list[tuple[str, Any, ipaddress.IPv4Address | ipaddress.IPv6Address]] = []
    for host in names:
        raw = _var(host_vars, host, ENDPOINT)
        address = endpoint_address(raw)
        if address is not None:
            endpoints.append((host, raw, address))

    problems: list[str] = []
    for host, item, interface in sites:
        network = interface.network
        where = f"{SITE_PREFIXES} of {host}: {_shown(item, interface)}"
        for anycast in _anycast_networks(_var(host_vars, host, ANYCAST)):
            if anycast.version == network.version and anycast.overlaps(network):
                problems.append(
                    f"{where} overlaps {anycast.with_prefixlen} of {ANYCAST}: every site serving"
                    " an anycast prefix announces it, so this site's own prefix would be reached"
                    " at whichever of them is nearest"
                )
        if network.version == 4 and network.overlaps(pool):
            problems.append(
                f"{where} overlaps the WireGuard pool {POOL} ({pool.with_prefixlen}), "
                "whose /31s are the tunnel addresses"
            )
        for other, raw, address in endpoints:
            if address in network:
                problems.append(
                    f"{where} contains {address_text(address)}, the {ENDPOINT} of {other} "
                    f"({str(raw)!r}): the tunnels' underlay would be routed into the tunnels"
                )
    problems.extend(_overlaps(sites))
    return problems


def _anycast_networks(raw: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The parsable networks of a host's bird2_anycast_prefixes (others are reported elsewhere)."""
    networks = []
    for item in raw if isinstance(raw, list) else []:
        try:
            networks.append(ipaddress.ip_network(str(item), strict=False))
        except ValueError:
            continue
    return networks


def _overlaps(sites: Sequence[tuple[str, Any, Interface]]) -> list[str]:
    """Overlapping networks of different hosts, by a sweep over the sorted networks."""
    order = {id(site): pos for pos, site in enumerate(sites)}
    ranked = sorted(
        sites,
        key=lambda s: (
            s[2].version,
            int(s[2].network.network_address),
            -int(s[2].network.broadcast_address),
            order[id(s)],
        ),
    )
    pairs: list[tuple[int, int]] = []
    open_sites: list[tuple[str, Any, Interface]] = []
    for site in ranked:
        network = site[2].network
        start = int(network.network_address)
        # Sorted by start, larger first: whatever still reaches `start` contains this network.
        open_sites = [
            s
            for s in open_sites
            if s[2].version == network.version and int(s[2].network.broadcast_address) >= start
        ]
        for earlier in open_sites:
            if earlier[0] != site[0]:
                a, b = sorted((order[id(earlier)], order[id(site)]))
                pairs.append((a, b))
        open_sites.append(site)
    problems = []
    for a, b in sorted(set(pairs)):
        host_a, item_a, if_a = sites[a]
        host_b, item_b, if_b = sites[b]
        problems.append(
            f"{SITE_PREFIXES} of {host_a} and of {host_b} overlap: {_shown(item_a, if_a)} and "
            f"{_shown(item_b, if_b)}; every site announces its own prefixes"
        )
    return problems


# --------------------------------------------------------------------------- #
# Explicit private keys
# --------------------------------------------------------------------------- #


def private_key_conflicts(hosts: Any, host_vars: Any) -> list[str]:
    """Messages naming the hosts whose explicit ``wireguard_mesh_private_key`` is the same.

    Hosts without an explicit key are ignored (their keys are derived per host).  The
    key itself never appears in a message.
    """
    names = _check_hosts(hosts, host_vars)
    holders: dict[str, list[str]] = {}
    for host in names:
        key = _var(host_vars, host, PRIVATE_KEY)
        if isinstance(key, str) and key:
            holders.setdefault(str(key).strip(), []).append(host)
    return [
        f"{PRIVATE_KEY} of {', '.join(group[:-1])} and {group[-1]} is the same key; every host "
        "needs its own (generate one per host with wg genkey, or leave it out to derive it "
        "from wireguard_mesh_secret)"
        for group in holders.values()
        if len(group) > 1
    ]
