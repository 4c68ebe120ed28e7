#!/usr/bin/env python
"""The lab's full VMs: qemu guests for roles that need a real kernel (md, device-mapper).

This machine kind has no KVM that works and a kernel without md/dm, so guests run under qemu's
software emulation (TCG). A guest boots the cached image of lab/vm/build.sh through its own boot
loader (so what the guest's update-initramfs writes is what the next boot runs), on a qcow2 overlay
of its own. Its only network is qemu's user-mode stack with ``restrict=on`` (no way out) and one
forward, ``127.0.0.1:PORT -> guest:22``. Extra disks are qcow2 files with serials, so the guest
sees them as ``/dev/disk/by-id/virtio-<serial>``; they survive a guest reboot and a ``start`` of a
stopped guest, and go with ``destroy``.

    lab_vm.py start NAME --port P [--disk SERIAL:SIZE]... [--disk-file SERIAL=PATH]...
    lab_vm.py ssh NAME -- COMMAND...
    lab_vm.py reboot NAME          the guest reboots itself; returns when SSH answers again
    lab_vm.py stop NAME            power off (the disks stay)
    lab_vm.py destroy NAME         stop and remove the guest's directory
    lab_vm.py boot-raw ...         used by lab/vm/build.sh for the image's first boot

State lives in ``--state`` (default /run/hobbynet-lab/vm/NAME): pid, overlay, disks, serial log.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

IMAGE_DIR = Path(os.environ.get("LAB_VM_IMAGE", "/var/cache/hobbynet-lab/vm/current"))
STATE_ROOT = Path(os.environ.get("LAB_VM_STATE", "/run/hobbynet-lab/vm"))
SSH_OPTIONS = [
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "LogLevel=ERROR",
    "-o", "ConnectTimeout=5",
    "-o", "BatchMode=yes",
]  # fmt: skip


def fail(message: str) -> None:
    sys.exit(f"lab_vm.py: {message}")


def size_bytes(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if text[-1:].upper() in units:
        return int(text[:-1]) * units[text[-1].upper()]
    return int(text)


def qemu_argv(
    state: Path, port: int, drives: list[tuple[str, Path, str]], memory: int, cpus: int
) -> list[str]:
    """qemu's command line: TCG, serial console to a file, user network with one forward."""
    argv = [
        "qemu-system-x86_64",
        "-name", state.name,
        "-machine", "q35",
        "-accel", "tcg,thread=multi",
        "-cpu", "max",
        "-smp", str(cpus),
        "-m", str(memory),
        "-display", "none",
        "-vga", "none",
        "-serial", f"file:{state / 'console.log'}",
        "-monitor", "none",
        "-netdev", f"user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:{port}-:22",
        "-device", "virtio-net-pci,netdev=net0",
        "-pidfile", str(state / "qemu.pid"),
        "-daemonize",
    ]  # fmt: skip
    for index, (serial, path, fmt) in enumerate(drives):
        argv += [
            "-drive", f"if=none,id=d{index},file={path},format={fmt},cache=writeback",
            "-device", f"virtio-blk-pci,drive=d{index}" + (f",serial={serial}" if serial else ""),
        ]  # fmt: skip
    return argv


