#!/usr/bin/env python
"""Live OSPF costs in the lab: add latency to one tunnel, watch its cost and the routes move.

Lab code, run on the machine that runs the lab (podman exec into its containers), by
molecule/lab/live_costs.yml (which asserts on the JSON it prints) and benchmarks/live_costs.py
(which prints the numbers). The r1 - e1 tunnel's cost is measured live (inventories/lab): its
RTT is ~0.1 ms, cost 1. This tool:

1. snapshots every backbone site's BFD sessions (one per OSPF neighbour and family) and starts a
   watcher on each site that counts its Full OSPF neighbours every 250 ms;
2. starts lab/tools/udp_delay_relay.py in r1 and points both ends of the tunnel at it (`wg set`):
   the tunnel's RTT grows by twice --delay-ms; times how long until r1 routes e1's site prefix
   and e1 routes r1's through r2 (the measured cost, about the delay in ms, is above the path
   r1 - r2 - e1, 5 + 15);
3. stops the relay and points both ends back at their real endpoints; times how long until both
   routes are back on the tunnel;
4. reports adjacency resets: a watcher that saw fewer Full neighbours than at the start, or a BFD
   session that is new or restarted (its "since" changed). Expected: none. (A reset takes at
   least a hello interval to heal, so a 250 ms watch sees it; the polls are kept light, as this
   2-core lab's BFD, 3 x 100 ms, flaps when its CPUs are starved.)

Nothing leaves the lab. Usage:
    live_cost_shift.py --prefix hobbynet- [--delay-ms 30] [--limit 60]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lab_exec import Containers

SITES = ("r1", "r2", "r3", "e1", "e2")
NEAR, FAR = "r1", "e1"
VIA = "r2"
RELAY_PORT = 51999
RELAY_BIND = 51998
RELAY = "/root/udp_delay_relay.py"
WATCH_LOG = "/root/live-cost-watch.log"
WATCH_STOP = "/root/live-cost-watch.stop"
WATCHER = f"""rm -f {WATCH_STOP} {WATCH_LOG}
want=$(birdc -r show ospf neighbors | grep -c Full)
echo "want $want" > {WATCH_LOG}
while [ ! -e {WATCH_STOP} ]; do
  n=$(birdc -r show ospf neighbors | grep -c Full)
  [ "$n" = "$want" ] || echo "$(date +%s.%N) $n" >> {WATCH_LOG}
  sleep 0.25
done
echo done >> {WATCH_LOG}
"""


class Lab(Containers):
    def __init__(self, prefix: str) -> None:
        super().__init__(prefix, "live_cost_shift")

    def bfd_sessions(self, host: str) -> set[tuple[str, str, str]]:
        """(address, interface, since) of every BFD session that is Up."""
        out = self.sh(host, "birdc -r show bfd sessions", check=False)
        return set(re.findall(r"^(\S+)\s+(\S+)\s+Up\s+(\S+)", out, re.M))

    def route_dev(self, host: str, prefix: str) -> set[str]:
        return set(
            re.findall(r"dev (\S+)", self.sh(host, f"ip -4 route show {prefix}", check=False))
        )

    def ospf_cost(self, host: str, interface: str) -> int | None:
        out = self.sh(host, f"birdc -r show ospf interface ospf4 '\"{interface}\"'", check=False)
        found = re.search(r"Cost: (\d+)", out)
        return int(found.group(1)) if found else None


def site_prefix(lab: Lab, host: str) -> str:
    """The host's IPv4 site prefix, from its lo (10.64.<id>.1/24 in the lab)."""
    out = lab.sh(host, "ip -4 -o address show dev lo scope global")
    found = re.search(r"inet (10\.64\.\d+)\.\d+/", out)
    if not found:
        sys.exit(f"live_cost_shift: no site prefix on lo of {host}")
    return f"{found.group(1)}.0/24"


def wait(condition, limit: float, step: float = 0.2) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if condition():
            return round(time.monotonic() - start, 2)
        time.sleep(step)
    return None


