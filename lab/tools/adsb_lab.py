#!/usr/bin/env python
"""Lab code: real Mode S frames into a decoder, and a Beast sink that stands in for the aggregators.

Runs inside lab containers with plain python3; the sink decodes with pyModeS when it is importable
(PYTHONPATH pointing at the unpacked wheel) and says so in its state otherwise.

    adsb_lab.py sink --listen adsbexchange=0.0.0.0:30004 --listen adsbfi=0.0.0.0:30014 \
        --state /run/adsb-sink/state.json
        Accepts Beast feeds on each port (one name per port), counts the frames, decodes the ICAO
        address (and the callsign of identification messages) of every Mode S frame, records the
        station UUID a feeder announces (0x1A 0xE4 + 36 characters), and rewrites the state file
        (JSON) twice a second.

    adsb_lab.py replay --frames frames.json --to 198.18.48.11:30001 --every 12 --seconds 120
        Sends the fixture's timeline in AVR form (``*HEX;``) to a decoder's raw input with its
        recorded spacing, one round every --every seconds (longer than the 10 s in which a decoder
        pairs even and odd positions, so rounds never mix).

    adsb_lab.py bench --frames frames.json --to 198.18.48.11:30001 --listen 0.0.0.0:30004 \
        --rates 200,1000,5000 --seconds 20
        Replay and sink in one process (one clock): for each rate, sends the bulk frames at that
        rate and, every half second, a probe frame that the bulk never carries; prints one JSON
        line per rate with the frames sent and received per second and the probe's latency from
        the decoder's input to the sink.

    adsb_lab.py sample --pid 123 --pid 456 --seconds 90 --out /tmp/samples.jsonl
        On the receiver: every half second, the CPU seconds of each pid and the decoder's message
        count (aircraft.json), one JSON line each, for the benchmark to cut into its runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import time

try:  # pyModeS on PYTHONPATH (the lab pushes the wheel); the sink still counts frames without it.
    import pyModeS
except ImportError:  # pragma: no cover - depends on the container
    pyModeS = None

ESCAPE = 0x1A
FRAME_LENGTHS = {0x31: 2, 0x32: 7, 0x33: 14}  # Mode A/C, Mode S short, Mode S long (payload bytes)
UUID_TYPE = 0xE4


def address(text: str) -> tuple[str, int]:
    host, _sep, port = text.rpartition(":")
    return host.strip("[]"), int(port)


class BeastParser:
    """Splits a Beast stream into (type, payload) frames; undoes the 0x1A escaping."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        self.buffer += data
        frames = []
        while True:
            start = self.buffer.find(bytes([ESCAPE]))
            if start < 0:
                self.buffer.clear()
                return frames
            del self.buffer[:start]
            if len(self.buffer) < 2:
                return frames
            kind = self.buffer[1]
            if kind == UUID_TYPE:
                if len(self.buffer) < 2 + 36:
                    return frames
                frames.append((UUID_TYPE, bytes(self.buffer[2:38])))
                del self.buffer[:38]
                continue
            if kind not in FRAME_LENGTHS and kind != 0x34:
                del self.buffer[:1]
                continue
            # Timestamp (6) + signal (1) + payload, every 0x1A in them doubled.
            want = 7 + FRAME_LENGTHS.get(kind, 0)
            out = bytearray()
            i = 2
            while len(out) < want and i < len(self.buffer):
                byte = self.buffer[i]
                if byte == ESCAPE:
                    if i + 1 >= len(self.buffer):
                        break
                    if self.buffer[i + 1] != ESCAPE:
                        out = None
                        break
                    i += 1
                out.append(byte)
                i += 1
            if out is None:
                del self.buffer[:1]
                continue
            if len(out) < want:
                return frames
            frames.append((kind, bytes(out[7:])))
            del self.buffer[:i]


def describe(payload: bytes) -> dict:
    """ICAO address and callsign of a Mode S frame (pyModeS), or only its hex without pyModeS."""
    msg = payload.hex().upper()
    info = {"hex": msg}
    if pyModeS is None or len(msg) not in (14, 28):
        return info
    try:
        decoded = pyModeS.decode(msg)
    except Exception:
        return info
    if isinstance(decoded, dict):
        for key in ("icao", "callsign", "typecode", "df"):
            if decoded.get(key) is not None:
                info[key] = decoded[key]
    return info


