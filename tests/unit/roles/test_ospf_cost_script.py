"""Unit tests for roles/bird2/files/hobbynet-ospf-cost (live OSPF costs with hysteresis)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
from pathlib import Path

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._cost import ospf_cost

SCRIPT = Path(__file__).resolve().parents[3] / "roles" / "bird2" / "files" / "hobbynet-ospf-cost"
SETTINGS = {
    "interval": 2,
    "pings": 3,
    "window": 3,
    "hold": 2,
    "min_change": 2,
    "min_change_percent": 20,
}
PING_OK = """PING fe80::1:4:2%wg_e1(fe80::1:4:2%wg_e1) 56 data bytes

--- fe80::1:4:2%wg_e1 ping statistics ---
3 packets transmitted, 3 received, 0% packet loss, time 402ms
rtt min/avg/max/mdev = 60.112/61.020/62.004/0.772 ms
"""
PING_LOST = """PING fe80::1:4:2%wg_e1(fe80::1:4:2%wg_e1) 56 data bytes

--- fe80::1:4:2%wg_e1 ping statistics ---
3 packets transmitted, 0 received, 100% packet loss, time 2030ms
"""


@pytest.fixture(scope="module")
def script():
    loader = importlib.machinery.SourceFileLoader("hobbynet_ospf_cost", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def run(script, link, samples, settings=None):
    """Feed ``samples`` round by round; the cost after each round."""
    settings = SETTINGS if settings is None else settings
    costs = []
    for sample in samples:
        link, _message = script.step(link, sample, settings)
        costs.append(link["cost"])
    return link, costs


@pytest.mark.parametrize("rtt", [0, 0.1, 0.99, 1, 1.0, 2.5, 3, 3.0, 59.9, 60, 61.02, 131071, 10**6])
def test_the_cost_rule_is_the_inventorys(script, rtt):
    assert script.cost_from_rtt(float(rtt)) == ospf_cost(float(rtt))


def test_a_step_in_the_rtt_moves_the_cost_after_half_the_window_plus_the_hold(script):
    # window 3: the median follows after 2 rounds; hold 2: one more round.
    link, costs = run(script, script.new_link(1), [0.1, 0.1, 0.1, 60, 60, 60, 60])
    assert costs == [1, 1, 1, 1, 1, 30, 30]
    assert link["streak"] == 0
    # and back down the same way
    _link, costs = run(script, link, [0.1, 0.1, 0.1, 0.1])
    assert costs == [30, 30, 1, 1]


def test_a_lone_spike_never_moves_the_cost(script):
    _link, costs = run(script, script.new_link(1), [0.1, 500, 0.1, 0.1, 500, 0.1, 0.1])
    assert set(costs) == {1}


def test_jitter_inside_the_dead_band_never_moves_the_cost(script):
    # cost 20; 20 % of it is 4: candidates 17..23 never count.
    _link, costs = run(script, script.new_link(20), [34, 46, 40, 35, 45, 38] * 3)
    assert set(costs) == {20}


def test_a_change_just_large_enough_counts(script):
    # cost 20, threshold max(2, 4) = 4: a candidate of 24 (RTT 48) moves it.
    _link, costs = run(script, script.new_link(20), [48, 48, 48, 48])
    assert costs[-1] == 24


def test_the_hold_restarts_when_the_direction_turns(script):
    settings = dict(SETTINGS, window=1, hold=2)
    _link, costs = run(script, script.new_link(10), [60, 2, 60, 2, 60], settings)
    assert set(costs) == {10}
    _link, costs = run(script, script.new_link(10), [60, 60], settings)
    assert costs == [10, 30]


def test_a_round_without_answer_adds_nothing_and_keeps_the_count(script):
    link, _message = script.step(script.new_link(1), 60.0, dict(SETTINGS, window=1))
    assert link["streak"] == 1
    same, message = script.step(link, None, dict(SETTINGS, window=1))
    assert same == link and message is None
    moved, message = script.step(same, 60.0, dict(SETTINGS, window=1))
    assert moved["cost"] == 30
    assert message.startswith("cost 1 -> 30 (median RTT 60 ms over 1 rounds")


def test_the_window_keeps_only_its_rounds(script):
    link, _costs = run(script, script.new_link(1), [1, 2, 3, 4, 5])
    assert link["samples"] == [3.0, 4.0, 5.0]


def test_the_relative_minimum_applies_to_large_costs(script):
    assert script.threshold(100, SETTINGS) == 20
    assert script.threshold(3, SETTINGS) == 2
    assert script.threshold(11, SETTINGS) == 3


def config(links):
    return {
        "include": "/unused",
        "settings": SETTINGS,
        "links": [
            {
                "interface": f"wg_{peer}",
                "peer": peer,
                "peer_link_local": "fe80::1",
                "symbol": f"hobbynet_ospf_cost_{i}",
                "base": base,
            }
            for i, (peer, base) in enumerate(links, start=2)
        ],
    }


def test_reconcile_follows_the_inventory(script):
    kept = dict(script.new_link(5), cost=9, samples=[18.0])
    state = {"links": {"wg_r2": kept, "wg_gone": script.new_link(3)}, "pending": False}
    out = script.reconcile(state, config([("r2", 5), ("r3", 7)]))
    assert out["links"]["wg_r2"] == kept
    assert out["links"]["wg_r3"] == script.new_link(7)
    assert "wg_gone" not in out["links"]
    # a new inventory cost is a new start
    out = script.reconcile(state, config([("r2", 6)]))
    assert out["links"]["wg_r2"] == script.new_link(6)


def test_the_include_defines_one_constant_per_live_link(script):
    cfg = config([("r2", 5), ("e1", 1)])
    state = script.reconcile({}, cfg)
    state["links"]["wg_e1"]["cost"] = 30
    text = script.include_text(cfg, state)
    assert "define hobbynet_ospf_cost_2 = 5;  # wg_r2 to r2\n" in text
    assert "define hobbynet_ospf_cost_3 = 30;  # wg_e1 to e1\n" in text


def test_ping_summaries(script):
    assert script.parse_ping(PING_OK) == pytest.approx(60.112)
    assert script.parse_ping(PING_LOST) is None
    assert script.parse_ping("") is None


@pytest.fixture()
def host(script, tmp_path, monkeypatch):
    """The script with its paths in tmp_path, birdc and ping replaced."""
    state_dir = tmp_path / "state"
    monkeypatch.setattr(script, "CONFIG", str(tmp_path / "ospf-cost.json"))
    monkeypatch.setattr(script, "STATE_DIR", str(state_dir))
    monkeypatch.setattr(script, "STATE", str(state_dir / "state.json"))
    monkeypatch.setattr(script, "LOCK", str(state_dir / "lock"))
    cfg = config([("e1", 1)])
    cfg["include"] = str(state_dir / "costs.conf")
    (tmp_path / "ospf-cost.json").write_text(json.dumps(cfg))
    calls = {"configure": 0, "rtt": 0.1, "configure_ok": True}

    def configure():
        calls["configure"] += 1
        return calls["configure_ok"]

    monkeypatch.setattr(script, "configure", configure)
    monkeypatch.setattr(script, "measure", lambda _cfg: {"wg_e1": calls["rtt"]})
    calls["include"] = state_dir / "costs.conf"
    return calls


def test_sync_writes_the_starting_costs_once(script, host, capsys):
    assert script.main(["sync", "--check"]) == 0
    assert capsys.readouterr().out == "changed\n"
    assert not host["include"].exists()
    assert script.main(["sync"]) == 0
    assert capsys.readouterr().out == "changed\n"
    assert "define hobbynet_ospf_cost_2 = 1;" in host["include"].read_text()
    assert script.main(["sync"]) == 0
    assert capsys.readouterr().out == "unchanged\n"
    assert host["configure"] == 0


def test_rounds_configure_bird_only_when_a_cost_moves(script, host, capsys):
    script.main(["sync"])
    for _round in range(3):
        assert script.main(["round"]) == 0
    assert host["configure"] == 0
    host["rtt"] = 60.0
    for _round in range(3):
        script.main(["round"])
    assert host["configure"] == 1
    assert "define hobbynet_ospf_cost_2 = 30;" in host["include"].read_text()
    assert "<5>wg_e1 (to e1): cost 1 -> 30" in capsys.readouterr().out
    # the role's sync keeps what the timer measured
    assert script.main(["sync"]) == 0
    assert capsys.readouterr().out == "unchanged\n"
    assert "= 30;" in host["include"].read_text()


def test_a_refused_configure_is_tried_again_next_round(script, host):
    script.main(["sync"])
    host["rtt"] = 60.0
    host["configure_ok"] = False
    # the cost moves in round 2 (a fresh window), BIRD refuses, round 3 tries again
    results = [script.main(["round"]) for _round in range(3)]
    assert results == [0, 1, 1] and host["configure"] == 2
    host["configure_ok"] = True
    assert script.main(["round"]) == 0
    assert host["configure"] == 3
    assert script.main(["round"]) == 0
    assert host["configure"] == 3
