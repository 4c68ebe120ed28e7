#!/usr/bin/env python
"""ADS-B benchmark on the molecule adsb scenario's containers (prints numbers; asserts nothing).

A recorded stream of real Mode S frames (tests/fixtures/adsb/frames.json: the bulk frames round
after round) is sent into a1's dump1090 raw input at each rate, from s1; a1's ADS-B Exchange
feeder (the role's Beast-push feeder) forwards the decoder's Beast output to s1, where the
benchmark's own sink counts what arrives. Sender and sink are one process on s1 (one clock), so
the latency of the probe frame (sent twice a second, never part of the bulk) is end to end: raw
input -> decoder -> Beast output -> feeder -> sink. CPU is read from /proc of the decoder and the
feeder on a1 twice a second during the runs (lab/tools/adsb_lab.py sample), with the decoder's
message count (aircraft.json), and cut into the runs by time (the containers share one clock).

For each rate it prints: frames sent per second (the probe's two a second not counted), frames
the decoder counted per second (aircraft.json "messages"), frames the feeder delivered per second
(probes included), CPU milliseconds per
1,000 frames of the decoder and of the feeder, and the probe latency (median, p90, max).

Usage: benchmarks/adsb.py [--rates 200,1000,5000,20000] [--seconds 20] [--prefix hn-adsb-]
When the scenario's containers are not there, it creates and converges them (molecule create and
converge -s adsb) and destroys them afterwards; containers already there are used and kept. The
scenario's sink (adsb-sink on s1) is stopped for the run and started again afterwards.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TOP / "lab/tools"))
from lab_exec import Containers  # noqa: E402

RECEIVER, SINK = "a1", "s1"
TOOL = "/usr/local/lib/hobbynet-lab/adsb_lab.py"
FRAMES = "/usr/local/lib/hobbynet-lab/frames.json"
SAMPLES = "/tmp/adsb-bench-samples.jsonl"
UNITS = {"decoder": "dump1090-mutability.service", "feeder": "adsb-feeder-adsbexchange.service"}


def at(samples: list[dict], moment: float) -> dict:
    """The last sample taken at or before ``moment`` (the first one if none is)."""
    earlier = [s for s in samples if s["t"] <= moment]
    return earlier[-1] if earlier else samples[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rates", default="200,1000,5000,20000", help="frames per second, comma-separated"
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--prefix", default="hn-adsb-")
    parser.add_argument(
        "--decoder", default="198.18.48.11", help="a1's decoder address (its bind address)"
    )
    parser.add_argument(
        "--port", type=int, default=30004, help="the port a1's feeder pushes to on s1"
    )
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    lab = Containers(args.prefix, "adsb.py")
    exists = subprocess.run(["podman", "container", "exists", args.prefix + RECEIVER], check=False)
    created = exists.returncode != 0
    if created:
        for step in ("create", "converge"):
            done = subprocess.run(
                ["molecule", step, "-s", "adsb"],
                cwd=TOP,
                check=False,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                tail = (done.stdout + done.stderr)[-3000:]
                sys.exit(f"adsb.py: molecule {step} -s adsb failed:\n{tail}")
    try:
        measure(lab, args, rates)
    finally:
        if created:
            subprocess.run(
                ["molecule", "destroy", "-s", "adsb"],
                cwd=TOP,
                check=False,
                capture_output=True,
            )


def measure(lab: Containers, args: argparse.Namespace, rates: list[int]) -> None:
    lab.sh(RECEIVER, "mkdir -p /usr/local/lib/hobbynet-lab")
    lab.copy(str(TOP / "lab/tools/adsb_lab.py"), RECEIVER, TOOL)
    lab.copy(str(TOP / "lab/tools/adsb_lab.py"), SINK, TOOL)
    pids = {
        name: lab.sh(RECEIVER, f"systemctl show -p MainPID --value {unit}").strip()
        for name, unit in UNITS.items()
    }
    # Long enough for the feeder to reconnect (its backoff) and every run.
    budget = 90 + len(rates) * (args.seconds + 5)
    lab.sh(
        RECEIVER, f"pkill -f 'adsb_lab[.]py sample'; rm -f {SAMPLES}", check=False
    )  # a run cut short
    lab.detach(
        RECEIVER,
        [
            "python3",
            TOOL,
            "sample",
            "--seconds",
            str(budget),
            "--out",
            SAMPLES,
            *[f"--pid={pid}" for pid in pids.values()],
        ],
    )
    lab.sh(SINK, "systemctl stop adsb-sink.service")
    try:
        out = lab.sh(
            SINK,
            f"python3 {TOOL} bench --frames {FRAMES} --to {args.decoder}:30001 "
            f"--listen 0.0.0.0:{args.port} --rates {args.rates} --seconds {args.seconds}",
        )
    finally:
        lab.sh(SINK, "systemctl start adsb-sink.service", check=False)
    runs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    samples = [
        json.loads(line) for line in lab.sh(RECEIVER, f"cat {SAMPLES}").splitlines() if line.strip()
    ]
    lab.sh(RECEIVER, f"pkill -f 'adsb_lab[.]py sample'; rm -f {SAMPLES}", check=False)

    print(
        f"{'rate/s':>7} {'sent/s':>8} {'decoded/s':>9} {'fed/s':>8} {'dec ms/1k':>9} "
        f"{'feed ms/1k':>10} "
        f"{'lat p50':>8} {'lat p90':>8} {'lat max':>8} {'probes':>7}"
    )
    for r in runs:
        first, last = at(samples, r["started"]), at(samples, r["ended"] + 1.5)
        # Counted up to 1.5 s after the run (the JSON is a second behind), per second of run.
        decoded = (last["messages"] or 0) - (first["messages"] or 0)
        cpu = {name: (last[pid] - first[pid]) * 1000 for name, pid in pids.items()}
        dec_ms = round(cpu["decoder"] / decoded * 1000, 2) if decoded else None
        feed_ms = round(cpu["feeder"] / r["received"] * 1000, 2) if r["received"] else None
        print(
            f"{int(r['rate']):>7} {r['sent_per_s']:>8} {round(decoded / r['seconds'], 1):>9} "
            f"{r['received_per_s']:>8} {dec_ms!s:>9} {feed_ms!s:>10} {r['latency_ms_median']!s:>8} "
            f"{r['latency_ms_p90']!s:>8} {r['latency_ms_max']!s:>8} "
            f"{r['probes_received']:>3}/{r['probes_sent']:<3}"
        )


if __name__ == "__main__":
    main()
