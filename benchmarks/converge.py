#!/usr/bin/env python
"""Converge speed of hobbynet.infra.wireguard_mesh side by side with another WireGuard role.

Usage: benchmarks/converge.py --role PATH [--runs N] [--site] [--keep]

  --role PATH   a checkout of the compared role (githubixx/ansible-role-wireguard, the most used
                one: one wg0 per host). It is only read from there, never copied here.
  --runs N      idempotent re-runs measured per role (default 3: min and median are printed).
  --site        also time an idempotent re-run of playbooks/site.yml on the running `make lab`.
  --keep        leave the benchmark's containers running afterwards.

Both roles run on the same six lab containers (benchmarks/converge/inventory: prefix hn-bench-,
its own --internal network), with the same connection plugin, one after the other: ours builds a
6-site partial mesh of 9 links (18 tunnel units), the compared role one wg0 per host with the five
others as peers. Measured per role: the first converge, idempotent re-runs (0 changed required),
one host's setting changed (ours: MTU; theirs: port) and changed back, and --check on converged
hosts. Prints seconds and the ratio ours / theirs. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]
BENCH = TOP / "benchmarks" / "converge"
INVENTORY = BENCH / "inventory"
VENV_BIN = TOP / ".venv" / "bin"


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PATH"] = f"{VENV_BIN}:{e.get('PATH', '')}"
    e["ANSIBLE_CONFIG"] = str(TOP / "ansible.cfg")
    e["ANSIBLE_COLLECTIONS_PATH"] = str(TOP / ".cache" / "collections")
    e["ANSIBLE_FORCE_COLOR"] = "0"
    e["ANSIBLE_NOCOLOR"] = "1"
    return e


def lab(*steps: str, inventory: Path = INVENTORY) -> None:
    e = env()
    e["LAB_INVENTORY"] = str(inventory)
    subprocess.run(
        [str(TOP / "lab" / "run.sh"), *steps], cwd=TOP, env=e, check=True, stdout=subprocess.DEVNULL
    )


def play(playbook: Path, *args: str, inventory: Path = INVENTORY) -> tuple[float, int, str]:
    """Run a playbook; return (seconds, total changed, output). Fails loudly on a failed run."""
    start = time.monotonic()
    proc = subprocess.run(
        [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(playbook), *args],
        cwd=TOP,
        env=env(),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - start
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.exit(f"{playbook.name} {' '.join(args)} failed (rc {proc.returncode}):\n{out[-4000:]}")
    changed = sum(int(n) for n in re.findall(r"\bchanged=(\d+)", out))
    return seconds, changed, out


def measure(name: str, playbook: Path, role_args: list[str], change: str, runs: int) -> dict:
    print(f"== {name}", flush=True)
    result: dict = {}
    seconds, changed, _out = play(playbook, *role_args)
    result["first converge"] = [seconds]
    print(f"   first converge: {seconds:6.1f} s ({changed} changed)", flush=True)
    rerun = []
    for i in range(runs):
        seconds, changed, out = play(playbook, *role_args)
        if changed:
            sys.exit(f"{name}: idempotent re-run {i + 1} changed {changed} things:\n{out[-4000:]}")
        rerun.append(seconds)
        print(f"   idempotent re-run {i + 1}: {seconds:6.1f} s", flush=True)
    result["idempotent re-run"] = rerun
    changes = []
    for extra in (change, "{}"):
        seconds, changed, _out = play(playbook, *role_args, "-e", extra)
        changes.append(seconds)
        print(f"   one host changed {extra}: {seconds:6.1f} s ({changed} changed)", flush=True)
    result["one host changed, and back"] = changes
    seconds, changed, out = play(playbook, *role_args, "--check")
    if changed:
        sys.exit(f"{name}: --check on converged hosts reports {changed} changes:\n{out[-4000:]}")
    result["--check on converged hosts"] = [seconds]
    print(f"   --check: {seconds:6.1f} s", flush=True)
    return result


def row(label: str, ours: list[float], theirs: list[float]) -> str:
    if len(ours) > 1:
        o = f"{min(ours):.1f} / {statistics.median(ours):.1f} s"
        t = f"{min(theirs):.1f} / {statistics.median(theirs):.1f} s"
        med_ratio = statistics.median(ours) / statistics.median(theirs)
        r = f"{min(ours) / min(theirs):.2f}x / {med_ratio:.2f}x"
    else:
        o, t, r = f"{ours[0]:.1f} s", f"{theirs[0]:.1f} s", f"{ours[0] / theirs[0]:.2f}x"
    return f"| {label} | {o} | {t} | {r} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--role", required=True, type=Path, help="checkout of the compared role")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--site", action="store_true", help="also time a site.yml re-run on make lab"
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark containers")
    args = parser.parse_args()
    role = args.role.resolve()
    if not (role / "tasks" / "main.yml").is_file():
        sys.exit(f"--role {args.role}: no tasks/main.yml there (give a checkout of the role)")

    print("== creating the benchmark containers (hn-bench-b1..b6)", flush=True)
    lab("up")
    try:
        ours = measure(
            "hobbynet.infra.wireguard_mesh (9 links, 18 tunnel units)",
            BENCH / "ours.yml",
            [],
            '{"bench_mtu_host": "b1"}',
            args.runs,
        )
        theirs = measure(
            f"{role.name} (one wg0 per host, 5 peers each)",
            BENCH / "theirs.yml",
            [
                "-e",
                f"bench_role_path={role}",
                "-e",
                "wireguard_install_kernel_module=false",
                "--skip-tags",
                "wg-install,wg-install-kernel-module",
            ],
            '{"bench_port_host": "b1"}',
            args.runs,
        )
    finally:
        if not args.keep:
            lab("down")

    print()
    print(f"| run | wireguard_mesh | {role.name} | ratio |")
    print("|---|---|---|---|")
    print(row("first converge", ours["first converge"], theirs["first converge"]))
    print(
        row(
            f"idempotent re-run, min / median of {args.runs}",
            ours["idempotent re-run"],
            theirs["idempotent re-run"],
        )
    )
    print(
        row(
            "one host changed, and back (min / median)",
            ours["one host changed, and back"],
            theirs["one host changed, and back"],
        )
    )
    print(
        row(
            "--check on converged hosts",
            ours["--check on converged hosts"],
            theirs["--check on converged hosts"],
        )
    )

    if args.site:
        seconds, changed, _out = play(
            TOP / "playbooks" / "site.yml", inventory=TOP / "inventories" / "lab"
        )
        print(f"\nsite.yml idempotent re-run on make lab: {seconds:.1f} s ({changed} changed)")


if __name__ == "__main__":
    main()
