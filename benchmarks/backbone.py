#!/usr/bin/env python
"""Backbone benchmark on the running `make lab` fleet (prints numbers; asserts nothing).

1. Cold convergence: stop bird on every site, start it on all at once, and time until every site
   has a BIRD route to every other site's prefixes (IPv4 and IPv6). Each site watches its own
   routing table from inside (a 20 ms poll loop), so the time is not blurred by `podman exec`.
2. Link cut: r1 pings r3's prefix from its own every 10 ms; r1 reaches r3 through r2 (the costs
   make two hops beat the direct tunnel). nftables inside r1 drops the r1-r2 tunnel's underlay
   packets (the interface stays up); the longest gap between replies is the outage. Then the cut
   is lifted: time until r1 routes through r2 again, and pings lost meanwhile. Done with BFD on
   (the role's default) and with BFD off on r1 and r2 (their bird.conf edited, restored after).
3. ECMP: e1 reaches e2 over two equal-cost paths (the direct tunnel, cost 20, and r1-r2-r3,
   1+5+5+9), installed as one multipath route. e1 pings e2's prefix from its own every 10 ms; the
   underlay of the path that flow takes (the kernel hashes it onto one next hop) is dropped in
   e1; the longest gap between replies is the outage, bounded by BFD's detection (3 x 100 ms).

All traffic stays inside the lab containers (lo prefixes over the lab tunnels). Usage:
    benchmarks/backbone.py [--runs N] [--ecmp-runs N]        (needs `make lab` to have run)
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import time

PREFIX = "hobbynet-"
SITES = {"r1": 1, "r2": 2, "r3": 3, "e1": 4, "e2": 5}  # inventories/lab backbone_id
CUT_PEER_ADDR = "198.51.100.12"
BACKUP = "/root/bird.conf.bench-backup"  # r2's underlay address; r1's tunnel to r2 rides on it


def lo4(site: str) -> str:
    return f"10.64.{SITES[site]}.1"


def sh(host: str, script: str, check: bool = True) -> str:
    proc = subprocess.run(
        ["podman", "exec", PREFIX + host, "bash", "-c", script],
        capture_output=True,
        text=True,
        check=False,
    )
    if check and proc.returncode != 0:
        sys.exit(f"backbone.py: on {host}: {script!r} failed: {proc.stderr.strip()}")
    return proc.stdout


def wanted_routes(site: str) -> list[str]:
    others = [s for s in SITES if s != site]
    return [f"10.64.{SITES[s]}.0/24" for s in others] + [
        f"2001:db8:64:{SITES[s]}::/64" for s in others
    ]


def cold_convergence() -> float:
    for s in SITES:
        sh(s, "systemctl stop bird")
    # Each site waits (inside) until every other site's prefixes are BIRD routes, then prints the
    # time; all watchers start before bird does.
    watchers = {}
    for s in SITES:
        checks = " && ".join(
            f"ip {'-6' if ':' in r else '-4'} route show {r} proto bird | grep -q ."
            for r in wanted_routes(s)
        )
        script = (
            f"end=$((SECONDS + 90)); until {checks}; do sleep 0.02; "
            "[ $SECONDS -lt $end ] || exit 1; done; date +%s.%N"
        )
        watchers[s] = subprocess.Popen(
            ["podman", "exec", PREFIX + s, "bash", "-c", script], stdout=subprocess.PIPE, text=True
        )
    time.sleep(0.5)
    t0 = time.time()
    starters = [
        subprocess.Popen(["podman", "exec", PREFIX + s, "systemctl", "start", "bird"])
        for s in SITES
    ]
    for p in starters:
        p.wait()
    done = {}
    for s, p in watchers.items():
        out = p.communicate(timeout=120)[0]
        if p.returncode != 0:
            sys.exit(f"backbone.py: {s} did not converge within 90 s")
        done[s] = float(out.strip())
    return max(done.values()) - t0


def set_bfd(enabled: bool) -> None:
    for s in ("r1", "r2"):
        if enabled:
            sh(s, f"cp {BACKUP} /etc/bird/bird.conf && rm {BACKUP}")
        else:
            sh(s, f"cp -p /etc/bird/bird.conf {BACKUP}")
            sh(s, "sed -i 's/bfd yes;/bfd no;/' /etc/bird/bird.conf")
        sh(s, "birdc configure | grep -q Reconfigured")
    time.sleep(2)


def block_underlay(host: str, outgoing: str, incoming: str) -> None:
    """Drop the tunnel packets matching ``outgoing``/``incoming`` in ``host`` (own nft table)."""
    sh(
        host,
        "nft add table inet bench && "
        "nft add chain inet bench out '{ type filter hook output priority 0; }' && "
        "nft add chain inet bench in '{ type filter hook input priority 0; }' && "
        f"nft add rule inet bench out {outgoing} drop && "
        f"nft add rule inet bench in {incoming} drop",
    )


def unblock_underlay(host: str) -> None:
    sh(host, "nft delete table inet bench")


def route_dev(dst: str) -> str:
    """The interface r1 routes dst through, or 'none' while it has no route."""
    out = sh("r1", f"ip route get {dst} from {lo4('r1')}", check=False)
    return out.split(" dev ")[1].split()[0] if " dev " in out else "none"


def wait_for_direct_path(dst: str, limit_s: float = 90) -> float:
    """Wait until r1 routes dst through wg_r2 (the best path) again; return the wait."""
    t0 = time.time()
    while route_dev(dst) != "wg_r2":
        if time.time() - t0 > limit_s:
            sys.exit(f"backbone.py: r1 has no route to {dst} via wg_r2 after {limit_s} s")
        time.sleep(0.2)
    return time.time() - t0


def link_cut(label: str) -> dict:
    dst = lo4("r3")
    wait_for_direct_path(dst)
    time.sleep(5)  # BFD sessions come up a moment after the OSPF adjacency
    # 10 ms pings for a bounded 40 s; -D prints a timestamp per reply.
    ping = subprocess.Popen(
        [
            "podman",
            "exec",
            PREFIX + "r1",
            "ping",
            "-D",
            "-n",
            "-i",
            "0.01",
            "-w",
            "40",
            "-I",
            lo4("r1"),
            dst,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    cut = time.time()
    block_underlay(
        "r1",
        f"ip daddr {CUT_PEER_ADDR} udp dport 51821",
        f"ip saddr {CUT_PEER_ADDR} udp sport 51821",
    )
    # Wait for the reroute, then keep the cut long enough for a dead-timer detection too.
    deadline = time.time() + 25
    while route_dev(dst) == "wg_r2" and time.time() < deadline:
        time.sleep(0.1)
    rerouted_dev = route_dev(dst)
    time.sleep(max(0.0, cut + 22 - time.time()))
    lifted = time.time()
    unblock_underlay("r1")
    back = None
    while time.time() < lifted + 14:
        if route_dev(dst) == "wg_r2":
            back = time.time() - lifted
            break
        time.sleep(0.05)
    out = ping.communicate(timeout=60)[0]
    stamps = []
    for line in out.splitlines():
        if line.startswith("[") and "icmp_seq=" in line:
            stamps.append(
                (float(line[1 : line.index("]")]), int(line.split("icmp_seq=")[1].split()[0]))
            )
    gaps = [(b[0] - a[0], a[0]) for a, b in itertools.pairwise(stamps)]
    during_cut = [g for g in gaps if cut - 0.5 <= g[1] < lifted]
    outage = max(during_cut, default=(0.0, 0.0))[0]
    after = [seq for ts, seq in stamps if ts >= lifted]
    lost_after_lift = (after[-1] - after[0] + 1 - len(after)) if after else None
    return {
        "label": label,
        "outage_s": outage,
        "rerouted_via": rerouted_dev,
        "back_to_direct_s": back,
        "lost_after_lift": lost_after_lift,
        "replies": len(stamps),
    }


UNDERLAY = {"r1": "198.51.100.11", "e2": "198.51.100.22"}  # inventories/lab: .11, .22


def ecmp_paths() -> list[str]:
    """The devices of e1's multipath route to e2's prefix."""
    out = sh("e1", f"ip route show 10.64.{SITES['e2']}.0/24")
    return sorted(set(out.split(" dev ")[i].split()[0] for i in range(1, out.count(" dev ") + 1)))


def ecmp_cut() -> dict:
    """Cut the path e1's pings to e2 take; the gap until the other equal path carries them."""
    dst, src = lo4("e2"), lo4("e1")
    deadline = time.time() + 60
    while len(ecmp_paths()) < 2:
        if time.time() > deadline:
            sys.exit(f"backbone.py: e1 has no two-path route to e2 ({ecmp_paths()})")
        time.sleep(0.5)
    time.sleep(3)
    used = sh("e1", f"ip route get {dst} from {src}").split(" dev ")[1].split()[0]
    peer = "e2" if used == "wg_e2" else "r1"
    ping = subprocess.Popen(
        [
            "podman",
            "exec",
            PREFIX + "e1",
            "ping",
            "-D",
            "-n",
            "-i",
            "0.01",
            "-w",
            "12",
            "-I",
            src,
            dst,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    cut = time.time()
    addr = UNDERLAY[peer]
    block_underlay("e1", f"ip daddr {addr} meta l4proto udp", f"ip saddr {addr} meta l4proto udp")
    time.sleep(5)
    paths_during = ecmp_paths()
    unblock_underlay("e1")
    out = ping.communicate(timeout=30)[0]
    stamps = [
        float(line[1 : line.index("]")])
        for line in out.splitlines()
        if line.startswith("[") and "icmp_seq=" in line
    ]
    gaps = [(b - a, a) for a, b in itertools.pairwise(stamps)]
    outage = max((g for g in gaps if cut - 0.5 <= g[1] < cut + 5), default=(0.0, 0.0))[0]
    return {"cut": used, "outage_s": outage, "paths_during": paths_during}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="cold-convergence repetitions")
    ap.add_argument("--ecmp-runs", type=int, default=3, help="ECMP path cuts")
    args = ap.parse_args()

    colds = [cold_convergence() for _run in range(args.runs)]
    print(
        f"cold convergence, 5 sites (s): {' '.join(f'{c:.2f}' for c in colds)}"
        f"   median {statistics.median(colds):.2f}"
    )
    time.sleep(25)  # let BFD sessions and the NAT'd site settle before cutting

    results = [link_cut("BFD on (100 ms x 3)")]
    # Reconfiguring `bfd` restarts the OSPF interfaces: link_cut waits for the path to come back.
    set_bfd(False)
    try:
        results.append(link_cut("BFD off (dead 20 s)"))
    finally:
        set_bfd(True)
    ecmp = []
    for _run in range(args.ecmp_runs):
        ecmp.append(ecmp_cut())
        time.sleep(8)  # the cut adjacency comes back (BFD, then OSPF) before the next cut
    print("ECMP e1 -> e2 (two equal paths), the used one cut in e1; e1 pings e2 every 10 ms:")
    for r in ecmp:
        print(f"  cut {r['cut']:7} outage {r['outage_s']:.3f} s   paths left {r['paths_during']}")
    print("link cut r1-r2 (underlay dropped in r1, interface up); r1 pings r3 every 10 ms:")
    print(
        f"  {'':22} {'outage s':>9} {'rerouted via':>13} {'back to direct s':>17} "
        f"{'lost after lift':>16}"
    )
    for r in results:
        back = (
            f"{r['back_to_direct_s']:.2f}" if r["back_to_direct_s"] is not None else "not in 14 s"
        )
        print(
            f"  {r['label']:22} {r['outage_s']:9.2f} {r['rerouted_via']:>13} {back:>17} "
            f"{r['lost_after_lift']!s:>16}"
        )


if __name__ == "__main__":
    main()
