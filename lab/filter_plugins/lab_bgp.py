"""Lab helpers for the BGP neighbours (lab code, not shipped in the collection)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _addresses(hv: Mapping[str, Any]) -> set[str]:
    return {str(i.get(k)) for i in hv.get("lab_interfaces", []) for k in ("ipv4", "ipv6")}


def _senders(address: str, host_vars: Mapping[str, Any], neighbours: list[str]) -> list[str]:
    """The lab neighbours whose routes arrive on our session to ``address``.

    The neighbour that owns the address; if it is a route server, also the other lab neighbours
    it has sessions with (its clients: their routes pass through it unchanged). A neighbour's
    sessions are named after the inventory host at the other end.
    """
    out = []
    for name in neighbours:
        hv = host_vars[name]
        if address not in _addresses(hv):
            continue
        out.append(name)
        lab_bgp = hv.get("lab_bgp", {})
        if lab_bgp.get("route_server"):
            clients = {str(s["name"]) for s in lab_bgp.get("sessions", [])}
            out += [other for other in neighbours if other != name and other in clients]
    return out


def lab_bad_routes(
    sessions: Any, host_vars: Mapping[str, Any], neighbours: list[str]
) -> list[dict]:
    """The routes our filters must drop, per session of one of our hosts.

    For each of ``sessions`` (bird2_bgp_sessions), every route marked ``bad`` in the
    ``lab_bgp.announce`` of the lab neighbours that send on that session (the neighbour, and a
    route server's clients) of the session's family: ``[{session, neighbor, prefix, why}]``.
    """
    out = []
    for session in sessions or []:
        address = str(session["neighbor"])
        family6 = ":" in address
        for name in _senders(address, host_vars, neighbours):
            for route in host_vars[name].get("lab_bgp", {}).get("announce", []):
                if "bad" in route and (":" in route["prefix"]) == family6:
                    out.append(
                        {
                            "session": session["name"],
                            "neighbor": address,
                            "prefix": route["prefix"],
                            "why": route["bad"],
                        }
                    )
    return out


def lab_good_routes(
    sessions: Any, host_vars: Mapping[str, Any], neighbours: list[str], host: str
) -> list[dict]:
    """The routes one of our hosts must accept, per session: ``[{session, kind, prefix}]``.

    From the ``accepted`` lists of the sessions of the lab neighbour at the other end of ours that
    are named after ``host`` (``r1``, ``r1v6``), the prefixes of our session's family. (Their
    sessions' addresses are not read: they are templates of other hosts' variables.)
    """
    out = []
    for session in sessions or []:
        family6 = ":" in str(session["neighbor"])
        for name in neighbours:
            hv = host_vars[name]
            if str(session["neighbor"]) not in _addresses(hv):
                continue
            for theirs in hv.get("lab_bgp", {}).get("sessions", []):
                if str(theirs.get("name")) not in (host, host + "v6"):
                    continue
                out += [
                    {"session": session["name"], "kind": session["kind"], "prefix": p}
                    for p in theirs.get("accepted", [])
                    if (":" in p) == family6
                ]
    return out


def lab_transit_loopbacks(neighbours: list[str], host_vars: Mapping[str, Any]) -> list[str]:
    """The IPv4 addresses on lo of the lab neighbours that sell transit (``lab_bgp.transit``)."""
    out = []
    for name in neighbours:
        lab_bgp = host_vars[name].get("lab_bgp", {})
        if lab_bgp.get("transit"):
            out += [
                str(a).split("/", maxsplit=1)[0]
                for a in lab_bgp.get("loopbacks", [])
                if ":" not in str(a)
            ]
    return out


def _since_seconds(text: str) -> float | None:
    """BIRD's "since" of today (HH:MM:SS.mmm) in seconds; None for other forms (a date)."""
    parts = text.split(":")
    if len(parts) != 3:
        return None
    try:
        return int(parts[0]) * 3600 + int(parts[1]) * 60 + float(parts[2])
    except ValueError:
        return None


def lab_protocols_changed(after: list[str], before: list[str], slack: float = 1.0) -> list[str]:
    """Protocols ("name state since", tasks/protocols.yml) that restarted or changed state.

    BIRD shows "since" by converting its monotonic clock to wall time, so an untouched protocol
    can move by a millisecond between two reads: a since within ``slack`` seconds is the same.
    A restart during the test moves it by the seconds the converge took.
    """
    old = {line.split()[0]: line.split()[1:] for line in before}
    out = []
    for line in after:
        name, *now = line.split()
        was = old.pop(name, None)
        if was is None:
            out.append(f"{name}: new ({' '.join(now)})")
            continue
        a, b = _since_seconds(was[-1]), _since_seconds(now[-1])
        same_since = was[-1] == now[-1] or (a is not None and b is not None and abs(a - b) <= slack)
        if was[:-1] != now[:-1] or not same_since:
            out.append(f"{name}: {' '.join(was)} -> {' '.join(now)}")
    out += [f"{name}: gone" for name in old]
    return out


class FilterModule:
    """Lab BGP helpers."""

    def filters(self) -> dict[str, Any]:
        return {
            "lab_bad_routes": lab_bad_routes,
            "lab_good_routes": lab_good_routes,
            "lab_transit_loopbacks": lab_transit_loopbacks,
            "lab_protocols_changed": lab_protocols_changed,
        }
