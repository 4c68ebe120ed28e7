#!/usr/bin/env python
"""DNS core benchmark on the running `make lab` fleet (prints numbers; asserts nothing).

1. Propagation: a change made through the PowerDNS API of a writer (r1, r2, r3 in turn) until
   PowerDNS on EVERY server answers it (the two replicas e1 e2, and the two other writers), for
   each kind of change: a new record, a changed record, a new zone, a deleted record, a deleted
   zone. Every server runs a watcher inside its container that queries 127.0.0.1 every 5 ms from
   before the change (so the old answer, NXDOMAIN or REFUSED included, sits in PowerDNS' caches,
   as in real life) and prints the wall-clock time it first sees the new answer. Containers share
   the host's clock, so times compare across hosts without `podman exec` latency. p50/p95/max, over
   N changes of each kind, of the time until the LAST server answers; the replicas alone too.
2. Writer killed: mariadbd is killed (SIGKILL) on the Galera node the replicas' routers use. A
   surviving writer writes a TXT record holding the issue time through its API every 100 ms;
   measured: kill -> the first write issued after the kill that completes; kill -> every replica
   answers a value written after the kill; the killed node's rejoin: systemd restarts it
   (Restart=on-abnormal, 5 s), then start -> Synced, and whether it rejoined by IST or SST (the
   SST script's last journal line).
3. Queries per second with dnsperf on one replica (e1) against a small zone, from inside the
   replica to 127.0.0.1: as deployed (packet cache on, the cache follower running), then with
   every answer cache off (cache-ttl, query-cache-ttl, negquery-cache-ttl and the zone cache at 0,
   through a temporary pdns.d file that is removed afterwards), the price of propagation without
   the follower.

The API key comes from the lab inventory (inventories/lab/group_vars/all/dns.yml, a lab-only
secret) and reaches the agent inside a writer on its standard input, never on a command line;
nothing leaves the lab.
Usage: benchmarks/dns.py [--changes N] [--dnsperf-seconds S] [--parts propagation,kill,qps]
       (needs `make lab` to have run)
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

PREFIX = "hobbynet-"
WRITERS = ["r1", "r2", "r3"]  # inventories/lab: group galera
REPLICAS = ["e1", "e2"]  # inventories/lab: group dns_replicas
SERVERS = WRITERS + REPLICAS  # every host runs PowerDNS
LAB_DNS_VARS = Path(__file__).resolve().parents[1] / "inventories/lab/group_vars/all/dns.yml"

# Runs inside a lab host (python3 from the lab image): a minimal DNS client and the API caller.
AGENT = r'''
import json, random, socket, struct, sys, time, urllib.request

def query(name, qtype):
    """(rcode, [answers]) from PowerDNS on 127.0.0.1; A -> dotted quads, TXT -> strings."""
    qid = random.randrange(65536)
    qt = {"A": 1, "TXT": 16, "SOA": 6}[qtype]
    packet = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
    packet += b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".")) + b"\0"
    packet += struct.pack(">HH", qt, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    try:
        s.sendto(packet, ("127.0.0.1", 53))
        data = s.recv(4096)
    except OSError:
        return None, []
    finally:
        s.close()
    rid, flags, qd, an = struct.unpack(">HHHH", data[:8])
    if rid != qid:
        return None, []
    pos = 12
    for _ in range(qd):
        while data[pos]:
            pos += data[pos] + 1
        pos += 5
    out = []
    for _ in range(an):
        if data[pos] & 0xC0 == 0xC0:
            pos += 2
        else:
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        rtype, _cls, _ttl, rdlen = struct.unpack(">HHIH", data[pos:pos + 10])
        rdata = data[pos + 10:pos + 10 + rdlen]
        pos += 10 + rdlen
        if rtype == 1:
            out.append(".".join(str(b) for b in rdata))
        elif rtype == 16:
            out.append(rdata[1:1 + rdata[0]].decode())
    return flags & 0xF, out

def api(key, method, path, body, timeout=15):
    req = urllib.request.Request(
        "http://127.0.0.1:8081/api/v1/servers/localhost" + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"X-API-Key": key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status
    except Exception as exc:
        return getattr(exc, "code", None) or str(exc)

mode = sys.argv[1]
if mode == "watch":
    # watch NAME TYPE RCODE VALUE TIMEOUT: first time the answer is RCODE (and VALUE if not "-")
    name, qtype, rcode, value, timeout = sys.argv[2:7]
    print("ready", flush=True)
    end = time.time() + float(timeout)
    while time.time() < end:
        rc, answers = query(name, qtype)
        if rc == int(rcode) and (value == "-" or value in answers):
            print(repr(time.time()), flush=True)
            sys.exit(0)
        time.sleep(0.005)
    print("timeout", flush=True)
elif mode == "trace":
    # trace NAME SECONDS: every change of the TXT answer, as (time, value) lines
    name, seconds = sys.argv[2], float(sys.argv[3])
    print("ready", flush=True)
    last, end = None, time.time() + seconds
    while time.time() < end:
        _rc, answers = query(name, "TXT")
        value = answers[0] if answers else None
        if value != last:
            print(json.dumps([time.time(), value]), flush=True)
            last = value
        time.sleep(0.005)
elif mode == "api":
    # api METHOD PATH JSON: prints [time sent, status]
    key = API_KEY
    body = json.loads(sys.argv[4]) if sys.argv[4] != "-" else None
    t0 = time.time()
    status = api(key, sys.argv[2], sys.argv[3], body)
    print(json.dumps([t0, status]))
elif mode == "writeloop":
    # writeloop ZONE NAME SECONDS: REPLACE a TXT record holding the issue time every 100 ms
    zone, name, seconds = sys.argv[2], sys.argv[3], float(sys.argv[4])
    key = API_KEY
    end = time.time() + seconds
    while time.time() < end:
        t0 = time.time()
        body = {"rrsets": [{"name": name, "type": "TXT", "ttl": 60, "changetype": "REPLACE",
                            "records": [{"content": '"%r"' % t0, "disabled": False}]}]}
        status = api(key, "PATCH", "/zones/" + zone, body)
        print(json.dumps([t0, time.time(), status]), flush=True)
        time.sleep(0.1)
'''


def agent(host: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["podman", "exec", "-i", PREFIX + host, "python3", "-", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lab_api_key() -> str:
    with open(LAB_DNS_VARS) as f:
        return yaml.safe_load(f)["powerdns_galera_api_key"]


def start(host: str, *args: str) -> subprocess.Popen:
    proc = agent(host, *args)
    proc.stdin.write(f"API_KEY = {lab_api_key()!r}\n" + AGENT)
    proc.stdin.close()
    proc.stdin = None  # the program is sent; communicate() must not touch stdin again
    return proc


def run(host: str, *args: str) -> str:
    proc = start(host, *args)
    out, err = proc.communicate(timeout=120)
    if proc.returncode != 0:
        sys.exit(f"dns.py: agent {args[0]} on {host} failed: {err.strip()}")
    return out


def sh(host: str, script: str) -> str:
    proc = subprocess.run(
        ["podman", "exec", PREFIX + host, "bash", "-c", script],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"dns.py: on {host}: {script!r} failed: {proc.stderr.strip()}")
    return proc.stdout


def api(writer: str, method: str, path: str, body: dict | None) -> None:
    _t0, status = json.loads(run(writer, "api", method, path, json.dumps(body) if body else "-"))
    if status not in (200, 201, 204):
        sys.exit(f"dns.py: {method} {path} on {writer}: {status}")


def timed_change(
    writer: str, method: str, path: str, body: dict | None, watch: list[str]
) -> dict[str, float]:
    """{server: seconds} from sending the API call until the server answered as `watch` says
    (inf: not within 30 s), for every server but the writer that took the call."""
    servers = [h for h in SERVERS if h != writer]
    watchers = [start(h, "watch", *watch, "30") for h in servers]
    for w in watchers:
        if w.stdout.readline().strip() != "ready":
            sys.exit(f"dns.py: watcher did not start: {w.stderr.read()}")
    time.sleep(0.2)  # the watchers have queried the old state (negative cache included)
    t0, status = json.loads(run(writer, "api", method, path, json.dumps(body) if body else "-"))
    if status not in (200, 201, 204):
        sys.exit(f"dns.py: {method} {path} on {writer}: {status}")
    seen = {}
    for h, w in zip(servers, watchers, strict=True):
        line = w.stdout.readline().strip()
        w.wait()
        seen[h] = float("inf") if line == "timeout" else float(line) - t0
    return seen


def rr(name: str, rtype: str, content: str, change: str = "REPLACE") -> dict:
    return {
        "name": name,
        "type": rtype,
        "ttl": 60,
        "changetype": change,
        "records": [{"content": content, "disabled": False}] if change == "REPLACE" else [],
    }


def zone(name: str, rrsets: list[dict]) -> dict:
    return {"name": name, "kind": "Native", "nameservers": ["ns1." + name], "rrsets": rrsets}


def stats(values: list[float]) -> str:
    v = sorted(values)
    p95 = v[math.ceil(0.95 * len(v)) - 1]  # nearest rank
    return (
        f"n={len(v)} p50={statistics.median(v) * 1000:.0f} ms p95={p95 * 1000:.0f} ms "
        f"max={v[-1] * 1000:.0f} ms"
    )


def propagation(n: int) -> None:
    run_id = str(int(time.time()))[-6:]
    base = f"bench-{run_id}.test."
    api(WRITERS[0], "POST", "/zones", zone(base, [rr("changed." + base, "A", "203.0.113.1")]))
    kinds: dict[str, list[dict[str, float]]] = {
        k: []
        for k in ("new record", "changed record", "new zone", "deleted record", "deleted zone")
    }
    for i in range(n):
        w = WRITERS[i % len(WRITERS)]
        name, ip = f"n{i}.{base}", f"203.0.113.{10 + i % 200}"
        kinds["new record"].append(
            timed_change(
                w, "PATCH", "/zones/" + base, {"rrsets": [rr(name, "A", ip)]}, [name, "A", "0", ip]
            )
        )
        ip2 = f"198.51.100.{10 + i % 200}"
        kinds["changed record"].append(
            timed_change(
                w,
                "PATCH",
                "/zones/" + base,
                {"rrsets": [rr("changed." + base, "A", ip2)]},
                ["changed." + base, "A", "0", ip2],
            )
        )
        z = f"z{i}-{run_id}.test."
        kinds["new zone"].append(
            timed_change(
                w, "POST", "/zones", zone(z, [rr("www." + z, "A", ip)]), ["www." + z, "A", "0", ip]
            )
        )
        kinds["deleted record"].append(
            timed_change(
                w,
                "PATCH",
                "/zones/" + base,
                {"rrsets": [rr(name, "A", "", "DELETE")]},
                [name, "A", "3", "-"],  # NXDOMAIN
            )
        )
        kinds["deleted zone"].append(
            timed_change(w, "DELETE", "/zones/" + z, None, ["www." + z, "A", "5", "-"])  # REFUSED
        )
        print(f"  change {i + 1}/{n} done", file=sys.stderr)
    api(WRITERS[0], "DELETE", "/zones/" + base, None)
    print("propagation, API call -> the last server answering the change:")
    print(f"  {'kind':15s} {'every other server (' + str(len(SERVERS) - 1) + ')':34s} replicas")
    for kind, runs in kinds.items():
        every = [max(r.values()) for r in runs]
        replicas = [max(v for h, v in r.items() if h in REPLICAS) for r in runs]
        print(f"  {kind:15s} {stats(every):34s} {stats(replicas)}")


def writer_kill() -> None:
    # The routers' node is the one serving the replicas' binlog dump threads.
    dumps = {
        w: int(
            sh(
                w,
                'mysql -NB -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST'
                " WHERE COMMAND LIKE 'Binlog Dump%'\"",
            )
        )
        for w in WRITERS
    }
    victim = max(dumps, key=dumps.get)
    survivor = next(w for w in WRITERS if w != victim)
    run_id = str(int(time.time()))[-6:]
    base = f"kill-{run_id}.test."
    name = "wl." + base
    api(survivor, "POST", "/zones", zone(base, [rr(name, "TXT", '"0"')]))
    time.sleep(2)
    loop = start(survivor, "writeloop", base, name, "20")
    traces = [start(r, "trace", name, "30") for r in REPLICAS]
    for t in traces:
        t.stdout.readline()
    time.sleep(2)
    t_kill = float(sh(victim, "date +%s.%N; pkill -9 -x mariadbd").split()[0])
    # Polled inside the victim while the rest is measured: the first time it is Synced again.
    rejoin = subprocess.Popen(
        [
            "podman",
            "exec",
            PREFIX + victim,
            "bash",
            "-c",
            "sleep 1; end=$(( $(date +%s) + 180 )); until mysql -NB -e"
            " \"SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'\" 2>/dev/null | grep -q Synced;"
            " do [ $(date +%s) -lt $end ] || exit 1; sleep 0.1; done; date +%s.%N",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    loop_out = loop.communicate(timeout=120)[0]
    writes = [json.loads(line) for line in loop_out.splitlines()]
    after = [w for w in writes if w[0] > t_kill and w[2] == 204]
    print(f"writer killed: {victim} (the routers' node; {dumps[victim]} binlog dump threads)")
    if after:
        print(f"  writes through {survivor}'s API succeed again after {after[0][1] - t_kill:.2f} s")
    else:
        print("  no write after the kill succeeded within 20 s")
    failed = [w for w in writes if w[0] > t_kill - 1 and w[2] != 204]
    print(f"  writes that failed instead of waiting: {len(failed)} of {len(writes)}")
    stalled = [w for w in writes if w[1] > t_kill and w[0] < t_kill + 10]
    if stalled:
        print(f"  longest write during the stall: {max(w[1] - w[0] for w in stalled):.2f} s")
    for r, t in zip(REPLICAS, traces, strict=False):
        out = t.communicate(timeout=120)[0]
        seen = [json.loads(line) for line in out.splitlines()[0:] if line.startswith("[")]
        first = next((ts for ts, v in seen if v and float(v) > t_kill), None)
        print(
            f"  {r} answers a record written after the kill after "
            + (f"{first - t_kill:.2f} s" if first else "never (30 s)")
        )
    # systemd restarts the killed server after RestartSec: the unit left "inactive" then.
    out = rejoin.communicate(timeout=240)[0]
    synced = float(out.strip()) if out.strip() else float("inf")
    started = float(
        sh(
            victim,
            't=$(systemctl show -P InactiveExitTimestamp mariadb.service); date -d "$t" +%s.%N',
        )
    )
    # The whole journal: the SST script logs through short-lived `logger` processes that journald
    # does not always attribute to the unit. Its last line says what it did.
    journal = ""
    for _attempt in range(20):
        journal = sh(
            victim,
            f"journalctl --no-pager --since @{int(t_kill)} | grep -E 'completed on joiner' || true",
        )
        if journal:
            break
        time.sleep(0.5)
    how = "IST" if "IST completed" in journal else "SST" if "SST completed" in journal else "?"
    print(
        f"  {victim} restarted by systemd {started - t_kill:.1f} s after the kill, Synced"
        f" {synced - started:.1f} s after the restart ({synced - t_kill:.1f} s after the kill),"
        f" state transfer: {how}"
    )
    api(survivor, "DELETE", "/zones/" + base, None)


def dnsperf(replica: str, seconds: int) -> list[str]:
    out = sh(
        replica,
        f"dnsperf -s 127.0.0.1 -d /tmp/dnsperf.txt -l {seconds} -c 4 -T 2 -q 200",
    )
    return [
        line.strip()
        for line in out.splitlines()
        if "Queries per second" in line or "Average Latency" in line or "Queries lost" in line
    ]


def qps(seconds: int) -> None:
    base = "perf.test."
    names = [f"h{i}.{base}" for i in range(20)]
    api(
        WRITERS[0],
        "POST",
        "/zones",
        zone(base, [rr(n, "A", f"203.0.113.{i + 1}") for i, n in enumerate(names)]),
    )
    replica = REPLICAS[0]
    queries = "\\n".join(f"{n} A" for n in [*names, base])
    end = time.time() + 30
    while time.time() < end and "203.0.113.1" not in sh(
        replica, f"dig +short @127.0.0.1 {names[0]}"
    ):
        time.sleep(0.2)
    sh(replica, f"printf '{queries}\\n' > /tmp/dnsperf.txt")
    print(
        f"dnsperf on {replica} against 127.0.0.1 ({seconds} s, 21 names, 4 clients, 200 in flight):"
    )
    print("  as deployed (packet and query caches on, the cache follower running):")
    for line in dnsperf(replica, seconds):
        print("    " + line)
    off = "/etc/powerdns/pdns.d/zz-benchmark-caches-off.conf"
    try:
        sh(
            replica,
            f"printf 'cache-ttl=0\\nquery-cache-ttl=0\\nnegquery-cache-ttl=0\\n"
            f"zone-cache-refresh-interval=0\\n' > {off} && systemctl restart pdns"
            " && until pdns_control rping >/dev/null 2>&1; do sleep 0.2; done",
        )
        print("  every answer cache off (what sub-second propagation costs without the follower):")
        for line in dnsperf(replica, seconds):
            print("    " + line)
    finally:
        sh(replica, f"rm -f {off} && systemctl restart pdns")
    api(WRITERS[0], "DELETE", "/zones/" + base, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20, help="changes of each kind (default 20)")
    parser.add_argument("--dnsperf-seconds", type=int, default=10)
    parser.add_argument(
        "--parts",
        default="propagation,kill,qps",
        help="comma-separated parts to run (default: propagation,kill,qps)",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    unknown = parts - {"propagation", "kill", "qps"}
    if unknown:
        parser.error(f"--parts: unknown part(s) {sorted(unknown)}")
    if "propagation" in parts:
        propagation(args.changes)
    if "kill" in parts:
        writer_kill()
    if "qps" in parts:
        qps(args.dnsperf_seconds)


if __name__ == "__main__":
    main()
