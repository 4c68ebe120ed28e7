"""Unit tests for plugins/plugin_utils/_livecost.py (live OSPF costs of one host)."""

from __future__ import annotations

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._livecost import (
    LiveCostInputError,
    check_settings,
    live_cost_plan,
    round_seconds,
)

TUNNELS = [
    {"interface": "wg_r2", "peer": "r2", "peer_id": 2, "peer_link_local": "fe80::1:2:2", "cost": 5},
    {"interface": "wg_e1", "peer": "e1", "peer_id": 4, "peer_link_local": "fe80::1:4:2", "cost": 1},
]
SETTINGS = {
    "bird2_ospf_live_cost_interval": 60,
    "bird2_ospf_live_cost_pings": 5,
    "bird2_ospf_live_cost_window": 5,
    "bird2_ospf_live_cost_hold": 3,
    "bird2_ospf_live_cost_min_change": 2,
    "bird2_ospf_live_cost_min_change_percent": 20,
}


def inputs(live=True, links=None, **settings):
    values = dict(SETTINGS)
    values.update(settings)
    values.update(
        {
            "bird2_ospf_live_costs": live,
            "bird2_ospf_links": {} if links is None else links,
            "wireguard_mesh_tunnels": TUNNELS,
        }
    )
    return values


def problems(**kwargs) -> str:
    with pytest.raises(LiveCostInputError) as caught:
        live_cost_plan("r1", inputs(**kwargs))
    return "; ".join(caught.value.problems)


def test_every_tunnel_is_live_and_starts_from_the_inventory_cost():
    plan = live_cost_plan("r1", inputs())
    assert plan["enabled"] is True
    assert [
        (link["interface"], link["cost"], link["live"], link["symbol"]) for link in plan["links"]
    ] == [
        ("wg_r2", 5, True, "hobbynet_ospf_cost_2"),
        ("wg_e1", 1, True, "hobbynet_ospf_cost_4"),
    ]
    assert plan["config"]["links"] == [
        {
            "interface": "wg_r2",
            "peer": "r2",
            "peer_link_local": "fe80::1:2:2",
            "symbol": "hobbynet_ospf_cost_2",
            "base": 5,
        },
        {
            "interface": "wg_e1",
            "peer": "e1",
            "peer_link_local": "fe80::1:4:2",
            "symbol": "hobbynet_ospf_cost_4",
            "base": 1,
        },
    ]
    assert plan["config"]["settings"]["hold"] == 3
    assert plan["config"]["include"] == "/var/lib/hobbynet-ospf-cost/costs.conf"


def test_off_by_default_nothing_is_live_and_settings_are_not_read():
    plan = live_cost_plan("r1", inputs(live=False, bird2_ospf_live_cost_min_change=0))
    assert plan["enabled"] is False
    assert [link["live"] for link in plan["links"]] == [False, False]
    assert "symbol" not in plan["links"][0]
    assert plan["config"]["links"] == []


def test_a_pinned_cost_is_kept_and_never_live():
    plan = live_cost_plan("r1", inputs(links={"r2": {"cost": 42}}))
    r2 = plan["links"][0]
    assert (r2["cost"], r2["live"]) == (42, False)
    assert [link["interface"] for link in plan["config"]["links"]] == ["wg_e1"]


def test_one_link_live_on_a_host_whose_default_is_off():
    plan = live_cost_plan("r1", inputs(live=False, links={"e1": {"live": True}}))
    assert plan["enabled"] is True
    assert [link["live"] for link in plan["links"]] == [False, True]


def test_live_false_keeps_the_inventory_cost():
    plan = live_cost_plan("r1", inputs(links={"r2": {"live": False}, "e1": {"live": False}}))
    assert plan["enabled"] is False
    assert [link["cost"] for link in plan["links"]] == [5, 1]


def test_cost_and_live_true_together_are_refused():
    message = problems(links={"r2": {"cost": 7, "live": True}})
    assert "bird2_ospf_links.r2 of r1 sets both cost (7) and live: true" in message


def test_live_must_be_a_boolean():
    assert "bird2_ospf_live_costs of r1 must be true or false, got 'yes' (type str)" in problems(
        live="yes"
    )
    assert "bird2_ospf_links.e1.live of r1 must be true or false" in problems(
        links={"e1": {"live": "no"}}
    )


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("min_change", 65535, "bird2_ospf_live_cost_min_change (65535) can never be reached"),
        ("min_change", 0, "bird2_ospf_live_cost_min_change must be at least 1"),
        (
            "min_change_percent",
            100,
            "bird2_ospf_live_cost_min_change_percent (100) must be below 100",
        ),
        ("min_change_percent", -1, "bird2_ospf_live_cost_min_change_percent must be 0 or more"),
        ("interval", 0, "bird2_ospf_live_cost_interval must be > 0 seconds"),
        ("interval", 1.5, "bird2_ospf_live_cost_interval (1.5 s) is shorter than a round"),
        ("pings", 0, "bird2_ospf_live_cost_pings must be 1..100, got 0"),
        ("window", 0, "bird2_ospf_live_cost_window must be 1..1000, got 0"),
        ("hold", 0, "bird2_ospf_live_cost_hold must be 1..1000, got 0"),
        ("hold", 2.5, "bird2_ospf_live_cost_hold must be an integer, got 2.5 (type float)"),
        ("interval", True, "bird2_ospf_live_cost_interval must be a number, got True (type bool)"),
    ],
)
def test_settings_that_could_never_work_are_refused(setting, value, expected):
    message = problems(**{f"bird2_ospf_live_cost_{setting}": value})
    assert expected in message
    assert message.endswith("(live costs of r1)")


def test_a_round_is_the_pings_plus_the_last_wait():
    assert round_seconds(1) == 1.0
    assert round_seconds(5) == pytest.approx(1.8)
    _settings, found = check_settings(dict(SETTINGS, bird2_ospf_live_cost_interval=1.8))
    assert found == []


def test_every_problem_is_reported_at_once():
    message = problems(
        bird2_ospf_live_cost_min_change=0, bird2_ospf_live_cost_min_change_percent=150
    )
    assert "min_change must be at least 1" in message
    assert "min_change_percent (150) must be below 100" in message


def test_missing_tunnels_name_the_role_to_run_first():
    values = inputs()
    del values["wireguard_mesh_tunnels"]
    with pytest.raises(LiveCostInputError, match="wireguard_mesh must run first"):
        live_cost_plan("r1", values)
