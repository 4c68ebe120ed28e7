"""lab/tools/ix_capture.py sorts our hosts' broadcast and multicast frames correctly.

The lab's IX check (molecule/lab/verify.yml) passes when every such frame is ARP or a neighbour
solicitation: these frames prove it would see anything else.
"""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "lab" / "tools" / "ix_capture.py"
SPEC = importlib.util.spec_from_file_location("ix_capture", SCRIPT)
ix_capture = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(ix_capture)

SRC = bytes.fromhex("e68539e169c2")


def ethernet(dst: str, ethertype: int, payload: bytes) -> bytes:
    return bytes.fromhex(dst.replace(":", "")) + SRC + struct.pack("!H", ethertype) + payload


def ipv6(next_header: int, body: bytes) -> bytes:
    # version/class/flow, payload length, next header, hop limit, source, destination
    return struct.pack("!IHBB", 6 << 28, len(body), next_header, 255) + bytes(32) + body


def test_arp_and_neighbour_solicitation_are_allowed():
    assert ix_capture.classify(ethernet("ff:ff:ff:ff:ff:ff", 0x0806, bytes(28)))[0] == "arp"
    ns = ipv6(58, bytes([135, 0]) + bytes(22))
    assert ix_capture.classify(ethernet("33:33:ff:00:00:66", 0x86DD, ns))[0] == "ns"


def test_everything_else_is_reported():
    mld = ipv6(0, bytes([58, 0]) + bytes(6) + bytes([143]) + bytes(27))  # hop-by-hop, then MLDv2
    kind, text = ix_capture.classify(ethernet("33:33:00:00:00:16", 0x86DD, mld))
    assert kind == "other" and "next header 0" in text
    rs = ipv6(58, bytes([133, 0]) + bytes(6))
    assert ix_capture.classify(ethernet("33:33:00:00:00:02", 0x86DD, rs)) == (
        "other",
        "ICMPv6 router solicitation to 33:33:00:00:00:02",
    )
    lldp = ethernet("01:80:c2:00:00:0e", 0x88CC, bytes(40))
    assert ix_capture.classify(lldp) == ("other", "ethertype 0x88cc to 01:80:c2:00:00:0e")
    dhcp = ethernet("ff:ff:ff:ff:ff:ff", 0x0800, bytes(300))
    assert ix_capture.classify(dhcp)[0] == "other"
