"""Live OSPF costs of one backbone host: inputs checked and planned for roles/bird2.

Pure functions: no Ansible imports, no I/O. The inventory's costs (the RTT matrix, halved) are
where every link starts. With live costs on, a timer on the host measures each live tunnel's RTT
(ping to the peer's link-local), keeps a window of rounds, and changes a cost only when the
window's cost differs enough from the current one for long enough (the hysteresis rule, in
roles/bird2/files/hobbynet-ospf-cost, documented in the role's README). A link is live when
``bird2_ospf_live_costs`` is true, unless ``bird2_ospf_links.<peer>`` pins it (``cost``: that
cost; ``live: false``: the inventory's); ``live: true`` turns one link live on a host whose
default is off.

BIRD reads a live link's cost from a constant (``define hobbynet_ospf_cost_<peer id> = N;``) in
an include file the timer rewrites and applies with ``birdc configure``: a cost change reconfigures
the interface in place, no adjacency is reset.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ._cost import OSPF_COST_MAX, OSPF_COST_MIN
from ._values import describe as _describe

LIVE = "bird2_ospf_live_costs"
LINKS = "bird2_ospf_links"
SETTINGS = {
    "interval": "bird2_ospf_live_cost_interval",
    "pings": "bird2_ospf_live_cost_pings",
    "window": "bird2_ospf_live_cost_window",
    "hold": "bird2_ospf_live_cost_hold",
    "min_change": "bird2_ospf_live_cost_min_change",
    "min_change_percent": "bird2_ospf_live_cost_min_change_percent",
}
# The pings of one round are this far apart (ping -i; the smallest interval ping allows without
# privileges, and gentle on a tunnel), and the last one is waited for this long (ping -W).
PING_SPACING_S = 0.2
PING_WAIT_S = 1.0
STATE_DIR = "/var/lib/hobbynet-ospf-cost"
INCLUDE = f"{STATE_DIR}/costs.conf"


class LiveCostInputError(ValueError):
    """Every problem found in one host's live cost inputs."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def round_seconds(pings: int) -> float:
    """The longest a round of ``pings`` pings to every link (in parallel) can take."""
    return (pings - 1) * PING_SPACING_S + PING_WAIT_S


