#!/usr/bin/env python
"""Lab code: a UDP relay that delays every datagram, to add latency to one tunnel's underlay.

This machine's kernel has no netem. Run inside a lab container (plain python3, no packages):

    udp_delay_relay.py --listen 127.0.0.1:51999 --bind 0.0.0.0:51998 \
        --target 198.51.100.21:51821 --delay-ms 30

then point the local WireGuard peer at --listen and the remote one at --bind (`wg set IFACE peer
KEY endpoint ...` on both ends: WireGuard follows the source of every authenticated packet, so
with one end pointed at the relay, the other end's direct packets would make it roam back).
Datagrams from the local side go to the target after the delay, the target's come back after
the delay: the tunnel's RTT grows by twice the delay. Stop the relay (SIGTERM), then point both
peers back at their real endpoints. Order is kept per direction.
"""

from __future__ import annotations

import argparse
import asyncio
import signal


def address(text: str) -> tuple[str, int]:
    host, _sep, port = text.rpartition(":")
    return host.strip("[]"), int(port)


class Side(asyncio.DatagramProtocol):
    def __init__(self, relay: Relay, name: str) -> None:
        self.relay = relay
        self.name = name
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        self.relay.received(self.name, data, addr)


class Relay:
    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.local: Side | None = None
        self.remote: Side | None = None
        self.client = None
        self.loop = asyncio.get_running_loop()

    def received(self, side: str, data: bytes, addr) -> None:
        if side == "local":
            self.client = addr
            self.loop.call_later(self.delay_s, self.remote.transport.sendto, data)
        elif self.client is not None:
            self.loop.call_later(self.delay_s, self.local.transport.sendto, data, self.client)


async def run(
    listen: tuple[str, int], bind: tuple[str, int], target: tuple[str, int], delay_s: float
) -> None:
    loop = asyncio.get_running_loop()
    relay = Relay(delay_s)
    _t, relay.local = await loop.create_datagram_endpoint(
        lambda: Side(relay, "local"), local_addr=listen
    )
    _t, relay.remote = await loop.create_datagram_endpoint(
        lambda: Side(relay, "remote"), local_addr=bind, remote_addr=target
    )
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set_result, None)
    print(
        f"relaying {listen} -> {bind} -> {target} with {delay_s * 1000:g} ms each way", flush=True
    )
    await stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, type=address)
    parser.add_argument("--bind", required=True, type=address, help="the remote side's address")
    parser.add_argument("--target", required=True, type=address)
    parser.add_argument("--delay-ms", required=True, type=float)
    args = parser.parse_args()
    asyncio.run(run(args.listen, args.bind, args.target, args.delay_ms / 1000.0))


if __name__ == "__main__":
    main()