def routes_on(lab: Lab, routes, since: float, limit: float) -> dict[str, float | None]:
    """For each (host, prefix, interface): seconds from ``since`` until the host routes the prefix
    through that interface alone (None: not within ``limit`` seconds of ``since``)."""
    times: dict[str, float | None] = {}
    for host, prefix, iface in routes:
        left = max(limit - (time.monotonic() - since), 0)
        held = wait(lambda h=host, p=prefix, i=iface: lab.route_dev(h, p) == {i}, left)
        times[host] = None if held is None else round(time.monotonic() - since, 2)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", required=True, help="container name prefix of the lab")
    parser.add_argument("--delay-ms", type=float, default=30.0, help="added each way")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds to wait for a route")
    args = parser.parse_args()
    lab = Lab(args.prefix)
    iface_near, iface_far = f"wg_{FAR}", f"wg_{NEAR}"
    near_prefix, far_prefix = site_prefix(lab, NEAR), site_prefix(lab, FAR)
    result: dict = {"delay_ms_each_way": args.delay_ms, "tunnel": f"{NEAR}-{FAR}"}

    key, endpoint = lab.sh(NEAR, f"wg show {iface_near} endpoints").split()
    far_key, far_endpoint = lab.sh(FAR, f"wg show {iface_far} endpoints").split()
    if endpoint.startswith("127.") or far_endpoint.endswith(f":{RELAY_BIND}"):
        sys.exit(
            f"live_cost_shift: {NEAR} - {FAR} is still on a relay ({endpoint}, {far_endpoint})"
        )
    near_underlay = far_endpoint.rsplit(":", 1)[0]
    before = {h: lab.bfd_sessions(h) for h in SITES}
    result["cost_before"] = lab.ospf_cost(NEAR, iface_near)
    result["routes_before"] = {
        NEAR: sorted(lab.route_dev(NEAR, far_prefix)),
        FAR: sorted(lab.route_dev(FAR, near_prefix)),
    }
    for host in SITES:
        lab.detach(host, ["bash", "-c", WATCHER])
    lab.copy(str(Path(__file__).resolve().parent / "udp_delay_relay.py"), NEAR, RELAY)
    lab.detach(
        NEAR,
        [
            "python3",
            RELAY,
            "--listen",
            f"127.0.0.1:{RELAY_PORT}",
            "--bind",
            f"0.0.0.0:{RELAY_BIND}",
            "--target",
            endpoint,
            "--delay-ms",
            str(args.delay_ms),
        ],
    )
    time.sleep(0.5)
    near_port = far_endpoint.rsplit(":", 1)[1]
    far_underlay, far_port = endpoint.rsplit(":", 1)
    try:
        # WireGuard follows the source of every authenticated packet: r1 first drops e1's direct
        # packets (it could not roam back to them), then sends through the relay, whose packets
        # make e1 roam to it within one delay; e1 is pointed at it too. In one exec: e1's
        # direction is dark for that one delay only, far below BFD's detection time.
        lab.sh(
            NEAR,
            "nft add table inet livecost && "
            "nft add chain inet livecost in '{ type filter hook input priority -20; }' && "
            f"nft add rule inet livecost in ip saddr {far_underlay} udp sport {far_port}"
            f" udp dport {near_port} drop && "
            f"wg set {iface_near} peer {key} endpoint 127.0.0.1:{RELAY_PORT}",
        )
        lab.sh(FAR, f"wg set {iface_far} peer {far_key} endpoint {near_underlay}:{RELAY_BIND}")
        started = time.monotonic()
        time.sleep(1)
        on_relay = (
            lab.sh(NEAR, f"wg show {iface_near} endpoints").split()[1],
            lab.sh(FAR, f"wg show {iface_far} endpoints").split()[1],
        )
        if on_relay != (f"127.0.0.1:{RELAY_PORT}", f"{near_underlay}:{RELAY_BIND}"):
            result["error"] = f"the tunnel did not stay on the relay: {on_relay}"
        moved = routes_on(
            lab,
            ((NEAR, far_prefix, f"wg_{VIA}"), (FAR, near_prefix, f"wg_{VIA}")),
            started,
            args.limit,
        )
        result["moved_s"] = moved
        result["cost_delayed"] = lab.ospf_cost(NEAR, iface_near)
        result["rtt_delayed_ms"] = json.loads(
            lab.sh(NEAR, "python3 /usr/local/sbin/hobbynet-ospf-cost show")
        )["links"][iface_near]["samples"]
    finally:
        # Back in one exec on r1: the relay stops, r1 sends directly and takes e1's direct packets
        # again; e1 roams on r1's first one (and is pointed back too).
        lab.sh(
            NEAR,
            f"pkill -f '^python3 {RELAY}'; "
            f"wg set {iface_near} peer {key} endpoint {endpoint}; "
            "nft delete table inet livecost",
            check=False,
        )
        lab.sh(FAR, f"wg set {iface_far} peer {far_key} endpoint {far_endpoint}", check=False)
    restored = time.monotonic()
    returned = routes_on(
        lab, ((NEAR, far_prefix, iface_near), (FAR, near_prefix, iface_far)), restored, args.limit
    )
    result["returned_s"] = returned
    result["cost_after"] = lab.ospf_cost(NEAR, iface_near)
    time.sleep(0.3)
    resets = []
    for host in SITES:
        lab.sh(host, f"touch {WATCH_STOP}")
    time.sleep(0.3)
    for host in SITES:
        log = lab.sh(host, f"cat {WATCH_LOG}").split("\n")
        dips = [line for line in log if line and not line.startswith(("want", "done"))]
        if dips:
            resets.append(f"{host}: fewer Full OSPF neighbours {len(dips)} times ({dips[0]} ...)")
        after = lab.bfd_sessions(host)
        for session in sorted(before[host] ^ after):
            what = "gone" if session in before[host] else "new"
            resets.append(f"{host}: BFD session {' '.join(session)} {what}")
        if not before[host]:
            resets.append(f"{host}: no BFD session to compare")
    result["adjacency_resets"] = resets
    result["bfd_sessions_compared"] = sum(len(v) for v in before.values())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
