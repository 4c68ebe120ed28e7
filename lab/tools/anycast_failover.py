#!/usr/bin/env python
"""Anycast failover in the lab: break the DNS site a client reaches, watch the prefix move.

Lab code, run on the machine that runs the lab (podman exec into its containers), by
molecule/lab/side_effect.yml (which asserts on the JSON it prints) and benchmarks/anycast.py
(which prints the numbers). Nothing leaves the lab: the client is a lab container (outsider) that
reaches the anycast prefix through the lab's transit t2, which hears it from the edge sites.

For each failure, at the site the client is answered by at that moment:
  pdns         PowerDNS stopped (its dns_soa check fails), then started;
  replication  the replica's replication stopped (its replication_lag check fails), then started;
  checker      the health checker killed with SIGKILL (fail closed: its unit withdraws everything
               when it dies), then left to systemd, which starts it again.
it records how long until t2 no longer has the site's route (withdrawn_s), until the client is
answered by another site (switched_s), how many of its queries (one every 50 ms) got no answer
meanwhile (unanswered) and how many the broken site still answered (answered_before); then,
after the repair, how long until t2 has the site's route again (returned_s) and how many
queries failed in that time (failed_return).

Usage:
    anycast_failover.py --prefix hobbynet- --via 198.51.100.202 [--events pdns,replication,checker]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from anycast_client import failures, parse, switch
from lab_exec import Containers

CLIENT = "outsider"
TRANSIT = "t2"
ANYCAST = "10.53.0.53"
PREFIX4 = "10.53.0.0/24"
LOG = "/root/anycast-client.log"
STOP = "/root/anycast-client.stop"
EVENTS = {
    "pdns": ("systemctl stop pdns", "systemctl start pdns"),
    "replication": ("mysql -e 'STOP SLAVE'", "mysql -e 'START SLAVE'"),
    "checker": ("systemctl kill -s KILL hobbynet-anycast.service", None),
}


class Lab(Containers):
    def __init__(self, prefix: str) -> None:
        super().__init__(prefix, "anycast_failover")

    def sites_with_route(self) -> set[str]:
        """The protocols (our sites) t2 has the anycast prefix from."""
        out = self.sh(TRANSIT, f"birdc -r show route {PREFIX4}", check=False)
        return set(re.findall(r"unicast \[(\S+) ", out))

    def client_log(self) -> list[tuple[float, str | None]]:
        return parse(self.sh(CLIENT, f"cat {LOG} 2>/dev/null || true").splitlines())

    def site_of(self, server: str | None) -> str | None:
        if server is None:
            return None
        return server[len(self.prefix) :] if server.startswith(self.prefix) else server


def wait(condition, limit: float, step: float = 0.05) -> float | None:
    """Seconds until condition() held (polled), or None after ``limit``."""
    start = time.time()
    while time.time() - start < limit:
        if condition():
            return round(time.time() - start, 3)
        time.sleep(step)
    return None


def start_client(lab: Lab, via: str) -> None:
    lab.sh(
        CLIENT,
        f"ip route replace {PREFIX4} via {via}"
        " && for f in /proc/sys/net/ipv4/conf/*/accept_redirects; do echo 0 >$f; done"
        f" && rm -f {LOG} {STOP}",
    )
    here = Path(__file__).resolve().parent / "anycast_client.py"
    lab.copy(str(here), CLIENT, "/root/anycast_client.py")
    lab.detach(
        CLIENT, ["python3", "/root/anycast_client.py", ANYCAST, "--out", LOG, "--stop", STOP]
    )


def current_site(lab: Lab) -> str | None:
    """The site that answered the client's last three queries, once it is steady."""
    found = {}

    def steady() -> bool:
        last = [who for _at, who in lab.client_log()[-3:]]
        if len(last) == 3 and last[0] is not None and len(set(last)) == 1:
            found["site"] = lab.site_of(last[0])
            return True
        return False

    return found["site"] if wait(steady, 60, 0.2) is not None else None


def failover(lab: Lab, event: str) -> dict:
    site = current_site(lab)
    if site is None:
        return {"event": event, "error": "the client gets no steady answer"}
    server = next(who for _at, who in reversed(lab.client_log()) if who)
    brk, repair = EVENTS[event]
    t0 = time.time()
    lab.sh(site, brk)
    withdrawn = wait(lambda: site not in lab.sites_with_route(), 30)
    moved = {}

    def switched() -> bool:
        moved.update(switch(lab.client_log(), t0, server))
        return moved["switched"]

    wait(switched, 30, 0.2)
    t1 = time.time()
    if repair:
        lab.sh(site, repair)
    returned = wait(lambda: site in lab.sites_with_route(), 60)
    time.sleep(1)
    return {
        "event": event,
        "site": site,
        "withdrawn_s": withdrawn,
        "switched_s": moved.get("after_s"),
        "to": lab.site_of(moved.get("to")),
        "unanswered": moved.get("unanswered"),
        "answered_before": moved.get("answered_before"),
        "returned_s": returned,
        "failed_return": failures(lab.client_log(), t1, time.time()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", required=True, help="container name prefix of the lab")
    parser.add_argument("--via", required=True, help="t2's address on the lab Internet")
    parser.add_argument("--events", default="pdns,replication,checker")
    args = parser.parse_args()
    lab = Lab(args.prefix)
    start_client(lab, args.via)
    try:
        results = [failover(lab, e) for e in args.events.split(",")]
    finally:
        lab.sh(CLIENT, f"touch {STOP}", check=False)
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
