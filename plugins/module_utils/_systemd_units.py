# Copyright: hobbynet contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading `systemctl show` and planning what a set of units needs: pure functions, unit-tested.

Used by hobbynet.infra.systemd_units and hobbynet.infra.wg_quick_tunnels, which make one
`systemctl` call per kind of action for a whole set of units (systemd runs the jobs of one call in
parallel) instead of one call per unit.
"""

from __future__ import annotations

PROPERTIES = ("Id", "LoadState", "ActiveState", "UnitFileState")

# What `systemctl is-enabled` answers with exit code 0: the unit starts at boot (or is pulled in
# by another unit), so `enabled: true` has nothing to do.
ENABLED_STATES = ("enabled", "enabled-runtime", "static", "alias", "generated", "indirect")
RUNNING_STATES = ("active", "activating", "reloading")
STATES = ("started", "stopped", "restarted", "reloaded")


def parse_systemctl_show(text):
    """Parse `systemctl show -p Id -p ActiveState -p UnitFileState u1 u2 ...` into {Id: {k: v}}.

    systemctl separates units with an empty line and prints the properties in a fixed order, but
    only Id is relied on to name each block.
    """
    units = {}
    block = {}
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if block.get("Id"):
                units[block["Id"]] = block
            block = {}
            continue
        key, _sep, value = line.partition("=")
        block[key] = value
    return units


def plan_units(wanted, shown):
    """What to do to each unit: {"enable": [...], "disable": [...], "start": [...], ...}.

    wanted: list of dict(name, enabled=True|False|None, state=one of STATES or None).
    shown: the parse of `systemctl show` for those units (a unit systemd does not know is missing
    or has LoadState=not-found).
    Returns (actions, missing): actions maps each of enable, disable, stop, start, restart, reload
    to the list of units in the order given; missing lists units systemd has no file for that
    something is asked of (stopping or disabling a missing unit has nothing to do).
    """
    actions = {k: [] for k in ("enable", "disable", "stop", "start", "restart", "reload")}
    missing = []
    for unit in wanted:
        name = unit["name"]
        state = unit.get("state")
        if state is not None and state not in STATES:
            raise ValueError(f"unit {name}: state {state!r} is not one of {', '.join(STATES)}")
        info = shown.get(name, {})
        loaded = info.get("LoadState", "not-found") != "not-found"
        running = info.get("ActiveState") in RUNNING_STATES
        enabled = info.get("UnitFileState") in ENABLED_STATES
        if not loaded:
            if unit.get("enabled") or state in ("started", "restarted", "reloaded"):
                missing.append(name)
            continue
        if unit.get("enabled") is True and not enabled:
            actions["enable"].append(name)
        elif unit.get("enabled") is False and info.get("UnitFileState") in (
            "enabled",
            "enabled-runtime",
        ):
            actions["disable"].append(name)
        if state == "stopped" and running:
            actions["stop"].append(name)
        elif state == "started" and not running:
            actions["start"].append(name)
        elif state == "restarted":
            actions["restart"].append(name)
        elif state == "reloaded":
            # Reloading a unit that is not running starts it (as ansible.builtin.systemd_service).
            actions["reload" if running else "start"].append(name)
    return actions, missing
