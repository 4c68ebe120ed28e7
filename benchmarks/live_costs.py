#!/usr/bin/env python
"""Live OSPF cost benchmark on the running `make lab` fleet (prints numbers; asserts nothing).

lab/tools/live_cost_shift.py adds latency (a UDP relay in r1, --delay-ms each way) to the r1 - e1
tunnel, whose cost is measured live, and removes it again; this repeats that N times and prints:
the time from the delay added to r1 and e1 routing each other's prefix through r2, the cost then,
the time from the delay removed to both routes back on the tunnel, and the adjacency resets seen
(expected 0). The lab measures every 2 s with 3 pings, a window of 3 rounds and a hold of 2
(inventories/lab, group_vars/backbone/ospf.yml): a step moves the cost after 3 rounds, about
6 s. Nothing leaves the lab.

Usage: benchmarks/live_costs.py [--runs N] [--delay-ms MS]   (needs `make lab` to have run)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / "lab" / "tools" / "live_cost_shift.py"
PREFIX = "hobbynet-"


def summary(values: list) -> str:
    got = [v for v in values if v is not None]
    missing = len(values) - len(got)
    if not got:
        return f"none of {len(values)}"
    text = f"{statistics.median(got):.2f}  ({min(got):.2f} .. {max(got):.2f})"
    return text + (f"  [{missing} never]" if missing else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay-ms", type=float, default=30.0)
    args = parser.parse_args()
    rows = []
    for run in range(args.runs):
        done = subprocess.run(
            [sys.executable, str(TOOL), "--prefix", PREFIX, "--delay-ms", str(args.delay_ms)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"live_costs.py: run {run + 1}: {done.stderr.strip() or done.stdout.strip()}")
        rows.append(json.loads(done.stdout))
    print(
        f"live OSPF costs, r1 - e1 with +{args.delay_ms:g} ms each way, {args.runs} runs"
        " (median, min .. max):"
    )
    for host in ("r1", "e1"):
        print(f"  route moved at {host} (s)     {summary([r['moved_s'][host] for r in rows])}")
    print(f"  cost under delay           {summary([r['cost_delayed'] for r in rows])}")
    for host in ("r1", "e1"):
        print(f"  route back at {host} (s)      {summary([r['returned_s'][host] for r in rows])}")
    print(f"  cost after                 {summary([r['cost_after'] for r in rows])}")
    resets = [reset for r in rows for reset in r["adjacency_resets"]]
    compared = sum(r["bfd_sessions_compared"] for r in rows)
    print(f"  adjacency resets           {len(resets)} (BFD sessions compared: {compared})")
    for reset in resets:
        print(f"    {reset}")


if __name__ == "__main__":
    main()