def pid_of(state: Path) -> int | None:
    try:
        pid = int((state / "qemu.pid").read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def ssh_argv(key: Path, port: int, command: list[str]) -> list[str]:
    return ["ssh", "-i", str(key), "-p", str(port), *SSH_OPTIONS, "root@127.0.0.1", *command]


def wait_ssh(key: Path, port: int, state: Path, timeout: float) -> float:
    """Seconds until the guest runs a command over SSH; ends the tool on timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if state.exists() and pid_of(state) is None:
            fail(f"qemu of {state.name} exited; its console: {state / 'console.log'}")
        done = subprocess.run(
            ssh_argv(key, port, ["true"]), capture_output=True, check=False, timeout=30
        )
        if done.returncode == 0:
            return time.monotonic() - start
        time.sleep(2)
    fail(f"{state.name}: no SSH on 127.0.0.1:{port} after {timeout:.0f} s; console: "
         f"{state / 'console.log'}")  # fmt: skip
    return 0.0


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start(args: argparse.Namespace) -> None:
    state = args.state or STATE_ROOT / args.name
    key = IMAGE_DIR / "id_ed25519"
    if not (IMAGE_DIR / "disk.qcow2").exists():
        fail(f"no VM image at {IMAGE_DIR}: run lab/vm/build.sh first")
    if pid_of(state) is None:
        if not port_free(args.port):
            fail(f"127.0.0.1:{args.port} is taken; pick another --port for {args.name}")
        state.mkdir(parents=True, exist_ok=True)
        root = state / "root.qcow2"
        if not root.exists():
            base = (IMAGE_DIR / "disk.qcow2").resolve()
            subprocess.run(
                ["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", str(base),
                 str(root)],
                check=True,
            )  # fmt: skip
        drives: list[tuple[str, Path, str]] = [("", root, "qcow2")]
        for spec in args.disk:
            serial, size = spec.split(":", 1)
            path = state / f"{serial}.qcow2"
            if not path.exists():
                subprocess.run(
                    ["qemu-img", "create", "-q", "-f", "qcow2", str(path), str(size_bytes(size))],
                    check=True,
                )
            drives.append((serial, path, "qcow2"))
        for spec in args.disk_file:
            serial, path = spec.split("=", 1)
            drives.append((serial, Path(path), "raw"))
        (state / "port").write_text(f"{args.port}\n")
        subprocess.run(qemu_argv(state, args.port, drives, args.memory, args.cpus), check=True)
    took = wait_ssh(key, args.port, state, args.timeout)
    print(f"{args.name}: SSH on 127.0.0.1:{args.port} after {took:.1f} s")


def guest(name: str) -> tuple[Path, int]:
    state = STATE_ROOT / name
    try:
        return state, int((state / "port").read_text())
    except OSError:
        fail(f"no guest {name} under {STATE_ROOT}")
    raise AssertionError


def ssh(args: argparse.Namespace) -> None:
    port = guest(args.name)[1]
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    # ssh joins its arguments into one string for the remote shell: quote them so they survive.
    remote = ssh_argv(IMAGE_DIR / "id_ed25519", port, [shlex.join(command)])
    sys.exit(subprocess.run(remote, check=False).returncode)


def boot_id(key: Path, port: int) -> str:
    done = subprocess.run(
        ssh_argv(key, port, ["cat", "/proc/sys/kernel/random/boot_id"]),
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip
    return done.stdout.strip()


def reboot(args: argparse.Namespace) -> None:
    state, port = guest(args.name)
    key = IMAGE_DIR / "id_ed25519"
    before = boot_id(key, port)
    started = time.monotonic()
    subprocess.run(ssh_argv(key, port, ["systemctl", "reboot"]), capture_output=True, check=False)
    while time.monotonic() - started < args.timeout:
        time.sleep(3)
        now = boot_id(key, port)
        if now and now != before:
            print(f"{args.name}: rebooted, SSH again after {time.monotonic() - started:.1f} s")
            return
        if pid_of(state) is None:
            fail(f"qemu of {args.name} exited during the reboot; console: {state / 'console.log'}")
    fail(f"{args.name}: not back {args.timeout:.0f} s after the reboot; console: "
         f"{state / 'console.log'}")  # fmt: skip


def wait_exit(state: Path, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pid_of(state) is None:
            return True
        time.sleep(1)
    return False


def stop(args: argparse.Namespace) -> None:
    state = STATE_ROOT / args.name
    pid = pid_of(state)
    if pid is None:
        return
    try:
        port = int((state / "port").read_text())
        subprocess.run(
            ssh_argv(IMAGE_DIR / "id_ed25519", port, ["systemctl", "poweroff"]),
            capture_output=True, check=False, timeout=30,
        )  # fmt: skip
    except (OSError, ValueError, subprocess.TimeoutExpired):
        pass
    if not wait_exit(state, 90):
        os.kill(pid, signal.SIGKILL)
        wait_exit(state, 10)


def destroy(args: argparse.Namespace) -> None:
    state = STATE_ROOT / args.name
    pid = pid_of(state)
    if pid is not None:
        os.kill(pid, signal.SIGKILL)
        wait_exit(state, 10)
    shutil.rmtree(state, ignore_errors=True)


def boot_raw(args: argparse.Namespace) -> None:
    """The image's first boot (lab/vm/build.sh): kernel and initrd from the host, one raw disk."""
    state = args.state
    state.mkdir(parents=True, exist_ok=True)
    argv = qemu_argv(state, args.port, [("", args.disk, "raw")], args.memory, args.cpus)
    argv += ["-kernel", str(args.kernel), "-initrd", str(args.initrd), "-append", args.append]
    subprocess.run(argv, check=True)
    took = wait_ssh(args.key, args.port, state, args.timeout)
    print(f"first boot: SSH after {took:.1f} s")
    for command in args.run:
        # ssh hands the remote shell one string: the command goes as it is written.
        if subprocess.run(ssh_argv(args.key, args.port, [command]), check=False).returncode:
            fail(f"first boot: {command!r} failed in the guest (its output is above)")
    subprocess.run(
        ssh_argv(args.key, args.port, ["systemctl", "poweroff"]), capture_output=True, check=False
    )
    if not wait_exit(state, 120):
        fail("the first boot did not power off")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="action", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--timeout", type=float, default=420.0)
    common.add_argument("--memory", type=int, default=1024, help="MiB")
    common.add_argument("--cpus", type=int, default=2)

    p = sub.add_parser("start", parents=[common])
    p.add_argument("name")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--disk", action="append", default=[], help="SERIAL:SIZE (qcow2, sparse)")
    p.add_argument("--disk-file", action="append", default=[], help="SERIAL=PATH (raw)")
    p.add_argument("--state", type=Path)
    p.set_defaults(func=start)

    p = sub.add_parser("ssh")
    p.add_argument("name")
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(func=ssh)

    p = sub.add_parser("reboot", parents=[common])
    p.add_argument("name")
    p.set_defaults(func=reboot)

    for action, func in (("stop", stop), ("destroy", destroy)):
        p = sub.add_parser(action)
        p.add_argument("name")
        p.set_defaults(func=func)

    p = sub.add_parser("boot-raw", parents=[common])
    p.add_argument("--state", type=Path, required=True)
    p.add_argument("--disk", type=Path, required=True)
    p.add_argument("--kernel", type=Path, required=True)
    p.add_argument("--initrd", type=Path, required=True)
    p.add_argument("--append", required=True)
    p.add_argument("--key", type=Path, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--run", action="append", default=[], help="a shell command run in the guest")
    p.set_defaults(func=boot_raw)

    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
