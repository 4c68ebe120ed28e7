"""lab/tools/lab_vm.py: the qemu command line that keeps a lab guest offline."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "lab" / "tools" / "lab_vm.py"
SPEC = importlib.util.spec_from_file_location("lab_vm", SCRIPT)
lab_vm = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(lab_vm)


def test_the_guest_network_is_restricted_to_one_loopback_forward():
    argv = lab_vm.qemu_argv(Path("/run/x/v1"), 2251, [("", Path("/r.qcow2"), "qcow2")], 1024, 2)
    nets = [argv[i + 1] for i, a in enumerate(argv) if a == "-netdev"]
    assert nets == ["user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:2251-:22"]
    assert "tcg,thread=multi" in argv
    assert "-daemonize" in argv and "/run/x/v1/qemu.pid" in argv


def test_extra_disks_carry_their_serials():
    drives = [("", Path("/r.qcow2"), "qcow2"), ("hn-hdd-a", Path("/a.qcow2"), "qcow2"),
              ("hn-old", Path("/old.raw"), "raw")]  # fmt: skip
    argv = lab_vm.qemu_argv(Path("/run/x/v1"), 2251, drives, 1024, 2)
    devices = [argv[i + 1] for i, a in enumerate(argv) if a == "-device"]
    assert "virtio-blk-pci,drive=d0" in devices
    assert "virtio-blk-pci,drive=d1,serial=hn-hdd-a" in devices
    assert "virtio-blk-pci,drive=d2,serial=hn-old" in devices
    assert "if=none,id=d2,file=/old.raw,format=raw,cache=writeback" in argv


def test_sizes():
    assert lab_vm.size_bytes("512M") == 512 << 20
    assert lab_vm.size_bytes("2G") == 2 << 30
    assert lab_vm.size_bytes("4096") == 4096
