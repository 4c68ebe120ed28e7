#!/usr/bin/env python
"""RAID1 + LVM cache benchmark in a lab VM (prints numbers; asserts nothing).

Software emulation (qemu TCG), so absolute numbers mean little: compare ratios. On a guest of its
own (lab/tools/lab_vm.py, the molecule mdadm_lvmcache layout: a 1 GiB RAID1 of two disks, a 256
MiB partition of a third as the cache) built by the role (playbooks/storage.yml), it measures:

- wall time of each phase: image (lab/vm/build.sh, cached), boot to SSH, first converge (three
  rounds, mkfs, update-initramfs), a re-run (nothing to do);
- random reads: a working set that fits the cache (--working-set MiB, 64 KiB reads at random
  aligned offsets, O_DIRECT so the guest's page cache is out of the way), several passes; per pass
  the reads per second and dm-cache's read hits and misses and promotions in that pass; then the
  same passes with the cache detached (lvconvert --splitcache, flushed) against the array alone,
  and the cache attached again;
- resync: a member failed, removed and its superblock zeroed, then added back: seconds for the
  full recovery of the 1 GiB member, per GiB; and a --re-add after a short write (the write-intent
  bitmap keeps it to what changed).

Usage: benchmarks/storage.py [--passes 4] [--working-set 128] [--keep]
The guest is destroyed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]
NAME, PORT = "vbench", 2270
DISKS = ["hn-hdd-a:1536M", "hn-hdd-b:2G", "hn-ssd:1G"]
VOLUME = {
    "name": "data",
    "members": ["/dev/disk/by-id/virtio-hn-hdd-a", "/dev/disk/by-id/virtio-hn-hdd-b"],
    "member_size": 1073741824,
    "cache_device": "/dev/disk/by-id/virtio-hn-ssd",
    "cache_size": 268435456,
    "cache_metadata_size": 8388608,
    "mount": "/srv/data",
}
MEMBER_B = "/dev/disk/by-id/virtio-hn-hdd-b-part1"

# Runs in the guest: PASSES passes of random 64 KiB O_DIRECT reads over the first WS MiB of the
# LV, each pass the same offsets in a new random order; dm-cache's counters around each pass.
READER = r"""
import mmap, os, random, subprocess, sys, time, json
dev, ws, passes = sys.argv[1], int(sys.argv[2]) << 20, int(sys.argv[3])
block = 65536
offsets = list(range(0, ws, block))
def counters():
    argv = ["dmsetup", "status", "vg_data-data"]
    out = subprocess.run(argv, capture_output=True, text=True).stdout.split()
    if len(out) < 14 or out[2] != "cache":
        return None
    return {"hits": int(out[7]), "misses": int(out[8]), "promotions": int(out[12])}
buf = mmap.mmap(-1, block)
fd = os.open(dev, os.O_RDONLY | os.O_DIRECT)
rows = []
for n in range(passes):
    random.shuffle(offsets)
    before = counters()
    start = time.monotonic()
    for off in offsets:
        os.preadv(fd, [buf], off)
    took = time.monotonic() - start
    after = counters()
    row = {"pass": n + 1, "reads": len(offsets), "seconds": round(took, 2),
           "reads_per_s": round(len(offsets) / took)}
    if before and after:
        row.update({k: after[k] - before[k] for k in after})
    rows.append(row)
