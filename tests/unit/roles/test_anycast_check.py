"""Unit tests for roles/bird2/files/hobbynet-anycast-check (the anycast services' health check)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import socket
import struct
import threading
from pathlib import Path

import pytest

SCRIPT = (
    Path(__file__).resolve().parents[3] / "roles" / "bird2" / "files" / "hobbynet-anycast-check"
)


@pytest.fixture(scope="module")
def check():
    loader = importlib.machinery.SourceFileLoader("hobbynet_anycast_check", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def answer(query: bytes, flags: int, records: list[int]) -> bytes:
    """A response to ``query`` with ``flags`` and one record per type in ``records``."""
    qid = struct.unpack("!H", query[:2])[0]
    question = query[12:]
    out = struct.pack("!HHHHHH", qid, flags, 1, len(records), 0, 0) + question
    for rtype in records:
        out += b"\xc0\x0c" + struct.pack("!HHIH", rtype, 1, 60, 4) + b"\x00\x00\x00\x00"
    return out


def test_the_query_asks_for_the_soa_without_recursion(check):
    query = check.dns_query("hobbynet.test.", 4660)
    assert query[:4] == b"\x12\x34\x00\x00"
    assert query[12:] == b"\x08hobbynet\x04test\x00\x00\x06\x00\x01"


@pytest.mark.parametrize(
    ("flags", "records", "qid", "expected"),
    [
        (0x8400, [6], 7, None),
        (0x8400, [2, 6], 7, None),
        (0x8000, [6], 7, "answer is not authoritative (AA not set)"),
        (0x8405, [], 7, "rcode 5"),
        (0x8403, [], 7, "rcode 3"),
        (0x8400, [], 7, "no SOA record in the answer"),
        (0x8400, [1], 7, "no SOA record in the answer"),
        (0x8400, [6], 8, "not an answer to our query"),
    ],
)
def test_soa_answers(check, flags, records, qid, expected):
    response = answer(check.dns_query("hobbynet.test", 7), flags, records)
    assert check.soa_problem(response, qid) == expected


def test_a_truncated_answer_is_not_healthy(check):
    response = answer(check.dns_query("hobbynet.test", 7), 0x8400, [6])
    assert check.soa_problem(response[:-8], 7) == "malformed DNS response"
    assert check.soa_problem(b"\x00", 7) == "short DNS response"


STATUS = """*************************** 1. row ***************************
                Slave_IO_State: Waiting for master to send event
               Slave_IO_Running: {io}
              Slave_SQL_Running: {sql}
          Seconds_Behind_Master: {lag}
"""


@pytest.mark.parametrize(
    ("io", "sql", "lag", "expected"),
    [
        ("Yes", "Yes", "0", None),
        ("Yes", "Yes", "30", None),
        ("Yes", "Yes", "31", "lag 31 s > 30 s"),
        ("No", "Yes", "NULL", "Slave_IO_Running: No"),
        ("Connecting", "Yes", "NULL", "Slave_IO_Running: Connecting"),
        ("Yes", "No", "NULL", "Slave_SQL_Running: No"),
        ("Yes", "Yes", "NULL", "Seconds_Behind_Master: NULL"),
    ],
)
def test_replication_status(check, io, sql, lag, expected):
    assert check.replication_problem(STATUS.format(io=io, sql=sql, lag=lag), 30) == expected


def test_no_replica_is_not_healthy(check):
    assert check.replication_problem("", 30) == "not a replica (SHOW SLAVE STATUS is empty)"


def test_the_withdrawn_file_is_what_anycast_healthchecker_parses(check):
    text = check.prefix_file(4, ["10.53.0.0/24"])
    assert "define ACAST_PS_ADVERTISE =" in text
    lines = [line.strip(", ") for line in text.splitlines()]
    assert lines[-3:] == ["0.0.0.0/32", "10.53.0.0/24", "];"]
    assert check.prefix_file(6, []).splitlines()[-2].strip() == "::/128"


def test_dns_check_against_a_real_socket(check):
    """A UDP server on 127.0.0.1 answers; the check binds the service address itself."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve(flags):
        data, peer = server.recvfrom(512)
        server.sendto(answer(data, flags, [6]), peer)

    original = check.socket.socket.sendto

    class Redirect(socket.socket):
        def sendto(self, data, address):  # the check sends to port 53: send to the test server
            return original(self, data, (address[0], port))

    check.socket.socket = Redirect
    try:
        thread = threading.Thread(target=serve, args=(0x8400,))
        thread.start()
        assert check.check_dns("hobbynet.test.", "127.0.0.1", 1.0) is None
        thread.join()
        thread = threading.Thread(target=serve, args=(0x8000,))
        thread.start()
        assert "not authoritative" in check.check_dns("hobbynet.test.", "127.0.0.1", 1.0)
        thread.join()
        assert "is not an address of this host" in check.check_dns(
            "hobbynet.test.", "192.0.2.1", 0.2
        )
    finally:
        check.socket.socket = socket.socket
        server.close()
