#!/usr/bin/env python
"""Stress benchmark: a 10-site full mesh (45 tunnels, 90 wireguard-go) as its own lab.

Builds the lab of inventories/stress (LAB_INVENTORY=inventories/stress lab/run.sh up site, with the
lab image already built: `make lab` builds it), then prints (asserts nothing):

1. build: the time of `up` + `site` (the `make lab` equivalent, image cached);
2. cold OSPF convergence: bird stopped on every site, started on all at once; time until every
   site has a BIRD route to every other site's prefixes (IPv4 and IPv6), each site watching its
   own routing table from inside (100 ms poll);
3. memory: total RSS of the wireguard-go processes, of the bird processes, and of every process
   in the ten containers;
4. idempotent re-run: the time of `site` again, and the tasks it changed (expected 0);
5. routes against costs: at every site, the kernel's next hops for every other site's prefixes
   (both families) against the first hops Dijkstra finds over the inventory's costs (RTT / 2;
   equal costs give several); every mismatch is printed.

The stress lab has its own container prefix and subnet (hn-stress-, 198.18.30.0/24), so it can
exist beside `make lab`, but both at once load this machine's two cores: take `make lab` down
first. Nothing leaves the lab. Usage:
    benchmarks/stress.py [--keep] [--no-build]    (--keep leaves the lab up; --no-build uses it)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / ".cache" / "collections"))
sys.path.insert(0, str(REPO / "lab" / "filter_plugins"))
sys.path.insert(0, str(REPO / "lab" / "tools"))
from ansible_collections.hobbynet.infra.plugins.plugin_utils._cost import ospf_cost  # noqa: E402
from lab_exec import Containers  # noqa: E402
from lab_net import lab_first_hops  # noqa: E402

INVENTORY = "inventories/stress"
PREFIX = "hn-stress-"
SITES = [f"s{i}" for i in range(1, 11)]
LAB = Containers(PREFIX, "stress.py")


def site_id(site: str) -> int:
    return int(site[1:])


def prefixes(site: str) -> list[str]:
    i = site_id(site)
    return [f"10.65.{i}.0/24", f"2001:db8:65:{i}::/64"]


def sh(host: str, script: str, check: bool = True) -> str:
    return LAB.sh(host, script, check)


def lab_run(*steps: str) -> tuple[float, str]:
    """Run lab/run.sh steps on the stress inventory; (seconds, output)."""
    env = dict(os.environ, LAB_INVENTORY=INVENTORY)
    start = time.monotonic()
    done = subprocess.run(
        [str(REPO / "lab" / "run.sh"), *steps], env=env, capture_output=True, text=True, check=False
    )
    took = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"stress.py: lab/run.sh {' '.join(steps)} failed:\n{done.stdout[-4000:]}")
    return took, done.stdout


def changed_tasks(output: str) -> int:
    return sum(int(n) for n in re.findall(r"\schanged=(\d+)", output))


def cold_convergence() -> float:
    for s in SITES:
        sh(s, "systemctl stop bird")
    watchers = {}
    for s in SITES:
        # One look at both tables per 0.1 s (a test per prefix, 18 of them, would load the
        # machine more than BIRD does).
        others = "|".join(re.escape(p) for other in SITES if other != s for p in prefixes(other))
        routes = "{ ip -4 route show proto bird; ip -6 route show proto bird; }"
        count = f"{routes} | grep -cE '^({others}) '"
        script = (
            f'end=$((SECONDS + 120)); until [ "$({count})" -ge {2 * (len(SITES) - 1)} ];'
            " do sleep 0.1; [ $SECONDS -lt $end ] || exit 1; done; date +%s.%N"
        )
        watchers[s] = subprocess.Popen(
            ["podman", "exec", PREFIX + s, "bash", "-c", script], stdout=subprocess.PIPE, text=True
        )
    time.sleep(1)
    t0 = time.time()
    starters = [
        subprocess.Popen(["podman", "exec", PREFIX + s, "systemctl", "start", "bird"])
        for s in SITES
    ]
    for p in starters:
        p.wait()
    done = {}
    for s, p in watchers.items():
        out = p.communicate(timeout=180)[0]
        if p.returncode != 0:
            sys.exit(f"stress.py: {s} did not converge within 120 s")
        done[s] = float(out.strip())
    return max(done.values()) - t0


def rss_mib() -> dict[str, float]:
    totals = {"wireguard-go": 0, "bird": 0, "all": 0}
    processes = {"wireguard-go": 0, "bird": 0}
    for s in SITES:
        for line in sh(s, "ps -eo rss=,comm=").splitlines():
            rss, _sep, comm = line.strip().partition(" ")
            kib = int(rss)
            totals["all"] += kib
            if comm.strip() in processes:
                totals[comm.strip()] += kib
                processes[comm.strip()] += 1
    out = {k: round(v / 1024, 1) for k, v in totals.items()}
    out["wireguard-go processes"] = processes["wireguard-go"]
    out["bird processes"] = processes["bird"]
    return out


def expected_first_hops() -> dict[str, dict[str, list[str]]]:
    mesh = yaml.safe_load((REPO / INVENTORY / "group_vars" / "backbone" / "mesh.yml").read_text())
    plan = [
        {"nodes": [a, b], "cost": ospf_cost(rtt)}
        for a, row in mesh["wireguard_mesh_rtt_ms"].items()
        for b, rtt in row.items()
    ]
    return lab_first_hops(plan)


def route_mismatches() -> tuple[int, list[str]]:
    expected = expected_first_hops()
    checked, wrong = 0, []
    for s in SITES:
        out = sh(s, "ip -4 route show proto bird; ip -6 route show proto bird")
        routes: dict[str, set[str]] = {}
        current = None
        for line in out.splitlines():
            if not line.startswith((" ", "\t")):
                current = line.split()[0]
                routes[current] = set()
            if current is not None:
                routes[current] |= set(re.findall(r"dev wg_(\S+)", line))
        for other in SITES:
            if other == s:
                continue
            want = set(expected[s][other])
            for p in prefixes(other):
                checked += 1
                got = routes.get(p, set())
                if got != want:
                    wrong.append(f"{s} -> {p}: via {sorted(got)}, the costs say {sorted(want)}")
    return checked, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave the stress lab up")
    parser.add_argument("--no-build", action="store_true", help="use the running stress lab")
    args = parser.parse_args()
    print("stress lab: 10 sites, full mesh (45 tunnels)")
    names = subprocess.run(
        ["podman", "ps", "--format", "{{.Names}}"], capture_output=True, text=True, check=False
    ).stdout.split()
    others = sorted(n for n in names if not n.startswith(PREFIX))
    if others:
        print(
            f"  note: {len(others)} other containers run ({', '.join(others[:3])} ...): their load"
            " is in these numbers"
        )
    if not args.no_build:
        took, _output = lab_run("up", "site")
        print(f"  build (up + site, image cached)   {took:.1f} s")
    try:
        print(f"  cold OSPF convergence             {cold_convergence():.2f} s")
        time.sleep(10)  # BFD sessions and ECMP settle
        memory = rss_mib()
        print(
            f"  RSS wireguard-go                  {memory['wireguard-go']} MiB"
            f" ({memory['wireguard-go processes']} processes)"
        )
        print(
            f"  RSS bird                          {memory['bird']} MiB"
            f" ({memory['bird processes']} processes)"
        )
        print(f"  RSS every process of the 10 sites {memory['all']} MiB")
        took, out = lab_run("site")
        print(f"  idempotent re-run of site.yml     {took:.1f} s, {changed_tasks(out)} changed")
        checked, wrong = route_mismatches()
        print(f"  routes against the costs          {checked - len(wrong)}/{checked} match")
        for line in wrong:
            print(f"    {line}")
    finally:
        if not args.keep:
            lab_run("down")


if __name__ == "__main__":
    main()
