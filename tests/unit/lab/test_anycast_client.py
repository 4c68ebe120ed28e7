"""Unit tests for lab/tools/anycast_client.py (the lab's anycast DNS client and its log)."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "lab" / "tools"))

from anycast_client import failures, parse, query, server_id, switch


def txt_answer(query_id: int, text: bytes, rcode: int = 0) -> bytes:
    question = query(query_id)[12:]
    rdata = bytes([len(text)]) + text
    return (
        struct.pack("!HHHHHH", query_id, 0x8400 | rcode, 1, 0 if rcode else 1, 0, 0)
        + question
        + (b"" if rcode else b"\xc0\x0c" + struct.pack("!HHIH", 16, 3, 0, len(rdata)) + rdata)
    )


def test_the_query_is_id_server_chaos_txt():
    assert query(7)[12:] == b"\x02id\x06server\x00\x00\x10\x00\x03"


def test_server_id_reads_the_txt_string():
    assert server_id(txt_answer(7, b"e1"), 7) == "e1"
    assert server_id(txt_answer(7, b'"e2"'), 7) == "e2"
    assert server_id(txt_answer(7, b"e1"), 8) is None
    assert server_id(txt_answer(7, b"", rcode=5), 7) is None
    assert server_id(b"\x00\x07", 7) is None


LOG = parse(
    [
        "100.00 e1",
        "100.05 e1",
        "100.10 -",
        "100.15 -",
        "100.20 e1",
        "100.25 e2",
        "100.30 e2",
        "garbage",
    ]
)


def test_switch_counts_unanswered_and_old_answers_until_another_site_answers():
    assert switch(LOG, 100.05, "e1") == {
        "switched": True,
        "after_s": 0.2,
        "unanswered": 2,
        "answered_before": 2,
        "to": "e2",
    }


def test_no_switch_is_reported_as_such():
    moved = switch(LOG[:5], 100.0, "e1")
    assert moved["switched"] is False and moved["after_s"] is None
    assert (moved["unanswered"], moved["answered_before"]) == (2, 3)


def test_failures_in_a_window():
    assert failures(LOG, 100.0, 100.12) == 1
    assert failures(LOG, 100.2, 101) == 0
