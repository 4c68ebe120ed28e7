"""What wg_quick_tunnels does with a changed tunnel: live, restart, start or nothing."""

from __future__ import annotations

import pytest
from ansible_collections.hobbynet.infra.plugins.module_utils._wg_quick import (
    is_managed,
    parse,
    plan_tunnel,
    redact,
)

MARK = "# managed by hobbynet.infra.wireguard_mesh"
PRIV = "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28="
PSK = "cHNrcHNrcHNrcHNrcHNrcHNrcHNrcHNrcHNrcHNrcHM="


def conf(**over):
    values = dict(
        port="51802",
        address="10.255.0.0/31",
        mtu="MTU = 1420",
        private=PRIV,
        peer="cGVlcnBlZXJwZWVycGVlcnBlZXJwZWVycGVlcnBlZXI=",
        endpoint="Endpoint = 192.0.2.2:51801",
        keepalive="",
        comment="tunnel to r2",
        postup="ip link set dev %i addrgenmode none",
    )
    values.update(over)
    return (
        f"{MARK}: {values['comment']}\n[Interface]\nListenPort = {values['port']}\n"
        f"Address = {values['address']}\nTable = off\n{values['mtu']}\n"
        f"PrivateKey = {values['private']}\n"
        f"PostUp = {values['postup']}\n\n[Peer]\n# r2\nPublicKey = {values['peer']}\n"
        f"PresharedKey = {PSK}\nAllowedIPs = 0.0.0.0/0, ::/0\n"
        f"{values['endpoint']}\n{values['keepalive']}\n"
    )


def test_parse_sections_case_and_comments():
    parsed = parse(
        "[Interface]\nmtu=1400 # comment\n# x = y\n[Peer]\npublickey = A\n[Peer]\nPublicKey = B\n"
    )
    assert parsed == {
        "interface": {"mtu": ["1400"]},
        "peers": [{"publickey": ["A"]}, {"publickey": ["B"]}],
    }


def test_unchanged_running_tunnel_does_nothing():
    plan = plan_tunnel(conf(), conf(), True)
    assert plan["action"] == "none" and not plan["write"]


@pytest.mark.parametrize("old", [None, conf(), conf(mtu="MTU = 1400")])
def test_stopped_tunnel_is_started_whatever_changed(old):
    plan = plan_tunnel(old, conf(), False)
    assert plan["action"] == "start"
    assert plan["write"] == (old != conf())


def test_running_tunnel_without_file_is_restarted():
    assert plan_tunnel(None, conf(), True)["action"] == "restart"


def test_comment_only_change_writes_without_touching_the_tunnel():
    plan = plan_tunnel(conf(), conf(comment="tunnel to r2 (renamed)"), True)
    assert plan == {
        "action": "none",
        "write": True,
        "mtu": None,
        "syncconf": False,
        "reason": "only comments changed",
    }


def test_mtu_change_is_live_without_syncconf():
    plan = plan_tunnel(conf(), conf(mtu="MTU = 1400"), True)
    assert (plan["action"], plan["mtu"], plan["syncconf"]) == ("live", "1400", False)


def test_mtu_removed_restarts():
    assert plan_tunnel(conf(), conf(mtu=""), True)["action"] == "restart"


@pytest.mark.parametrize(
    "change",
    [
        {"port": "51900"},
        {"private": "b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcm90aGVyb3Q="},
        {"endpoint": "Endpoint = 192.0.2.9:51801"},
        {"peer": "bmV3cGVlcm5ld3BlZXJuZXdwZWVybmV3cGVlcm5ld3A="},
        {"keepalive": "PersistentKeepalive = 25"},
    ],
)
def test_key_port_and_peer_changes_are_applied_with_syncconf(change):
    plan = plan_tunnel(conf(), conf(**change), True)
    assert (plan["action"], plan["syncconf"], plan["mtu"]) == ("live", True, None)


def test_mtu_and_peer_change_together_are_both_live():
    plan = plan_tunnel(conf(), conf(mtu="MTU = 1380", endpoint="Endpoint = 192.0.2.7:1"), True)
    assert (plan["action"], plan["syncconf"], plan["mtu"]) == ("live", True, "1380")


@pytest.mark.parametrize(
    "new_keepalive", ["", "PersistentKeepalive = 0", "PersistentKeepalive = off"]
)
def test_dropping_a_keepalive_restarts_because_syncconf_keeps_it(new_keepalive):
    plan = plan_tunnel(
        conf(keepalive="PersistentKeepalive = 25"), conf(keepalive=new_keepalive), True
    )
    assert plan["action"] == "restart"
    assert "Keepalive" in plan["reason"]


def test_dropping_an_endpoint_restarts_because_syncconf_keeps_it():
    plan = plan_tunnel(conf(), conf(endpoint=""), True)
    assert (plan["action"], plan["reason"]) == ("restart", "[Peer] endpoint removed")


def test_changing_a_keepalive_value_is_live():
    plan = plan_tunnel(
        conf(keepalive="PersistentKeepalive = 25"), conf(keepalive="PersistentKeepalive = 15"), True
    )
    assert plan["action"] == "live"


def test_keepalive_of_a_replaced_peer_does_not_force_a_restart():
    old = conf(keepalive="PersistentKeepalive = 25")
    new = conf(peer="bmV3cGVlcm5ld3BlZXJuZXdwZWVybmV3cGVlcm5ld3A=")
    assert plan_tunnel(old, new, True)["action"] == "live"


@pytest.mark.parametrize(
    "change",
    [{"address": "10.255.0.2/31"}, {"postup": "true"}],
)
def test_interface_changes_wg_cannot_apply_restart(change):
    plan = plan_tunnel(conf(), conf(**change), True)
    assert plan["action"] == "restart"
    assert plan["reason"].startswith("[Interface]")


def test_reasons_never_carry_a_secret():
    for new in (
        conf(private="Zm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm9vZm8="),
        conf(address="10.0.0.1/31"),
    ):
        plan = plan_tunnel(conf(), new, True)
        assert PRIV not in plan["reason"] and "Zm9v" not in plan["reason"]


def test_redact_hides_private_and_preshared_keys_only():
    text = redact(conf())
    assert PRIV not in text and PSK not in text
    assert "PrivateKey = <redacted>" in text and "PresharedKey = <redacted>" in text
    assert "PublicKey = cGVlcnBl" in text
    assert redact(None) == ""
    assert redact("privatekey=abc\n") == "privatekey=<redacted>\n"


def test_is_managed_looks_at_the_top_only():
    assert is_managed(conf(), MARK)
    assert not is_managed("[Interface]\n" * 6 + MARK, MARK)
    assert not is_managed("# written by hand\n[Interface]\n", MARK)
