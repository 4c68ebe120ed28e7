"""Unit tests for roles/adsb_feeders/files/adsb-beast-feeder (the Beast-push feeder), with the
lab's Beast parser (lab/tools/adsb_lab.py) reading what the feeder sent."""

from __future__ import annotations

import argparse
import asyncio
import importlib.machinery
import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "lab" / "tools"))

from adsb_lab import UUID_TYPE, BeastParser  # noqa: E402


def load_feeder():
    path = REPO / "roles" / "adsb_feeders" / "files" / "adsb-beast-feeder"
    loader = importlib.machinery.SourceFileLoader("adsb_beast_feeder", str(path))
    spec = importlib.util.spec_from_loader("adsb_beast_feeder", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


feeder = load_feeder()
UUID = "0b0e2a55-1ab0-4c1d-9e6f-5a1b0c2d3e4f"
KLM1023 = bytes.fromhex("8D4840D6202CC371C32CE0576098")


def beast(
    kind: int, payload: bytes, timestamp: bytes = b"\x00\x01\x1a\x02\x03\x04", signal: int = 0x1A
) -> bytes:
    """A Beast frame, every 0x1A after the marker doubled."""
    body = timestamp + bytes([signal]) + payload
    return b"\x1a" + bytes([kind]) + body.replace(b"\x1a", b"\x1a\x1a")


def test_the_uuid_announcement_is_readsbs():
    message = feeder.uuid_announcement(UUID)
    assert message == b"\x1a\xe4" + UUID.encode() + b"\x1aWO"
    assert len(feeder.uuid_announcement("abc")) == 2 + 36 + 3


def test_frames_are_counted_across_reads_and_escapes():
    counter = feeder.FrameCounter()
    stream = beast(0x33, KLM1023) + beast(0x32, bytes(7)) + beast(0x31, b"\x1a\x1a")
    for i in range(len(stream)):
        counter.feed(stream[i : i + 1])
    assert counter.frames == 3


@pytest.mark.parametrize("text", ["host", "host:0", "host:http", ":30005"])
def test_bad_endpoints_are_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        feeder.endpoint(text)


def test_ipv6_endpoints():
    assert feeder.endpoint("[2001:db8::1]:30005") == ("2001:db8::1", 30005)


def test_the_feeder_announces_the_station_then_forwards_every_frame(monkeypatch):
    monkeypatch.setenv("ADSB_FEEDER_UUID", UUID)
    frames = [
        beast(0x33, KLM1023),
        beast(0x32, bytes.fromhex("5D4840D6AB1234")),
        beast(0x33, KLM1023),
    ]

    async def scenario():
        received = bytearray()

        async def decoder(reader, writer):
            for frame in frames:
                writer.write(frame)
                await writer.drain()
            writer.close()  # the decoder going away ends this feed

        async def aggregator(reader, writer):
            while data := await reader.read(4096):
                received.extend(data)

        decoder_server = await asyncio.start_server(decoder, "127.0.0.1", 0)
        aggregator_server = await asyncio.start_server(aggregator, "127.0.0.1", 0)
        args = argparse.Namespace(
            name="test",
            decoder=("127.0.0.1", decoder_server.sockets[0].getsockname()[1]),
            target=("127.0.0.1", aggregator_server.sockets[0].getsockname()[1]),
        )
        counter = feeder.FrameCounter()
        with pytest.raises(ConnectionError, match="the decoder closed"):
            await feeder.feed_once(args, counter)
        await asyncio.sleep(0.1)
        decoder_server.close()
        aggregator_server.close()
        return bytes(received), counter.frames

    received, counted = asyncio.run(scenario())
    parsed = BeastParser().feed(received)
    assert parsed[0] == (UUID_TYPE, UUID.encode())
    assert [payload for _kind, payload in parsed[1:]] == [
        KLM1023,
        bytes.fromhex("5D4840D6AB1234"),
        KLM1023,
    ]
    assert counted == 3


def test_the_parser_waits_for_a_whole_frame():
    parser = BeastParser()
    frame = beast(0x33, KLM1023)
    assert parser.feed(frame[:10]) == []
    assert parser.feed(frame[10:]) == [(0x33, KLM1023)]
