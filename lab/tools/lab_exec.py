#!/usr/bin/env python
"""Lab code shared by the lab tools: run commands in the lab's containers (podman exec)."""

from __future__ import annotations

import subprocess
import sys


class Containers:
    """The containers of one lab: ``<prefix><inventory host name>``."""

    def __init__(self, prefix: str, tool: str) -> None:
        self.prefix = prefix
        self.tool = tool

    def sh(self, host: str, script: str, check: bool = True) -> str:
        """Run a bash script in ``host``; its stdout. A failure ends the tool when ``check``."""
        done = subprocess.run(
            ["podman", "exec", self.prefix + host, "bash", "-c", script],
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode != 0:
            sys.exit(f"{self.tool}: on {host}: {script!r} failed: {done.stderr.strip()}")
        return done.stdout

    def detach(self, host: str, argv: list[str]) -> None:
        """Start ``argv`` in ``host`` in the background."""
        subprocess.run(
            ["podman", "exec", "-d", self.prefix + host, *argv],
            stdout=subprocess.DEVNULL,
            check=True,
        )

    def copy(self, path: str, host: str, target: str) -> None:
        subprocess.run(["podman", "cp", path, f"{self.prefix}{host}:{target}"], check=True)