print(json.dumps(rows))
"""


def sh(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=True, text=True, **kw)


def guest(script: str) -> str:
    done = subprocess.run(
        [str(TOP / "lab/tools/lab_vm.py"), "ssh", NAME, "--", "sh", "-ec", script],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"storage.py: in the guest: {script!r} failed: {done.stderr.strip()}")
    return done.stdout


def timed(label: str, argv: list[str], **kw) -> float:
    start = time.monotonic()
    sh(argv, stdout=subprocess.DEVNULL, **kw)
    took = time.monotonic() - start
    print(f"{label:<44} {took:7.1f} s", flush=True)
    return took


def reads(passes: int, working_set: int, label: str) -> None:
    rows = json.loads(
        guest(
            f"cat >/tmp/reader.py <<'EOF'\n{READER}\nEOF\n"
            f"python3 /tmp/reader.py /dev/vg_data/data {working_set} {passes}"
        )
    )
    for row in rows:
        extra = ""
        if "hits" in row:
            total = row["hits"] + row["misses"]
            ratio = row["hits"] / total if total else 0.0
            extra = (
                f"  hits {row['hits']:6d}  misses {row['misses']:6d}  hit ratio {ratio:5.2f}"
                f"  promotions {row['promotions']:5d}"
            )
        print(
            f"  {label:<10} pass {row['pass']}: {row['reads']} reads in {row['seconds']:6.2f} s"
            f" = {row['reads_per_s']:5d}/s{extra}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=4)
    parser.add_argument("--working-set", type=int, default=128, help="MiB (fits the 236 MiB cache)")
    parser.add_argument("--keep", action="store_true", help="keep the guest afterwards")
    args = parser.parse_args()

    env = dict(os.environ, ANSIBLE_CONFIG=str(TOP / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(TOP / ".cache/collections"))
    work = Path(tempfile.mkdtemp(prefix="storage-bench-"))
    inventory = work / "hosts.yml"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "children": {
                        "storage": {
                            "hosts": {
                                NAME: {
                                    "ansible_host": "127.0.0.1",
                                    "ansible_port": PORT,
                                    "ansible_user": "root",
                                    "ansible_connection": "ssh",
                                    "ansible_ssh_private_key_file": (
                                        "/var/cache/hobbynet-lab/vm/current/id_ed25519"
                                    ),
                                    "ansible_ssh_common_args": (
                                        "-o StrictHostKeyChecking=no "
                                        "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
                                    ),
                                    "ansible_python_interpreter": "/usr/bin/python3",
                                    "mdadm_lvmcache_volumes": [VOLUME],
                                }
                            }
                        }
                    }
                }
            }
        )
    )
    playbook = ["ansible-playbook", "-i", str(inventory), str(TOP / "playbooks/storage.yml")]
    print("phase                                        wall time", flush=True)
    timed("image (lab/vm/build.sh; cached unless changed)", [str(TOP / "lab/vm/build.sh")])
    start = [str(TOP / "lab/tools/lab_vm.py"), "start", NAME, "--port", str(PORT)]
    timed("boot to SSH", start + [f"--disk={d}" for d in DISKS])
    try:
        timed("converge (3 rounds, mkfs, initramfs)", playbook, env=env)
        timed("re-run (nothing to do)", playbook, env=env)
        guest("mdadm --wait /dev/md/data || true")

        print(f"\nrandom 64 KiB O_DIRECT reads over {args.working_set} MiB", flush=True)
        reads(args.passes, args.working_set, "cached")
        start_t = time.monotonic()
        guest("lvconvert --yes --splitcache vg_data/data >/dev/null")
        print(f"  (cache detached, flushed: {time.monotonic() - start_t:.1f} s)", flush=True)
        reads(args.passes, args.working_set, "no cache")
        guest("lvconvert --yes --type cache --cachepool vg_data/data_cache vg_data/data >/dev/null")
        reads(args.passes, args.working_set, "re-cached")

        print("\nresync", flush=True)
        full = guest(
            f"mdadm /dev/md/data --fail {MEMBER_B} --remove {MEMBER_B} >/dev/null 2>&1\n"
            f"mdadm --zero-superblock {MEMBER_B}\n"
            "s=$(date +%s.%N)\n"
            f"mdadm /dev/md/data --add {MEMBER_B} >/dev/null 2>&1\n"
            "sleep 1; mdadm --wait /dev/md/data || true\n"
            'python3 -c "print($(date +%s.%N) - $s)"'
        )
        seconds = float(full.strip().splitlines()[-1])
        size = VOLUME["member_size"] / (1 << 30)
        print(f"  full recovery of a {size:.0f} GiB member: {seconds:.1f} s = "
              f"{seconds / size:.1f} s per GiB")  # fmt: skip
        readd = guest(
            f"mdadm /dev/md/data --fail {MEMBER_B} --remove {MEMBER_B} >/dev/null 2>&1\n"
            "dd if=/dev/urandom of=/srv/data/bench.bin bs=1M count=32 status=none; sync\n"
            "s=$(date +%s.%N)\n"
            f"mdadm /dev/md/data --re-add {MEMBER_B} >/dev/null 2>&1\n"
            "sleep 1; mdadm --wait /dev/md/data || true\n"
            'python3 -c "print($(date +%s.%N) - $s)"'
        )
        print(f"  --re-add after 32 MiB written (bitmap): {float(readd.split()[-1]):.1f} s")
    finally:
        if not args.keep:
            sh([str(TOP / "lab/tools/lab_vm.py"), "destroy", NAME])


if __name__ == "__main__":
    main()
