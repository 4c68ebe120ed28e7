"""The PowerDNS cache follower of powerdns_galera (roles/powerdns_galera/files/): when it refreshes
the caches, and that it asks for the zone cache before the answer caches."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import stat
from pathlib import Path

import pytest
import yaml

SCRIPT = (
    Path(__file__).resolve().parents[3]
    / "roles"
    / "powerdns_galera"
    / "files"
    / "hobbynet-pdns-cache-follower"
)


def load():
    loader = importlib.machinery.SourceFileLoader("hobbynet_pdns_cache_follower", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


follower_module = load()


def test_the_role_installs_it_as_a_program_of_the_system_python():
    # In the collection: no shebang, not executable (ansible-test sanity, shebang test). On the
    # host: `#!/usr/bin/python3` then the program, mode 0755 (tasks/powerdns.yml).
    assert not SCRIPT.read_text().startswith("#!")
    assert not SCRIPT.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    role = SCRIPT.parents[1]
    program = yaml.safe_load((role / "vars" / "main.yml").read_text())[
        "__powerdns_galera_follower_program"
    ]
    assert program == (
        "#!/usr/bin/python3\n"
        "{{ lookup('ansible.builtin.file', 'hobbynet-pdns-cache-follower', rstrip=false) }}"
    )
    tasks = yaml.safe_load((role / "tasks" / "powerdns.yml").read_text())
    (write,) = [
        t
        for t in tasks
        if t.get("name") == "Write the PowerDNS configuration, its check and the cache follower"
    ]
    files = " ".join(write["hobbynet.infra.file_set"]["files"].split())
    assert (
        "{'path': '/usr/local/sbin/hobbynet-pdns-cache-follower', 'owner': 'root', "
        "'group': 'root', 'mode': '0755', 'content': __powerdns_galera_follower_program}"
    ) in files


def test_a_connection_refreshes_at_once_and_again_at_each_delay():
    f = follower_module.Follower(again=[0.5, 0.05])
    assert f.connected("1-1-10", now=100.0)
    assert not f.observe("1-1-10", now=100.01)
    assert f.observe("1-1-10", now=100.05)
    assert not f.observe("1-1-10", now=100.1)
    assert not f.observe("1-1-10", now=100.4)
    assert f.observe("1-1-10", now=100.5)
    assert not f.observe("1-1-10", now=100.6)
    assert not f.observe("1-1-10", now=200.0)


def test_delays_that_fall_due_together_refresh_once():
    f = follower_module.Follower(again=[0.05, 0.5])
    f.connected("1-1-10", now=0.0)
    assert f.observe("1-1-10", now=3.0)
    assert not f.observe("1-1-10", now=3.1)


def test_every_move_of_the_position_refreshes_and_restarts_the_delays():
    f = follower_module.Follower(again=[0.5])
    f.connected("1-1-10", now=0.0)
    assert f.observe("1-1-10", now=0.5)  # the delayed refresh of the connection
    assert f.observe("1-1-11", now=1.0)
    assert f.observe("1-1-12", now=1.3)
    assert not f.observe("1-1-12", now=1.7)  # 0.4 s after the last move
    assert f.observe("1-1-12", now=1.8)
    assert not f.observe("1-1-12", now=5.0)


def test_a_new_domain_in_the_position_is_a_move():
    f = follower_module.Follower(again=[])
    f.connected("1-1-10", now=0.0)
    assert not f.observe("1-1-10", now=1.0)
    assert f.observe("1-1-10,7-7-1", now=2.0)


def test_a_reconnection_refreshes_even_at_the_same_position():
    f = follower_module.Follower(again=[])
    f.connected("1-1-10", now=0.0)
    assert not f.observe("1-1-10", now=1.0)
    assert f.connected("1-1-10", now=30.0)


def test_the_wait_is_cut_short_by_a_due_refresh():
    f = follower_module.Follower(again=[0.05, 0.5])
    f.connected("1-1-10", now=10.0)
    assert f.next_wait(10.0, interval=0.1) == pytest.approx(0.05)
    f.observe("1-1-10", now=10.05)
    assert f.next_wait(10.05, interval=0.1) == pytest.approx(0.1)
    assert f.next_wait(10.45, interval=0.1) == pytest.approx(0.05)
    f.observe("1-1-10", now=10.5)
    assert f.next_wait(11.0, interval=0.1) == pytest.approx(0.1)


def test_again_parses_a_comma_separated_list():
    assert follower_module.parse_args(["--again=0.05,0.5"]).again == [0.05, 0.5]
    assert follower_module.parse_args([]).again == [0.05, 0.5]


@pytest.fixture
def fake_pdns_control(tmp_path):
    """A pdns_control that records its commands and fails the ones named in $FAIL."""
    calls = tmp_path / "calls"
    tool = tmp_path / "pdns_control"
    tool.write_text(
        "#!/bin/sh\n"
        f'echo "$1" >> {calls}\n'
        'case " $FAIL " in *" $1 "*) echo "no socket" >&2; exit 1;; esac\n'
        "echo Ok\n"
    )
    tool.chmod(0o755)
    return tool, calls


def test_refresh_reloads_the_zone_cache_before_purging(fake_pdns_control):
    tool, calls = fake_pdns_control
    follower_module.refresh(str(tool))
    assert calls.read_text().split() == ["rediscover", "purge"]


def test_refresh_failure_is_logged_not_raised(fake_pdns_control, monkeypatch, capsys):
    tool, calls = fake_pdns_control
    monkeypatch.setenv("FAIL", "rediscover")
    follower_module.refresh(str(tool))
    assert calls.read_text().split() == ["rediscover"]
    assert "pdns_control rediscover failed (rc 1): no socket" in capsys.readouterr().err


def test_refresh_without_pdns_control_is_logged(tmp_path, capsys):
    follower_module.refresh(os.fspath(tmp_path / "missing"))
    assert "pdns_control rediscover failed" in capsys.readouterr().err