class Sink:
    def __init__(self, state_path: str | None) -> None:
        self.state_path = state_path
        self.feeds: dict[str, dict] = {}
        self.arrivals: list[tuple[float, str]] = []  # (time, hex) for bench

    def feed_state(self, name: str) -> dict:
        return self.feeds.setdefault(
            name,
            {
                "connections": 0,
                "connected": False,
                "frames": 0,
                "modes_frames": 0,
                "icaos": {},
                "callsigns": {},
                "uuids": [],
                "first_frame_at": None,
                "last_frame_at": None,
            },
        )

    async def serve(
        self, name: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        state = self.feed_state(name)
        state["connections"] += 1
        state["connected"] = True
        parser = BeastParser()
        try:
            while data := await reader.read(65536):
                now = time.time()
                for kind, payload in parser.feed(data):
                    if kind == UUID_TYPE:
                        text = payload.decode("ascii", "replace")
                        if text not in state["uuids"]:
                            state["uuids"].append(text)
                        continue
                    state["frames"] += 1
                    state["first_frame_at"] = state["first_frame_at"] or now
                    state["last_frame_at"] = now
                    if kind in (0x32, 0x33):
                        state["modes_frames"] += 1
                        info = describe(payload)
                        self.arrivals.append((now, info["hex"]))
                        icao = str(info.get("icao", "")).lower()
                        if icao:
                            state["icaos"][icao] = state["icaos"].get(icao, 0) + 1
                            if info.get("callsign"):
                                state["callsigns"][icao] = str(info["callsign"]).strip("_ ")
        finally:
            state["connected"] = False
            writer.close()

    def write(self) -> None:
        if not self.state_path:
            return
        temporary = self.state_path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "decoder": "pyModeS " + pyModeS.__version__ if pyModeS else None,
                    "feeds": self.feeds,
                    "written_at": time.time(),
                },
                out,
                indent=1,
                sort_keys=True,
            )
        os.replace(temporary, self.state_path)

    async def writer_loop(self) -> None:
        while True:
            self.write()
            await asyncio.sleep(0.5)


async def listen(sink: Sink, specs: list[str]) -> list[asyncio.base_events.Server]:
    servers = []
    for spec in specs:
        name, _sep, where = spec.partition("=")
        host, port = address(where)
        sink.feed_state(name)
        servers.append(
            await asyncio.start_server(
                lambda r, w, n=name: sink.serve(n, r, w), host, port, reuse_address=True
            )
        )
    return servers


