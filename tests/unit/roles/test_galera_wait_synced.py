"""Unit tests for powerdns_galera's __powerdns_galera_wait_synced_script (vars/main.yml).

The script runs as written in the role, under bash, with stub `mariadb`, `systemctl`, `journalctl`
and `sleep` first in PATH. The stub server answers with the next line of a list of wsrep states;
a restart moves it to the states listed after the restart, as a real restart starts a new join.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

VARS = Path(__file__).resolve().parents[3] / "roles" / "powerdns_galera" / "vars" / "main.yml"
BASH = shutil.which("bash")

STUBS = {
    # Answers with the next state of states.<run> (run = restarts so far), repeating the last one.
    "mariadb": """
        run=$(cat "$STUB/runs")
        n=$(($(cat "$STUB/reads.$run" 2>/dev/null || echo 0) + 1))
        echo "$n" >"$STUB/reads.$run"
        line=$(sed -n "${n}p" "$STUB/states.$run")
        [ -n "$line" ] || line=$(tail -n 1 "$STUB/states.$run")
        [ "$line" = down ] && exit 1
        printf 'wsrep_cluster_status\\t%s\\nwsrep_local_state_comment\\t%s\\n' ${line}
    """,
    "systemctl": """
        echo "$*" >>"$STUB/systemctl.log"
        case $1 in
            restart) echo $(($(cat "$STUB/runs") + 1)) >"$STUB/runs" ;;
            is-failed) [ -f "$STUB/failed" ] && exit 0; exit 1 ;;
            is-active) echo active ;;
        esac
        exit 0
    """,
    "journalctl": """
        echo "[ERROR] WSREP: Receiving IST failed, node restart required"
    """,
    "sleep": "exit 0",
}


@pytest.fixture(scope="module")
def script() -> str:
    return yaml.safe_load(VARS.read_text())["__powerdns_galera_wait_synced_script"]


def run(script: str, tmp_path: Path, states: dict[int, list[str]], action: str = "", failed=False):
    """Run the script; ``states[n]``: the answers after n restarts ("Primary Synced")."""
    stub = tmp_path / "stub"
    stub.mkdir()
    for name, body in STUBS.items():
        path = stub / name
        path.write_text("#!/bin/bash\n" + textwrap.dedent(body))
        path.chmod(0o755)
    (stub / "runs").write_text("0\n")
    for n, lines in states.items():
        (stub / f"states.{n}").write_text("\n".join(lines) + "\n")
    if failed:
        (stub / "failed").touch()
    env = dict(os.environ, STUB=str(stub), PATH=f"{stub}:{os.environ['PATH']}")
    env.update(GALERA_SYNC_TIMEOUT="30", GALERA_ACTION=action)
    proc = subprocess.run(
        [BASH, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    log = (stub / "systemctl.log").read_text() if (stub / "systemctl.log").exists() else ""
    return proc, [line for line in log.splitlines() if not line.startswith("is-")]


def test_a_synced_node_returns_at_once_and_nothing_is_restarted(script, tmp_path):
    proc, calls = run(script, tmp_path, {0: ["Primary Synced"]})
    assert proc.returncode == 0, proc.stderr
    assert "restarted:" not in proc.stdout
    assert calls == []


def test_the_action_runs_first_then_the_wait_ends_when_synced(script, tmp_path):
    states = {0: ["down", "down", "Primary Joiner", "Primary Joined", "Primary Synced"]}
    proc, calls = run(script, tmp_path, states, action="start")
    assert proc.returncode == 0, proc.stderr
    assert calls == ["start mariadb.service"]
    assert "restarted:" not in proc.stdout


def test_a_node_that_left_the_group_after_a_broken_transfer_is_restarted_once(script, tmp_path):
    states = {
        0: ["Primary Joiner", "Disconnected Initialized"],
        1: ["down", "Primary Joiner", "Primary Synced"],
    }
    proc, calls = run(script, tmp_path, states)
    assert proc.returncode == 0, proc.stderr
    assert calls == ["restart mariadb.service"]
    assert proc.stdout.count("restarted:") == 1
    assert "node restart required" in proc.stdout


def test_a_short_disconnect_is_not_a_reason_to_restart(script, tmp_path):
    states = {0: ["Disconnected Initialized", "Disconnected Initialized", "Primary Synced"]}
    proc, calls = run(script, tmp_path, states)
    assert proc.returncode == 0, proc.stderr
    assert calls == []


def test_a_node_that_keeps_leaving_fails_after_two_restarts_with_its_journal(script, tmp_path):
    states = {n: ["Disconnected Initialized"] for n in range(4)}
    proc, calls = run(script, tmp_path, states)
    assert proc.returncode == 1
    assert calls == ["restart mariadb.service", "restart mariadb.service"]
    assert "not Synced after" in proc.stderr
    assert "2 restart(s)" in proc.stderr
    assert "node restart required" in proc.stderr


def test_a_failed_server_fails_the_wait_at_once(script, tmp_path):
    proc, calls = run(script, tmp_path, {0: ["down"]}, failed=True)
    assert proc.returncode == 1
    assert calls == []
    assert "not Synced after" in proc.stderr


def test_the_wait_ends_at_the_timeout(script, tmp_path):
    # sleep is a stub, so the clock is moved by a date stub that adds 10 s a call.
    (tmp_path / "clock").write_text("1000\n")
    date = tmp_path / "stubdate"
    date.mkdir()
    (date / "date").write_text(
        '#!/bin/bash\nt=$(($(cat "$CLOCK") + 10)); echo "$t" >"$CLOCK"; echo "$t"\n'
    )
    (date / "date").chmod(0o755)
    os.environ["CLOCK"] = str(tmp_path / "clock")
    old_path = os.environ["PATH"]
    os.environ["PATH"] = f"{date}:{old_path}"
    try:
        proc, calls = run(script, tmp_path, {0: ["Primary Joiner"]})
    finally:
        os.environ["PATH"] = old_path
        del os.environ["CLOCK"]
    assert proc.returncode == 1
    assert calls == []
    assert "not Synced after 30 s" in proc.stderr
