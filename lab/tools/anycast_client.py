#!/usr/bin/env python
"""The lab's anycast DNS client: asks which server answers, every 50 ms, and logs each answer.

Lab code, copied into a lab container (outsider, a client of transit t2) by
lab/tools/anycast_failover.py. Each query is `id.server CH TXT` to the anycast address (PowerDNS
answers with its server id, the host name); one line per query: `<unix time> <server id>`, or
`<unix time> -` when no answer came within the timeout. Stops when the stop file appears.

Also the pure functions that read such a log (tested in tests/unit/lab/test_anycast_client.py).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import struct
import time


def query(query_id: int) -> bytes:
    """id.server CH TXT, recursion not desired."""
    qname = b"\x02id\x06server\x00"
    return struct.pack("!HHHHHH", query_id, 0, 1, 0, 0, 0) + qname + struct.pack("!HH", 16, 3)


def server_id(response: bytes, query_id: int) -> str | None:
    """The TXT string of an answer to ``query_id``, or None."""
    if len(response) < 12:
        return None
    rid, flags, qdcount, ancount = struct.unpack("!HHHH", response[:8])
    if rid != query_id or flags & 0x000F or ancount < 1:
        return None
    offset = 12
    try:
        for _question in range(qdcount):
            while response[offset]:
                offset += 1 + response[offset]
            offset += 5
        # The answer's name (a pointer or labels), then type, class, ttl, rdlength, rdata.
        if response[offset] & 0xC0 == 0xC0:
            offset += 2
        else:
            while response[offset]:
                offset += 1 + response[offset]
            offset += 1
        rtype, _class, _ttl, rdlength = struct.unpack("!HHIH", response[offset : offset + 10])
        if rtype != 16 or rdlength < 1:
            return None
        text = response[offset + 10 : offset + 10 + rdlength]
        return text[1 : 1 + text[0]].decode("ascii", "replace").strip('"') or None
    except (IndexError, struct.error):
        return None


def parse(lines: list[str]) -> list[tuple[float, str | None]]:
    """The log's (time, server id or None) pairs."""
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) == 2:
            out.append((float(parts[0]), None if parts[1] == "-" else parts[1]))
    return out


def switch(log: list[tuple[float, str | None]], since: float, away_from: str) -> dict:
    """After ``since``: when another server than ``away_from`` answered first, how many queries
    got no answer until then (``unanswered``) and how many ``away_from`` still answered
    (``answered_before``: the old site, still up, still announced)."""
    unanswered = answered_before = 0
    for at, who in log:
        if at < since:
            continue
        if who is not None and who != away_from:
            return {
                "switched": True,
                "after_s": round(at - since, 3),
                "unanswered": unanswered,
                "answered_before": answered_before,
                "to": who,
            }
        if who is None:
            unanswered += 1
        else:
            answered_before += 1
    return {
        "switched": False,
        "after_s": None,
        "unanswered": unanswered,
        "answered_before": answered_before,
        "to": None,
    }


def failures(log: list[tuple[float, str | None]], start: float, end: float) -> int:
    """Queries without an answer between ``start`` and ``end``."""
    return sum(1 for at, who in log if start <= at <= end and who is None)


def run(address: str, interval: float, timeout: float, out: str, stop: str) -> None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with open(out, "a", buffering=1, encoding="ascii") as log:
        while not os.path.exists(stop):
            started = time.time()
            query_id = random.randrange(65536)
            who = None
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                sock.settimeout(timeout)
                try:
                    sock.sendto(query(query_id), (address, 53))
                    who = server_id(sock.recv(512), query_id)
                except OSError:
                    who = None
            log.write(f"{started:.3f} {who or '-'}\n")
            time.sleep(max(0.0, interval - (time.time() - started)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address")
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--timeout", type=float, default=0.2)
    parser.add_argument("--out", required=True)
    parser.add_argument("--stop", required=True)
    args = parser.parse_args()
    run(args.address, args.interval, args.timeout, args.out, args.stop)


if __name__ == "__main__":
    main()