def check_settings(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The hysteresis settings, validated; problems name the variables.

    Refused as well as malformed values: settings under which a cost could never change (a
    minimum change larger than the whole cost range; a relative minimum of 100 % or more, which no
    lower cost can reach) and rounds that cannot fit in the interval.
    """
    problems: list[str] = []
    out: dict[str, Any] = {}
    for key, var in SETTINGS.items():
        value = values.get(var)
        ok = _number(value) if key in ("interval", "min_change_percent") else _integer(value)
        if not ok:
            kind = "a number" if key in ("interval", "min_change_percent") else "an integer"
            problems.append(f"{var} must be {kind}, got {_describe(value)}")
            continue
        out[key] = value
    if problems:
        return out, problems
    limits = {"pings": (1, 100), "window": (1, 1000), "hold": (1, 1000)}
    for key, (low, high) in limits.items():
        if not low <= out[key] <= high:
            problems.append(f"{SETTINGS[key]} must be {low}..{high}, got {out[key]}")
    span = OSPF_COST_MAX - OSPF_COST_MIN
    if out["min_change"] < 1:
        problems.append(
            f"{SETTINGS['min_change']} must be at least 1 (cost units), got {out['min_change']}:"
            " with 0 every jitter of the RTT would change a cost"
        )
    elif out["min_change"] > span:
        problems.append(
            f"{SETTINGS['min_change']} ({out['min_change']}) can never be reached: OSPF costs are"
            f" {OSPF_COST_MIN}..{OSPF_COST_MAX}, so no cost would ever change"
        )
    if out["min_change_percent"] < 0:
        problems.append(
            f"{SETTINGS['min_change_percent']} must be 0 or more, got {out['min_change_percent']}"
        )
    elif out["min_change_percent"] >= 100:
        problems.append(
            f"{SETTINGS['min_change_percent']} ({out['min_change_percent']}) must be below 100: a"
            " cost would have to fall by at least itself, so no cost could ever go down"
        )
    if out["interval"] <= 0:
        problems.append(f"{SETTINGS['interval']} must be > 0 seconds, got {out['interval']}")
    elif "pings" in out and 1 <= out["pings"] <= 100:
        needed = round_seconds(out["pings"])
        if out["interval"] < needed:
            problems.append(
                f"{SETTINGS['interval']} ({out['interval']} s) is shorter than a round of"
                f" {SETTINGS['pings']} ({out['pings']}) pings, {needed:g} s: rounds would never"
                " start on time"
            )
    return out, problems


def symbol(peer_id: int) -> str:
    """The BIRD constant holding the cost of the tunnel to the peer with this backbone id."""
    return f"hobbynet_ospf_cost_{peer_id}"


def live_cost_plan(host: str, host_vars: Mapping[str, Any]) -> dict[str, Any]:
    """Plan the live costs of ``host``.

    ``host_vars`` holds ``bird2_ospf_live_costs``, ``bird2_ospf_links``, the six
    ``bird2_ospf_live_cost_*`` settings and ``wireguard_mesh_tunnels`` (the host's tunnels, from
    the mesh plan: interface, peer, peer_id, peer_link_local, cost).

    Returns ``enabled`` (the host has a live link), ``links`` (every tunnel: interface, peer,
    peer_id, peer_link_local, cost (the starting or pinned cost), live, symbol (BIRD constant,
    live links only)), ``settings`` (the hysteresis settings), ``include`` (the file BIRD
    reads the live costs from) and ``config`` (``host_config``: what the timer reads). Raises
    LiveCostInputError with every problem.
    """
    problems: list[str] = []
    default = host_vars.get(LIVE)
    if not isinstance(default, bool):
        problems.append(f"{LIVE} of {host} must be true or false, got {_describe(default)}")
        default = False
    overrides = host_vars.get(LINKS)
    if not isinstance(overrides, Mapping):
        problems.append(f"{LINKS} of {host} must be a mapping of peer -> settings")
        overrides = {}
    tunnels = host_vars.get("wireguard_mesh_tunnels")
    if not isinstance(tunnels, list):
        raise LiveCostInputError(
            [
                f"wireguard_mesh_tunnels of {host} is missing:"
                " hobbynet.infra.wireguard_mesh must run first"
            ]
        )
    links: list[dict[str, Any]] = []
    for tunnel in tunnels:
        peer = tunnel["peer"]
        link = overrides.get(peer)
        link = link if isinstance(link, Mapping) else {}
        live_value = link.get("live", default)
        if not isinstance(live_value, bool):
            problems.append(
                f"{LINKS}.{peer}.live of {host} must be true or false, got {_describe(live_value)}"
            )
            live_value = False
        if "cost" in link and link.get("live") is True:
            problems.append(
                f"{LINKS}.{peer} of {host} sets both cost ({link['cost']}) and live: true; a cost"
                " pins the link, drop one of them"
            )
        live = live_value and "cost" not in link
        entry = {
            "interface": tunnel["interface"],
            "peer": peer,
            "peer_id": tunnel["peer_id"],
            "peer_link_local": tunnel["peer_link_local"],
            "cost": link["cost"] if "cost" in link else tunnel["cost"],
            "live": live,
        }
        if live:
            entry["symbol"] = symbol(tunnel["peer_id"])
        links.append(entry)
    enabled = any(link["live"] for link in links)
    settings: dict[str, Any] = {}
    if enabled:
        settings, setting_problems = check_settings(host_vars)
        problems.extend(f"{p} (live costs of {host})" for p in setting_problems)
    if problems:
        raise LiveCostInputError(problems)
    plan = {"enabled": enabled, "links": links, "settings": settings, "include": INCLUDE}
    plan["config"] = host_config(plan)
    return plan


def host_config(plan: Mapping[str, Any]) -> dict[str, Any]:
    """What the timer on the host reads (/etc/hobbynet/ospf-cost.json): the live links and the
    settings."""
    return {
        "include": plan["include"],
        "settings": dict(plan["settings"]),
        "links": [
            {
                "interface": link["interface"],
                "peer": link["peer"],
                "peer_link_local": link["peer_link_local"],
                "symbol": link["symbol"],
                "base": link["cost"],
            }
            for link in plan["links"]
            if link["live"]
        ],
    }
