"""What systemd_units asks systemctl to do for a set of units, from `systemctl show`."""

from __future__ import annotations

import pytest
from ansible_collections.hobbynet.infra.plugins.module_utils._systemd_units import (
    parse_systemctl_show,
    plan_units,
)


def shown(**units):
    """{unit: "LoadState ActiveState UnitFileState"} as parse_systemctl_show returns it."""
    out = {}
    for name, states in units.items():
        load, active, file_state = states.split()
        unit = name.replace("_", "-") + ".service"
        out[unit] = dict(Id=unit, LoadState=load, ActiveState=active, UnitFileState=file_state)
    return out


def test_parse_systemctl_show_blocks():
    out = (
        "Id=wg-quick@a.service\nActiveState=active\nUnitFileState=enabled\n\n"
        "Id=wg-quick@b.service\nActiveState=inactive\nUnitFileState=disabled\n"
    )
    units = parse_systemctl_show(out)
    assert units["wg-quick@a.service"]["ActiveState"] == "active"
    assert units["wg-quick@b.service"]["UnitFileState"] == "disabled"
    assert parse_systemctl_show("") == {}


def test_running_enabled_units_need_nothing():
    have = shown(pdns="loaded active enabled", bird="loaded active static")
    actions, missing = plan_units(
        [
            dict(name="pdns.service", enabled=True, state="started"),
            dict(name="bird.service", enabled=True, state="started"),
        ],
        have,
    )
    assert not any(actions.values())
    assert missing == []


def test_stopped_disabled_unit_is_enabled_and_started():
    have = shown(pdns="loaded inactive disabled")
    actions, _missing = plan_units([dict(name="pdns.service", enabled=True, state="started")], have)
    assert actions["enable"] == ["pdns.service"]
    assert actions["start"] == ["pdns.service"]


def test_restart_is_always_done_and_stop_only_when_running():
    have = shown(a="loaded active enabled", b="loaded inactive enabled", c="loaded active enabled")
    actions, _missing = plan_units(
        [
            dict(name="a.service", state="restarted"),
            dict(name="b.service", state="stopped"),
            dict(name="c.service", state="stopped", enabled=False),
        ],
        have,
    )
    assert actions["restart"] == ["a.service"]
    assert actions["stop"] == ["c.service"]
    assert actions["disable"] == ["c.service"]


def test_reload_of_a_stopped_unit_starts_it():
    have = shown(a="loaded active enabled", b="loaded failed enabled")
    actions, _missing = plan_units(
        [dict(name="a.service", state="reloaded"), dict(name="b.service", state="reloaded")], have
    )
    assert actions["reload"] == ["a.service"]
    assert actions["start"] == ["b.service"]


def test_static_units_are_not_disabled_and_order_is_kept():
    have = shown(
        a="loaded inactive static", b="loaded inactive disabled", c="loaded inactive disabled"
    )
    actions, _missing = plan_units(
        [
            dict(name="a.service", enabled=False),
            dict(name="c.service", enabled=True, state="started"),
            dict(name="b.service", enabled=True, state="started"),
        ],
        have,
    )
    assert actions["disable"] == []
    assert actions["enable"] == ["c.service", "b.service"]
    assert actions["start"] == ["c.service", "b.service"]


def test_missing_units_are_reported_unless_nothing_is_asked_of_them():
    have = shown(gone="not-found inactive unknown")
    actions, missing = plan_units(
        [
            dict(name="gone.service", state="stopped", enabled=False),
            dict(name="new.service", state="started"),
        ],
        have,
    )
    assert missing == ["new.service"]
    assert not any(actions.values())


def test_unknown_state_is_refused():
    with pytest.raises(ValueError, match="state 'running'"):
        plan_units([dict(name="a.service", state="running")], {})
