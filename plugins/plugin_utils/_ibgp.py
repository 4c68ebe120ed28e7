"""iBGP between the BGP sites of one backbone, and the AS-wide cone they announce.

Pure functions: no Ansible imports, no I/O, no randomness, no global state.
Used by the ``hobbynet.infra.bgp_ibgp_mesh`` filter (roles/bird2/tasks/preflight.yml).

A site learns its downstreams' routes over eBGP; without iBGP only that site could announce them
to its transits and peers, and the downstream would lose the Internet with that site's transit.
Every pair of BGP sites (hosts of the group with ``bird2_asn``) gets one iBGP session per family
both have a site address of, between those addresses (on ``lo``, reachable over OSPF), carrying
the routes learnt from downstreams only (``next hop self``); and every BGP site's cone is the
whole AS's: the own prefixes and every downstream's prefixes, wherever the downstream connects.

Because the cone is the AS's, a prefix of one site (its own, or a downstream's) is announced at
every other site too, at their IXes included: it must not overlap the peering LAN of any BGP
site's IX (``bird2_ixes``). bgp_plan checks a site against its own IXes; this checks it against
the other sites'.

Reads the inventory variables (``hostvars``), not the per-host plans: ``--limit`` leaves other
hosts without facts, and the mesh must not change with the hosts a run targets. Malformed values
are skipped here; bgp_plan and site_prefixes report them, naming the variable.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._addr import parse_interface

ASN = "bird2_asn"
SITES = "bird2_site_prefixes"
OWN = "bird2_own_prefixes"
SESSIONS = "bird2_bgp_sessions"
SWITCH = "bird2_bgp_ibgp"
IXES = "bird2_ixes"


class IbgpInputError(ValueError):
    """Every problem found across the BGP sites, one message each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def _site_addresses(value: Any) -> dict[int, str]:
    """The first site address of each family (what goes on lo), canonical text."""
    out: dict[int, str] = {}
    for item in value if isinstance(value, list) else []:
        try:
            interface = parse_interface(item)
        except (TypeError, ValueError):
            continue
        out.setdefault(interface.version, str(interface.ip))
    return out


def _networks(value: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    out = []
    for item in value if isinstance(value, list) else []:
        try:
            out.append(ipaddress.ip_network(item, strict=True))
        except (TypeError, ValueError):
            continue
    return out


def _ix_lans(value: Any) -> list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    """``(ix name, peering LAN)`` of every well-formed IX of a host's ``bird2_ixes``."""
    out = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            continue
        for key in ("lan4", "lan6"):
            for lan in _networks([item.get(key)]):
                out.append((item["name"], lan))
    return out


def _cone_sources(
    host: str, values: Mapping[str, Any]
) -> list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    """``(where, prefix)`` for each prefix a host adds to the cone, ``where`` naming the variable
    as the inventory wrote it."""
    out = [(f"{OWN} of {host}:", net) for net in _networks(values.get(OWN))]
    for index, item in enumerate(values.get(SESSIONS) or []):
        if isinstance(item, Mapping) and item.get("kind") == "downstream":
            where = f"{SESSIONS}[{index}] ({item.get('name')}) of {host}: prefixes"
            out += [(where, net) for net in _networks(item.get("prefixes"))]
    return out


def _label(host: str) -> str:
    """A host's part of a BIRD protocol name: its first DNS label, letters, digits and _."""
    return re.sub(r"[^A-Za-z0-9_]", "_", host.split(".", 1)[0])[:24]


def ibgp_mesh(
    hosts: Sequence[str], host_vars: Mapping[str, Mapping[str, Any]], default_on: bool = True
) -> dict[str, dict[str, Any]]:
    """``{host: {ibgp: [session], cone4: [...], cone6: [...]}}`` for each BGP host of ``hosts``.

    A session: ``{name, family, peer, local_address, neighbor}``. ``default_on``: the role's
    default of ``bird2_bgp_ibgp`` (hostvars hold no role defaults); a host with it false takes
    part in no session. Raises IbgpInputError when the BGP hosts disagree on ``bird2_asn``, two
    peers would get one protocol name, or a prefix of one site's cone overlaps the peering LAN of
    another site's IX.
    """
    problems: list[str] = []
    bgp_hosts = [h for h in hosts if host_vars[h].get(ASN) is not None]
    asns = {h: host_vars[h].get(ASN) for h in bgp_hosts}
    if len(set(map(str, asns.values()))) > 1:
        problems.append(
            f"{ASN}: the BGP sites of one backbone are one AS, but they differ ("
            + ", ".join(f"{h}: {a}" for h, a in asns.items())
            + ")"
        )
    cone: dict[int, list[Any]] = {4: [], 6: []}
    sources = {host: _cone_sources(host, host_vars[host]) for host in bgp_hosts}
    for host in bgp_hosts:
        for _where, net in sources[host]:
            if net not in cone[net.version]:
                cone[net.version].append(net)
    # Against the other sites' IX LANs. A site's own IXes, and a prefix the other site lists
    # itself (own prefixes in group_vars), are bgp_plan's on that site: one message per problem.
    lans = {host: _ix_lans(host_vars[host].get(IXES)) for host in bgp_hosts}
    for host in bgp_hosts:
        for where, net in sources[host]:
            for other in bgp_hosts:
                if other == host or any(net == theirs for _where, theirs in sources[other]):
                    continue
                for ix, lan in lans[other]:
                    if lan.version == net.version and lan.overlaps(net):
                        problems.append(
                            f"{where} {net} overlaps the peering LAN of {ix} ({lan}) in {IXES} "
                            f"of {other}; the AS-wide cone would announce it at that IX"
                        )
    meshed = [
        h
        for h in bgp_hosts
        if host_vars[h].get(SWITCH, default_on) is True and _site_addresses(host_vars[h].get(SITES))
    ]
    out: dict[str, dict[str, Any]] = {}
    for host in bgp_hosts:
        own = {str(n) for n in _networks(host_vars[host].get(OWN))}
        out[host] = {
            "ibgp": [],
            # Own prefixes first (announced exactly), then the downstreams' (more specifics too).
            **{
                f"cone{family}": [str(n) for n in cone[family] if str(n) in own]
                + sorted(
                    (str(n) for n in cone[family] if str(n) not in own),
                    key=ipaddress.ip_network,
                )
                for family in (4, 6)
            },
        }
    for host in meshed:
        mine = _site_addresses(host_vars[host].get(SITES))
        ebgp = {
            item.get("name")
            for item in host_vars[host].get(SESSIONS) or []
            if isinstance(item, Mapping)
        }
        names: dict[str, str] = {}
        for peer in meshed:
            if peer == host:
                continue
            theirs = _site_addresses(host_vars[peer].get(SITES))
            for family in (4, 6):
                if family not in mine or family not in theirs:
                    continue
                name = f"ibgp{family}_{_label(peer)}"
                if name in names or name in ebgp:
                    problems.append(
                        f"{SESSIONS} of {host}: the iBGP session to {peer} would be named {name}, "
                        f"like the one to {names.get(name) or 'the eBGP session of that name'}; "
                        "rename the session (or the host)"
                    )
                    continue
                names[name] = peer
                out[host]["ibgp"].append(
                    {
                        "name": name,
                        "family": family,
                        "peer": peer,
                        "local_address": mine[family],
                        "neighbor": theirs[family],
                    }
                )
    if problems:
        raise IbgpInputError(problems)
    return out
