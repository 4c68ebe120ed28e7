#!/usr/bin/env python
"""BGP edge benchmark on the running `make lab` fleet (prints numbers; asserts nothing).

The lab's transit t1 sends r1 a synthetic full table, generated here (no download): N IPv4 /24s
from 20.0.0.0 up and M IPv6 /48s from 2a00:: up (defaults 1,000,000 and 230,000, today's
Internet), all of which pass r1's filter library. Measured on r1 (our edge, the bird2 role's
configuration) and d1 (its downstream, which takes the full table from r1):

1. Import: from t1's `birdc configure` (which starts announcing) until r1's BIRD holds every
   route, and until r1's kernel FIB does (BIRD's kernel protocol, krt_prefsrc on each route);
   BIRD's RSS and `show memory`, the kernel's FIB size.
2. `birdc configure` on r1 with the table loaded: unchanged configuration, then a change of t1's
   local preference (BIRD re-runs the import filter over every route, keeping the session).
3. Session flap: t1 resets its session to r1 (`birdc restart`); time until r1's BIRD and kernel
   hold the full table again, and every other protocol of r1, t1 and the lab's other BGP hosts
   keeps its uptime (none restarted).
4. Default only: t1's session switched to transit_routes default (the import filter's switch in
   r1's bird.conf), `birdc configure`: its time, and how long until BIRD and the kernel are back to
   a small table; RSS after.

r1's receive limit for t1 (1000 in the lab inventory) is raised for the run. Everything is put
back at the end (t1's and r1's bird.conf restored, `birdc configure`). Usage:
    benchmarks/bgp_fulltable.py [--ipv4 N] [--ipv6 M]      (needs `make lab` to have run)
"""

from __future__ import annotations

import argparse
import ipaddress
import re
import subprocess
import sys
import time
from pathlib import Path

PREFIX = "hobbynet-"
LAB_BGP = Path(__file__).resolve().parents[1] / "lab" / "filter_plugins" / "lab_bgp.py"
T1_CONF = "/etc/bird/bird.conf"
T1_BENCH = "/etc/bird/bench-fulltable.conf"
R1_BACKUP = "/root/bird.conf.bench-backup"
T1_BACKUP = "/root/bird.conf.bench-backup"
WATCHED = ("r1", "t1", "t2", "r2", "r3", "rs1", "x1", "d1")


