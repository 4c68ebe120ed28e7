#!/usr/bin/env python
"""Anycast DNS benchmark on the running `make lab` fleet (prints numbers; asserts nothing).

outsider, a client of transit t2, asks the anycast address 10.53.0.53 which server answers every
50 ms. lab/tools/anycast_failover.py breaks the site it reaches (PowerDNS stopped; replication
stopped; the health checker killed) and repairs it; this repeats that N times and prints, per
failure: withdrawal (break -> t2 no longer has the site's route), switch (break -> the client is
answered by the other site), the client's unanswered queries and the answers the broken site
still gave until the switch, return (repair -> t2 has the site's route again) and the queries
lost meanwhile. The lab's services check every 0.5 s, fall 2, rise 2 (inventories/lab,
group_vars/edge/anycast.yml). Nothing leaves the lab.

Usage: benchmarks/anycast.py [--runs N]   (needs `make lab` to have run)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / "lab" / "tools" / "anycast_failover.py"
PREFIX = "hobbynet-"
T2 = "198.51.100.202"  # inventories/lab: t2's lab_host_number 202 on hobbynet-inet
FIELDS = (
    "withdrawn_s",
    "switched_s",
    "unanswered",
    "answered_before",
    "returned_s",
    "failed_return",
)


def summary(values: list) -> str:
    got = [v for v in values if v is not None]
    if not got:
        return "-"
    if len(got) == 1:
        return f"{got[0]}"
    return f"{statistics.median(got):g} (min {min(got):g}, max {max(got):g})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {}
    for run in range(args.runs):
        done = subprocess.run(
            [sys.executable, str(TOOL), "--prefix", PREFIX, "--via", T2],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"anycast.py: run {run + 1}: {done.stderr.strip() or done.stdout.strip()}")
        for result in json.loads(done.stdout)["results"]:
            results.setdefault(result["event"], []).append(result)
    print(f"anycast failover, {args.runs} runs (median, min, max):")
    for event, rows in results.items():
        print(f"  {event}:")
        for field in FIELDS:
            print(f"    {field:16} {summary([r.get(field) for r in rows])}")


if __name__ == "__main__":
    main()
