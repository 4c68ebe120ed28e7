#!/usr/bin/env python
"""Capture the broadcast and multicast frames our hosts send on a lab bridge (the IX LAN).

The seed's tcpdump check, without tcpdump: an AF_PACKET socket on the host side of the bridge
(where every broadcast and multicast frame of the LAN arrives) reads for a fixed window and sorts
the frames whose source MAC is one of ours into ARP, IPv6 neighbour solicitation (the two an IX
allows) and anything else (MLD reports, router solicitations, mDNS, LLDP, DHCP, ...).

Usage: ix_capture.py --interface BRIDGE --seconds N --mac MAC [--mac MAC ...]
Prints one JSON object: {seconds, frames, by_mac: {MAC: {arp, ns, other}}, other: [text]}.
Root only (a raw socket). Lab code: it reads a lab bridge, nothing else.
"""

from __future__ import annotations

import argparse
import json
import select
import socket
import struct
import time

ETH_P_ALL = 0x0003
ARP = 0x0806
IPV6 = 0x86DD
VLAN = 0x8100
ICMPV6 = 58
NEIGHBOUR_SOLICITATION = 135
ICMPV6_NAMES = {
    133: "router solicitation",
    134: "router advertisement",
    143: "MLDv2 report",
    131: "MLD report",
    136: "neighbour advertisement",
}


def classify(frame: bytes) -> tuple[str, str]:
    """('arp' | 'ns' | 'other', description) of one broadcast or multicast frame."""
    dst = frame[0:6].hex(":")
    (ethertype,) = struct.unpack("!H", frame[12:14])
    payload = frame[14:]
    if ethertype == VLAN:
        return "other", f"802.1Q tagged frame to {dst}"
    if ethertype == ARP:
        return "arp", "arp"
    if ethertype == IPV6 and len(payload) >= 41:
        next_header = payload[6]
        if next_header == ICMPV6:
            kind = payload[40]
            if kind == NEIGHBOUR_SOLICITATION:
                return "ns", "ns"
            return "other", f"ICMPv6 {ICMPV6_NAMES.get(kind, f'type {kind}')} to {dst}"
        return "other", f"IPv6 next header {next_header} to {dst}"
    return "other", f"ethertype 0x{ethertype:04x} to {dst}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interface", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--mac", action="append", required=True)
    args = parser.parse_args()
    ours = {mac.lower() for mac in args.mac}
    by_mac = {mac: {"arp": 0, "ns": 0, "other": 0} for mac in sorted(ours)}
    other: list[str] = []
    frames = 0
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((args.interface, 0))
    end = time.monotonic() + args.seconds
    while (left := end - time.monotonic()) > 0:
        ready = select.select([sock], [], [], left)[0]
        if not ready:
            continue
        frame, address = sock.recvfrom(65535)
        # PACKET_OUTGOING (4): the host's own frames on the bridge, not our hosts'.
        if len(frame) < 14 or address[2] == socket.PACKET_OUTGOING:
            continue
        frames += 1
        src = frame[6:12].hex(":")
        if src not in ours or not frame[0] & 1:  # unicast, or not from our hosts
            continue
        kind, text = classify(frame)
        by_mac[src][kind] += 1
        if kind == "other" and len(other) < 20:
            other.append(f"{src}: {text}")
    print(json.dumps({"seconds": args.seconds, "frames": frames, "by_mac": by_mac, "other": other}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