def sh(host: str, script: str, stdin: str | None = None, check: bool = True) -> str:
    proc = subprocess.run(
        ["podman", "exec", "-i", PREFIX + host, "bash", "-c", script],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and proc.returncode != 0:
        sys.exit(f"bgp_fulltable.py: on {host}: {script[:80]!r} failed: {proc.stderr.strip()}")
    return proc.stdout


def static_routes(ipv4: int, ipv6: int) -> str:
    """t1's extra static protocols: named announce* so the lab's export filter sends them."""
    base4 = int(ipaddress.IPv4Address("20.0.0.0"))
    base6 = int(ipaddress.IPv6Address("2a00::"))
    lines = ["protocol static announce_bench4 {", "\tipv4;"]
    lines += [
        f"\troute {ipaddress.IPv4Address(base4 + (i << 8))}/24 blackhole;" for i in range(ipv4)
    ]
    lines += ["}", "protocol static announce_bench6 {", "\tipv6;"]
    lines += [
        f"\troute {ipaddress.IPv6Address(base6 + (i << 80))}/48 blackhole;" for i in range(ipv6)
    ]
    lines.append("}")
    return "\n".join(lines) + "\n"


# A watcher inside r1 (and d1): polls BIRD's and the kernel's route counts and prints the time
# (seconds since the epoch) when each reaches its target; a 0.2 s loop that runs where the
# routes are, so `podman exec` latency does not blur it. BIRD's count from `show route count`,
# the kernel's from /proc/net/fib_triestat (Main: Prefixes) and /proc/net/rt6_stats (entries).
WATCH = r"""
want4=$1; want6=$2; kwant4=$3; kwant6=$4; mode=$5; deadline=$(( $(date +%s) + $6 ))
# flap: first see the count fall below the target (the session went down), then reach it.
bird_fell=""; kernel_fell=""; [ "$mode" = flap ] || { bird_fell=y; kernel_fell=y; }
[ "$mode" = flap ] && mode=up
reached() {  # count4 count6 target4 target6
  if [ "$mode" = up ]; then [ "$1" -ge "$3" ] && [ "$2" -ge "$4" ]
  else [ "$1" -le "$3" ] && [ "$2" -le "$4" ]; fi
}
bird_done=""; kernel_done=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  if [ -z "$bird_done" ]; then
    out=$(birdc -r show route count)
    b4=$(echo "$out" | awk '/in table master4/ {print $1}')
    b6=$(echo "$out" | awk '/in table master6/ {print $1}')
    b4=${b4:-0}; b6=${b6:-0}
    if [ -z "$bird_fell" ]; then
      { [ "$b4" -lt "$want4" ] || [ "$b6" -lt "$want6" ]; } && bird_fell=y
    elif reached "$b4" "$b6" "$want4" "$want6"; then
      bird_done=$(date +%s.%N); echo "bird $bird_done $b4 $b6"
    fi
  fi
  if [ -z "$kernel_done" ]; then
    k4=$(awk '/^Main:/ {m=1} m && /Prefixes:/ {print $2; exit}' /proc/net/fib_triestat)
    k6=$((16#$(awk '{print $4}' /proc/net/rt6_stats)))
    if [ -z "$kernel_fell" ]; then
      { [ "$k4" -lt "$kwant4" ] || [ "$k6" -lt "$kwant6" ]; } && kernel_fell=y
    elif reached "$k4" "$k6" "$kwant4" "$kwant6"; then
      kernel_done=$(date +%s.%N); echo "kernel $kernel_done $k4 $k6"
    fi
  fi
  [ -n "$bird_done" ] && [ -n "$kernel_done" ] && exit 0
  sleep 0.2
done
echo "timeout bird=${b4:-?}/${b6:-?} kernel=${k4:-?}/${k6:-?}"; exit 1
"""


def start_watch(host: str, add4: int, add6: int, mode: str, limit_s: int) -> subprocess.Popen:
    """Watch ``host`` until BIRD and the kernel hold add4/add6 routes more than now (mode up,
    flap) or at most 10 more than the baseline of the run (mode down, see BASE)."""
    bird4, bird6 = BASE[host]["bird"]
    kernel4, kernel6 = BASE[host]["kernel"]
    if mode == "down":
        targets = [bird4 + 10, bird6 + 10, kernel4 + 10, kernel6 + 10]
    else:
        targets = [bird4 + add4, bird6 + add6, kernel4 + add4, kernel6 + add6]
    return subprocess.Popen(
        [
            "podman",
            "exec",
            PREFIX + host,
            "bash",
            "-c",
            WATCH,
            "watch",
            *[str(t) for t in targets],
            mode,
            str(limit_s),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_watch(proc: subprocess.Popen, start: float, host: str) -> dict[str, float | str]:
    out, err = proc.communicate()
    result: dict[str, float | str] = {}
    for line in out.splitlines():
        fields = line.split()
        if fields[0] in ("bird", "kernel"):
            result[fields[0]] = f"{float(fields[1]) - start:.1f}"
            result[fields[0] + "_routes"] = f"{fields[2]} + {fields[3]}"
        elif fields[0] == "timeout":
            result["timeout"] = line
    if proc.returncode != 0:
        result.setdefault("timeout", f"{host}: {err.strip() or out.strip()}")
    return result


def counts(host: str) -> tuple[int, int]:
    out = sh(host, "birdc -r show route count")
    four = re.search(r"(\d+) of \d+ routes for \d+ networks in table master4", out)
    six = re.search(r"(\d+) of \d+ routes for \d+ networks in table master6", out)
    return int(four.group(1)) if four else 0, int(six.group(1)) if six else 0


def memory(host: str) -> str:
    rss_kib = int(sh(host, "ps -o rss= -C bird | head -1").strip() or 0)
    total = re.search(r"Total:\s+(\S+ \S+)", sh(host, "birdc -r show memory"))
    return (
        f"BIRD RSS {rss_kib / 1024:.0f} MiB (show memory total {total.group(1) if total else '?'})"
    )


def kernel_counts(host: str) -> tuple[int, int]:
    k4 = sh(host, "awk '/^Main:/ {m=1} m && /Prefixes:/ {print $2; exit}' /proc/net/fib_triestat")
    k6 = int(sh(host, "awk '{print $4}' /proc/net/rt6_stats").strip(), 16)
    return int(k4), k6


# The route counts of r1 and d1 before the run: {host: {bird: (v4, v6), kernel: (v4, v6)}}.
BASE: dict[str, dict[str, tuple[int, int]]] = {}


def fib(host: str) -> str:
    k4, k6 = kernel_counts(host)
    slab = sh(host, "free -m | awk '/Mem:/ {print $3}'").strip()
    return f"kernel FIB {int(k4):,} IPv4 + {k6:,} IPv6 prefixes (machine memory used {slab} MiB)"


def configure(host: str) -> float:
    start = time.monotonic()
    out = sh(host, "birdc configure")
    if "Reconfigured" not in out and "Reconfiguration in progress" not in out:
        sys.exit(f"bgp_fulltable.py: birdc configure on {host}: {out.strip()}")
    return time.monotonic() - start


def protocols(host: str) -> list[str]:
    lines = sh(host, "birdc -r show protocols").splitlines()
    rows = [
        line.split() for line in lines if line and not line.startswith(("BIRD", "Name", "Access"))
    ]
    return [f"{r[0]} {r[3]} {r[4]}" for r in rows if len(r) >= 5]


def changed_protocols(before: dict[str, list[str]], skip: set[str]) -> list[str]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("lab_bgp", LAB_BGP)
    lab_bgp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lab_bgp)
    out = []
    for host, was in before.items():
        now = protocols(host)
        keep = [p for p in now if f"{host}:{p.split()[0]}" not in skip]
        old = [p for p in was if f"{host}:{p.split()[0]}" not in skip]
        out += [f"{host}: {c}" for c in lab_bgp.lab_protocols_changed(keep, old)]
    return out


def set_t1_import(default: bool, full: bool, pref: int = 50) -> None:
    """r1's sessions to t1 (t1, t1v6) as the role renders them for local_pref and
    transit_routes: the import filter's arguments (want_default, want_full), and `import keep
    filtered off` on a default-only session (the role's plan, keep_filtered)."""
    keep = "on" if full else "off"
    sh(
        "r1",
        "sed -i -E 's/hobbynet_bgp_import_transit\\(64497, [0-9]+, false, (true|false), "
        f"(true|false)\\)/hobbynet_bgp_import_transit(64497, {pref}, false, "
        f"{str(default).lower()}, {str(full).lower()})/' /etc/bird/bird.conf && "
        "awk -v keep=" + keep + " '/^protocol bgp t1(v6)? / {t=1} /^}/ {t=0} "
        't && /import keep filtered/ {sub(/filtered (on|off)/, "filtered " keep)} {print}\' '
        "/etc/bird/bird.conf > /tmp/b && cat /tmp/b > /etc/bird/bird.conf",
    )


def flap(args: argparse.Namespace, label: str) -> None:
    """t1 resets its sessions to r1; time until r1 holds the full table again, and which other
    protocols of the lab's BGP hosts restarted (none may)."""
    time.sleep(5)
    before = {h: protocols(h) for h in WATCHED}
    watch_r1 = start_watch("r1", args.ipv4, args.ipv6, "flap", args.timeout)
    start = time.time()
    sh("t1", "birdc 'restart \"r1*\"'")
    r1 = finish_watch(watch_r1, start, "r1")
    changed = changed_protocols(before, {"r1:t1", "r1:t1v6", "t1:r1", "t1:r1v6"})
    print(
        f"   {label}: r1's BIRD full again after {r1.get('bird', 'n/a')} s, kernel after "
        f"{r1.get('kernel', 'n/a')} s {r1.get('timeout', '')}; other protocols restarted "
        f"(r1, t1, t2, r2, r3, rs1, x1, d1): {changed or 'none'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ipv4", type=int, default=1_000_000)
    parser.add_argument("--ipv6", type=int, default=230_000)
    parser.add_argument("--timeout", type=int, default=900, help="seconds per wait")
    args = parser.parse_args()

    # r1: raise t1's receive limit; mark t1's import filter line (the first transit import is
    # t1's: inventories/lab/host_vars/r1.yml lists it first). Backups first, restored at the end.
    base4 = 1_000_000
    sh("r1", f"cp -p /etc/bird/bird.conf {R1_BACKUP}")
    sh("t1", f"cp -p {T1_CONF} {T1_BACKUP}")
    try:
        sh(
            "r1",
            "awk 'BEGIN {t=0} /^protocol bgp t1 / {t=1} t && /receive limit/ "
            '{sub(/receive limit [0-9]+/, "receive limit 5000000"); t=0} {print}\' '
            "/etc/bird/bird.conf > /tmp/b && cat /tmp/b > /etc/bird/bird.conf",
        )
        print(f"r1: birdc configure with t1's limit raised: {configure('r1'):.2f} s")
        # Every session of r1 up first (a session still in BIRD's error backoff would add its
        # wait to the import time).
        deadline = time.monotonic() + args.timeout
        while "Established" not in sh("r1", "birdc -r show protocols t1"):
            if time.monotonic() > deadline:
                sys.exit("bgp_fulltable.py: r1's session t1 is not Established")
            time.sleep(1)
        base4, base6 = counts("r1")
        for host in ("r1", "d1"):
            BASE[host] = {"bird": counts(host), "kernel": kernel_counts(host)}
        print(f"r1 before: {base4} IPv4 + {base6} IPv6 routes; {memory('r1')}; {fib('r1')}")

        generated = time.monotonic()
        text = static_routes(args.ipv4, args.ipv6)
        sh("t1", f"cat > {T1_BENCH}", stdin=text)
        sh("t1", f"echo 'include \"{T1_BENCH}\";' >> {T1_CONF}")
        print(
            f"t1: {args.ipv4:,} IPv4 + {args.ipv6:,} IPv6 static routes written "
            f"({len(text) / 1e6:.0f} MB) in {time.monotonic() - generated:.1f} s"
        )

        # 1. Import.
        watch_r1 = start_watch("r1", args.ipv4, args.ipv6, "up", args.timeout)
        # d1 has an IPv4 session only (inventories/lab/host_vars/r1.yml).
        watch_d1 = start_watch("d1", args.ipv4, 0, "up", args.timeout)
        start = time.time()
        t1_configure = configure("t1")
        r1 = finish_watch(watch_r1, start, "r1")
        d1 = finish_watch(watch_d1, start, "d1")
        print(f"\n1. import (from t1's birdc configure, which took {t1_configure:.1f} s to parse)")
        print(f"   r1 BIRD: {r1.get('bird', 'n/a')} s ({r1.get('bird_routes', '')} routes)")
        print(f"   r1 kernel: {r1.get('kernel', 'n/a')} s ({r1.get('kernel_routes', '')} prefixes)")
        print(
            f"   d1 (downstream, full table from r1): BIRD {d1.get('bird', 'n/a')} s, "
            f"kernel {d1.get('kernel', 'n/a')} s"
        )
        for where in (r1, d1):
            if "timeout" in where:
                print(f"   {where['timeout']}")
        print(f"   r1: {memory('r1')}; {fib('r1')}")
        print(f"   t1: {memory('t1')}")
        print(f"   r1 krt_prefsrc: {sh('r1', 'ip route get 20.0.1.1 | head -1').strip()}")

        # 2. birdc configure with the table loaded.
        print("\n2. birdc configure on r1 with the full table loaded")
        print(f"   unchanged configuration: {configure('r1'):.2f} s")
        before = {h: protocols(h) for h in WATCHED}
        set_t1_import(True, True, pref=55)
        print(f"   t1's local preference 50 -> 55 (import filter re-run): {configure('r1'):.2f} s")
        settle = time.monotonic()
        while "BGP.local_pref: 55" not in sh("r1", "birdc -r show route 20.0.0.0/24 all"):
            time.sleep(0.2)
        print(f"   routes carrying the new preference after {time.monotonic() - settle:.2f} s more")
        set_t1_import(True, True, pref=50)
        configure("r1")
        changed = changed_protocols(before, set())
        print(f"   protocols restarted meanwhile: {changed or 'none'}")

        # 3. Session flap, with r1's error wait time as rendered, then with a short one.
        print("\n3. flap: t1 restarts its session to r1 (full table)")
        wait = re.search(r"error wait time (\d+), (\d+);", sh("r1", "cat /etc/bird/bird.conf"))
        flap(args, f"error wait time {wait.group(1) if wait else '?'} s (the role's default)")
        print(
            "   (BIRD does not count a reset by the peer as an error: no wait; a session that "
            "failed within the last 300 s waits the error wait time out, doubling)"
        )
        # Changing it restarts r1's sessions: wait for the full table first.
        sh(
            "r1",
            "sed -i -E 's/error wait time [0-9]+, ([0-9]+);/error wait time 5, \\1;/' "
            "/etc/bird/bird.conf",
        )
        configure("r1")
        finish_watch(start_watch("r1", args.ipv4, args.ipv6, "up", args.timeout), 0.0, "r1")
        flap(args, "bird2_bgp_error_wait_time [5, 300]")

        # 4. Default only.
        set_t1_import(True, False)
        watch_r1 = start_watch("r1", 0, 0, "down", args.timeout)
        start = time.time()
        took = configure("r1")
        r1 = finish_watch(watch_r1, start, "r1")
        print("\n4. t1 switched to default only (transit_routes: default: the filter's switch, and")
        print("   import keep filtered off, which restarts t1's sessions)")
        print(
            f"   birdc configure: {took:.2f} s; BIRD back to a small table after "
            f"{r1.get('bird', 'n/a')} s, kernel after {r1.get('kernel', 'n/a')} s"
        )
        print(f"   r1: {memory('r1')}; {fib('r1')}; counts {counts('r1')}")
        print(f"   unchanged configuration, default only: {configure('r1'):.2f} s")
    finally:
        # t1 withdraws first; r1 gets its receive limit back only once it holds a small table
        # again (else the limit trips and the session waits out BIRD's error backoff).
        sh("t1", f"cp -p {T1_BACKUP} {T1_CONF} && rm -f {T1_BENCH} && birdc configure", check=False)
        deadline = time.monotonic() + args.timeout
        while counts("r1")[0] > base4 + 10 and time.monotonic() < deadline:
            time.sleep(0.5)
        sh("r1", f"cp -p {R1_BACKUP} /etc/bird/bird.conf && birdc configure", check=False)
        print("\nrestored t1's and r1's bird.conf")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