def load_frames(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


async def send_frames(
    target: tuple[str, int],
    frames: list[str],
    rate: float,
    seconds: float,
    probe: str | None = None,
    probes: list | None = None,
) -> int:
    _reader, writer = await asyncio.open_connection(*target)
    sent = 0
    started = time.monotonic()
    next_probe = started + 0.5
    batch = max(1, int(rate / 100))  # write in batches, 100 times a second
    index = 0
    try:
        while time.monotonic() - started < seconds:
            lines = [f"*{frames[(index + i) % len(frames)]};\n" for i in range(batch)]
            index += batch
            writer.write("".join(lines).encode())
            sent += len(lines)
            now = time.monotonic()
            if probe and now >= next_probe:
                writer.write(f"*{probe};\n".encode())
                await writer.drain()
                probes.append(time.time())
                next_probe = now + 0.5
            await writer.drain()
            target_time = started + sent / rate
            delay = target_time - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
    finally:
        writer.close()
    return sent


async def run_sink(args: argparse.Namespace) -> None:
    sink = Sink(args.state)
    os.makedirs(os.path.dirname(args.state) or ".", exist_ok=True)
    servers = await listen(sink, args.listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    task = asyncio.ensure_future(sink.writer_loop())
    await stop.wait()
    task.cancel()
    for server in servers:
        server.close()
    sink.write()


async def run_replay(args: argparse.Namespace) -> None:
    """Rounds of the timeline until --seconds are up; reconnects when the decoder is not there
    (yet, or restarted), so a replay started next to a (re)starting decoder still delivers."""
    data = load_frames(args.frames)
    started = time.monotonic()
    sent = 0
    writer = None
    while time.monotonic() - started < args.seconds:
        round_start = time.monotonic()
        try:
            if writer is None:
                _reader, writer = await asyncio.open_connection(*address(args.to))
            for offset, frame in data["timeline"]:
                delay = round_start + offset - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                writer.write(f"*{frame};\n".encode())
                await writer.drain()
                sent += 1
        except OSError as exc:
            print(f"replay: {args.to}: {exc}; again in 1 s", file=sys.stderr, flush=True)
            writer = None
            await asyncio.sleep(1)
            continue
        await asyncio.sleep(max(0.0, round_start + args.every - time.monotonic()))
    if writer is not None:
        writer.close()
    print(json.dumps({"sent": sent}))


async def bench_rate(
    sink: Sink, data: dict, target: tuple[str, int], rate: float, seconds: float
) -> dict:
    state = sink.feeds["bench"]
    received_before = state["frames"]
    sink.arrivals.clear()
    probes: list[float] = []
    started = time.time()
    sent = await send_frames(target, data["bulk"], rate, seconds, data["probe"], probes)
    elapsed = time.time() - started
    await asyncio.sleep(3)  # the decoder's output buffer flushes at least once a second
    probe_hex = data["probe"].upper()
    arrivals = [t for t, h in sink.arrivals if h == probe_hex]
    latencies = []
    for sent_at in probes:
        later = [t for t in arrivals if t >= sent_at]
        if later:
            latencies.append((later[0] - sent_at) * 1000)
            arrivals.remove(later[0])
    received = state["frames"] - received_before
    latencies.sort()
    return {
        "rate": rate,
        "started": started,
        "ended": started + elapsed,
        "sent": sent,
        "seconds": round(elapsed, 2),
        "sent_per_s": round(sent / elapsed, 1),
        "received": received,
        "received_per_s": round(received / elapsed, 1),
        "probes_sent": len(probes),
        "probes_received": len(latencies),
        "latency_ms_median": round(statistics.median(latencies), 1) if latencies else None,
        "latency_ms_p90": round(latencies[int(len(latencies) * 0.9) - 1], 1)
        if len(latencies) >= 10
        else None,
        "latency_ms_max": round(latencies[-1], 1) if latencies else None,
    }


async def run_bench(args: argparse.Namespace) -> None:
    data = load_frames(args.frames)
    sink = Sink(None)
    await listen(sink, [f"bench={args.listen}"])
    # The feeder reconnects to the bench's sink within its backoff (1 s, doubling, at most 60 s).
    deadline = time.monotonic() + 90
    while not sink.feeds["bench"]["connected"] and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for rate in [float(r) for r in args.rates.split(",")]:
        print(
            json.dumps(await bench_rate(sink, data, address(args.to), rate, args.seconds)),
            flush=True,
        )


async def run_sample(args: argparse.Namespace) -> None:
    """Every --interval: time, CPU ticks of each pid, and the decoder's message count."""
    ticks = os.sysconf("SC_CLK_TCK")
    end = time.time() + args.seconds
    with open(args.out, "w", encoding="utf-8") as out:
        while time.time() < end:
            row = {"t": time.time()}
            for pid in args.pid:
                with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                row[str(pid)] = (
                    int(fields[11]) + int(fields[12])
                ) / ticks  # utime + stime, seconds
            try:
                with open(args.aircraft, encoding="utf-8") as handle:
                    row["messages"] = json.load(handle)["messages"]
            except (OSError, ValueError, KeyError):
                row["messages"] = None
            out.write(json.dumps(row) + "\n")
            out.flush()
            await asyncio.sleep(args.interval)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sink = sub.add_parser("sink")
    sink.add_argument("--listen", action="append", required=True, help="name=host:port, repeatable")
    sink.add_argument("--state", required=True)
    replay = sub.add_parser("replay")
    replay.add_argument("--frames", required=True)
    replay.add_argument("--to", required=True)
    replay.add_argument("--every", type=float, default=12)
    replay.add_argument("--seconds", type=float, default=120)
    bench = sub.add_parser("bench")
    bench.add_argument("--frames", required=True)
    bench.add_argument("--to", required=True)
    bench.add_argument("--listen", required=True)
    bench.add_argument(
        "--rates", default="1000", help="frames per second, comma-separated, one run each"
    )
    bench.add_argument("--seconds", type=float, default=20)
    sample = sub.add_parser("sample")
    sample.add_argument("--pid", type=int, action="append", required=True)
    sample.add_argument("--aircraft", default="/run/dump1090-mutability/aircraft.json")
    sample.add_argument("--interval", type=float, default=0.5)
    sample.add_argument("--seconds", type=float, required=True)
    sample.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    runner = {"sink": run_sink, "replay": run_replay, "bench": run_bench, "sample": run_sample}[
        args.command
    ]
    asyncio.run(runner(args))


if __name__ == "__main__":
    main(sys.argv[1:])
