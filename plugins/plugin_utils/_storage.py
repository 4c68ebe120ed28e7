"""RAID1 (mdadm) volumes with an LVM cache on an SSD: inputs checked, host state planned.

Pure functions: no Ansible imports, no I/O. Used by roles/mdadm_lvmcache through the filters
``storage_inputs``, ``storage_plan`` and ``storage_mdadm_conf``; the host is read with the module
``hobbynet.infra.block_facts``, which returns ``block_facts`` (register it; format below).

The role's loop
===============
``storage_inputs(host_vars, host)`` checks the ``mdadm_lvmcache_*`` variables on the controller
(every problem at once, each naming the variable as the user wrote it, e.g.
``mdadm_lvmcache_volumes[0].members[1]``) and returns ``{"volumes", "wipe", "mail",
"alert_program", "devices", "mounts"}``. The role then does, up to 3 rounds::

    block_facts: devices={{ inputs.devices }}, register: read   # read
    plan = inputs.volumes | storage_plan(read.block_facts, inputs.wipe)
    fail when plan.problems (one message per line; nothing has been run)
    run plan.steps in order: ansible.builtin.command argv={{ item.argv }}
        (label item.what; every step changes something; none in check mode)
    another round when plan.pending; fail when a round has pending but no steps

``storage_plan`` plans only what is missing from the state it is given, so it is correct on any
intermediate state (a failed step, an interrupted run, a reboot between rounds): a new run
finishes what an interrupted one left (tested after every step of a build), and a built host
gets no steps and nothing pending. A fresh volume takes three rounds: (1) the partitions;
(2) once they can be read, the array, both physical volumes and the volume group; (3) once LVM's
extent counts can be read, the logical volume, the cache pool, the cache and the file system.
After the rounds, ``storage_mdadm_conf(volumes, facts)`` gives the ARRAY lines of
/etc/mdadm/mdadm.conf (read the facts again first: arrays made in the last round are not in the
old ones), and ``inputs.mounts`` the fstab entries.

Names
=====
Array ``/dev/md/<name>`` (``mdadm --name=<name>``; mdadm stores ``<homehost>:<name>``), GPT
partitions ``hn-<name>-md`` (type FD00) on each member and ``hn-<name>-cache`` (8E00) on the
cache device, volume group ``vg``, logical volume ``lv``, cache metadata LV ``<lv>_cachemeta``
and cache data LV ``<lv>_cache``, which becomes the cache pool; attached, LVM renames it
``<lv>_cache_cpool`` (hidden) and renames it back when split off; LVM's spare metadata LV is
``lvol0_pmspare``. (``<lv>_cmeta`` / ``<lv>_cdata`` cannot be used: lvm2 refuses LV names
containing ``_cmeta``, ``_cdata``, ``_cpool``, ... - lib/misc/lvm-string.c.)

Facts (``block_facts``; sizes in bytes unless named sectors)
============================================================
::

    {"devices": {PATH: DEVICE},       # keyed by the paths the module was given
     "arrays": [ARRAY],                # every md array of the host (/sys/block/md*)
     "lvm": {"available": bool, "pvs": [PV], "vgs": [VG], "lvs": [LV]},
     "filesystems": {"/dev/VG/LV": FS},  # every visible active LV
     "missing_tools": [str]}           # of sfdisk, mdadm, lvm, dumpe2fs: what they read is absent

    DEVICE = {"path", "exists": bool, "realpath": "/dev/vdb", "kname": "vdb",
              "partition": bool, "size": int | None (None: not a block device, see table_error),
              "logical_sector_size": int,
              "signatures": [SIG], "holders": [kname], "mountpoints": [str] ("[SWAP]" for swap),
              "md": MDSB | None,              # mdadm --examine --export of the whole device
              "table": TABLE | None,          # None: no partition table
              "table_error": str | None}      # why the table (or the device) could not be read
    SIG   = {"type": "ext4", "offset": int, "uuid": str | None, "label": str | None}
            # wipefs --json --no-act: gpt, PMBR, dos, ext4, linux_raid_member, LVM2_member, ...
    TABLE = {"label": "gpt" | "dos" | ..., "id": str, "first_lba": int | None,
             "last_lba": int | None, "sector_size": int, "partitions": [PART]}   # sfdisk --json
    PART  = {"number": int, "path": "<disk>-part<N>", "present": bool (the by-id link exists),
             "realpath": "/dev/vdb1", "kname": "vdb1",
             "start": sectors, "size": sectors, "bytes": int, "type": "A19D880F-...",
             "uuid": str, "name": "hn-data-md", "signatures": [SIG],
             "blkid": {KEY: VALUE}, "md": MDSB | None, "holders": [kname], "mountpoints": [str]}
             # signatures, blkid, md, holders and mountpoints are read only when present
    MDSB  = {"uuid": "3c3b1f8e:0c1d2e3f:4a5b6c7d:8e9f0a1b", "name": "host1:data",
             "level": "raid1", "devices": int, "dev_uuid": str, "events": int}
    ARRAY = {"path": "/dev/md127", "realpath": "/dev/md127", "kname": "md127",
             "links": ["/dev/md/data"], "uuid": str | None, "name": "host1:data" | None,
             "metadata": "1.2", "level": "raid1", "raid_devices": int, "size": int,
             "members": [{"dev": "/dev/vdb1", "kname": "vdb1", "slot": "0" | "none" | ...,
                          "state": ["in_sync"] | ["faulty"] | ["spare"] | ...}],
             "array_state": "clean", "degraded": int, "sync_action": "idle",
             "sync_completed": "none" | "1234 / 5678",
             "signatures": [SIG], "holders": [kname], "mountpoints": [str]}
    PV    = {"pv_name", "realpath", "vg_name" ("" = orphan), "pv_uuid", "pv_size", "pv_free",
             "dev_size", "pe_start", "pv_pe_count", "pv_pe_alloc_count", "pv_attr",
             "pv_missing": bool}
    VG    = {"vg_name", "vg_uuid", "vg_attr", "vg_size", "vg_free", "vg_extent_size",
             "vg_extent_count", "vg_free_count", "pv_count", "lv_count"}
    LV    = {"lv_name" (no brackets), "hidden": bool, "vg_name", "lv_uuid", "lv_attr",
             "active": bool, "lv_size", "lv_path", "segtype", "pool_lv", "origin", "data_lv",
             "metadata_lv" (no brackets), "cache_mode", "chunk_size",
             "cache_dirty_blocks": int | None,
             "devices": [{"device": "/dev/md127", "realpath": "/dev/md127", "start": extent}]}
    FS    = {"type": "ext4" | None, "uuid", "label", "signatures": [SIG],
             "holders": [kname], "mountpoints": [str],
             "size": int | None (ext2/3/4: block count x block size)}

Plan (``storage_plan``)
=======================
::

    {"problems": [str],     # non-empty: refuse; then steps and pending are empty
     "steps": [{"volume": "data", "what": "human text", "argv": ["mdadm", "--create", ...]}],
     "pending": [{"volume": "data", "what": "human text"}],   # plan again after the steps
     "summary": [str]}      # one line per volume: what the host has (or gets this round)

Steps are run in order with ``ansible.builtin.command`` (plain argv; ``sh -ec`` only for the
wait until a cache has no dirty blocks and for e2fsck + resize2fs of an unmounted file system).
Disks are named by their ``/dev/disk/by-id/`` paths, partitions as ``<disk>-part<N>``, arrays as
``/dev/md/<name>`` (or ``/dev/mdN`` for an array of ours that is not linked under that name).

Never loses data
================
A member or cache disk, or a partition on it, carrying anything the role did not make (a file
system, a partition table with other partitions, another array's superblock, another volume
group's physical volume) is a problem, unless the disk is listed in ``mdadm_lvmcache_wipe``:
then ``wipefs --all`` clears it first (its partitions' contents too, so that new partitions do
not start with old signatures), and even then not when it or a partition is mounted, has
holders, or is a physical volume of an active volume group, and never a disk that also holds a
partition of these volumes. ``wipe`` is a permission, never an order: what is recognisably a
volume's own (an ``hn-<name>-md`` partition with a superblock named ``<name>``, a physical
volume of its volume group) is kept and reused; an array found only as superblocks is assembled,
not created, so a reinstalled host picks up its volumes again.

Nothing destructive runs on a device the facts have not shown empty: ``mdadm --create --run``
waits for a round in which the new partitions read empty. Two commands run on what was made in
the same round and refuse by themselves: ``pvcreate`` (no ``--yes``: it asks before wiping any
signature, gets no answer and stops) on a new array, and ``mkfs.ext4`` (no ``-F``: same) on a
new logical volume. ``lvcreate --yes --wipesignatures y`` only clears new extents of the role's
own volume group. A file system is never reformatted and no volume is ever shrunk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._values import describe as _describe
from ._values import templated_int

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

VOLUMES = "mdadm_lvmcache_volumes"
WIPE = "mdadm_lvmcache_wipe"
MAIL = "mdadm_lvmcache_mail"
ALERT_PROGRAM = "mdadm_lvmcache_alert_program"

BY_ID = "/dev/disk/by-id/"
NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,23}\Z")
BY_ID_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+@\\-]*\Z")
PART_SUFFIX_RE = re.compile(r"-part[0-9]+\Z")
LVM_NAME_RE = re.compile(r"^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}\Z")
MOUNT_RE = re.compile(r"^(/[A-Za-z0-9._+@:=,-]+)+\Z")
OPTIONS_RE = re.compile(r"^[A-Za-z0-9_=.:/+@-]+(,[A-Za-z0-9_=.:/+@-]+)*\Z")
MAIL_RE = re.compile(
    r"^([^@\s,]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|[a-z_][a-z0-9_-]{0,31})\Z"
)
PROGRAM_RE = re.compile(r"^(/[A-Za-z0-9._+@-]+)+\Z")

GPT_NAME_MAX = 36  # UTF-16 code units in a GPT partition entry
MIN_MEMBER_SIZE = 64 * MIB
DEFAULT_METADATA = 64 * MIB
MIN_METADATA = 8 * MIB
MAX_METADATA = 16 * GIB  # lvm2's DEFAULT_CACHE_POOL_MAX_METADATA_SIZE
DEFAULT_CHUNK = 64 * KIB
MIN_CHUNK = 32 * KIB  # dm-cache's DM_CACHE_MIN_DATA_BLOCK_SIZE
MAX_CHUNK = 1 * GIB  # DM_CACHE_MAX_DATA_BLOCK_SIZE
MAX_CACHE_CHUNKS = 1_000_000  # lvm2's allocation/cache_pool_max_chunks default
# lvm2's minimal cache metadata: 4 MiB per transaction and 16 + 8 + 20 bytes per chunk.
CACHE_META_OVERHEAD = 4 * MIB
CACHE_META_PER_CHUNK = 44
EXTENT = 4 * MIB  # vgcreate --physicalextentsize, as the role creates its volume groups
PV_HEADER = 1 * MIB  # pvcreate's default data alignment: the first extent starts at 1 MiB
ALIGN = 1 * MIB  # partitions start on a MiB boundary
GPT_ENTRIES_BYTES = 128 * 128  # sgdisk -o: 128 entries of 128 bytes
DIRTY_WAIT_ROUNDS = 720  # x 5 s: an hour for a writeback cache to drain

CACHE_MODES = ("writethrough", "writeback")
FILESYSTEMS = ("ext4", "none")
DEFAULT_MOUNT_OPTIONS = "defaults,nofail"
RAID_TYPE = ("FD00", "A19D880F-05FC-4D3B-A006-743F0F84911E")  # sgdisk code, GPT type GUID
LVM_TYPE = ("8E00", "E6D6D379-F507-44C2-A23C-238F2A3DF928")
TABLE_SIGNATURES = ("gpt", "PMBR")

VOLUME_KEYS = (
    "name",
    "members",
    "member_size",
    "cache_device",
    "cache_size",
    "cache_metadata_size",
    "cache_chunk_size",
    "cache_mode",
    "cache_attached",
    "vg",
    "lv",
    "lv_size",
    "filesystem",
    "mount",
    "mount_options",
)
CACHE_KEYS = (
    "cache_size",
    "cache_metadata_size",
    "cache_chunk_size",
    "cache_mode",
    "cache_attached",
)
# lvm2 (lib/misc/lvm-string.c) refuses LV names with these prefixes and substrings.
LV_RESERVED_PREFIXES = ("pvmove", "snapshot")
LV_RESERVED_STRINGS = (
    "_cdata",
    "_cmeta",
    "_corig",
    "_cpool",
    "_cvol",
    "_wcorig",
    "_mimage",
    "_mlog",
    "_rimage",
    "_rmeta",
    "_tdata",
    "_tmeta",
    "_vdata",
    "_imeta",
    "_iorig",
    "_pmspare",
    "_vorigin",
)
# A volume group is reachable as /dev/<vg>: names of the directories udev and the kernel keep there.
VG_RESERVED = frozenset(
    (
        "block",
        "bsg",
        "bus",
        "char",
        "cpu",
        "disk",
        "dri",
        "fd",
        "hugepages",
        "input",
        "mapper",
        "md",
        "mqueue",
        "net",
        "pts",
        "shm",
        "snd",
        "usb",
        "vfio",
    )
)


class StorageInputError(ValueError):
    """Every problem found in one host's mdadm_lvmcache inputs."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


# --------------------------------------------------------------------------------------------
# Small helpers


def _int(value: Any) -> Any:
    return templated_int(value, 19)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def size_text(value: int) -> str:
    """``3 GiB (3221225472 bytes)``: the unit for reading, the bytes for exactness."""
    for unit, name in ((GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")):
        if value >= unit and value % unit == 0:
            return f"{value // unit} {name} ({value} bytes)"
    return f"{value} bytes"


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _align_up(value: int, unit: int) -> int:
    return _ceil_div(value, unit) * unit


def member_label(name: str) -> str:
    """The GPT partition name of a volume's member partitions."""
    return f"hn-{name}-md"


def cache_label(name: str) -> str:
    """The GPT partition name of a volume's cache partition."""
    return f"hn-{name}-cache"


def cache_minimum(metadata: int) -> int:
    """The smallest cache partition: metadata, LVM's spare copy of it, one data extent, and the
    physical volume's header (all in whole 4 MiB extents)."""
    return 2 * _align_up(metadata, EXTENT) + PV_HEADER + EXTENT


def min_chunk_size(data: int) -> int:
    """lvm2's smallest cache chunk for ``data`` bytes of cache (at most a million chunks)."""
    return _align_up(_ceil_div(data, MAX_CACHE_CHUNKS), MIN_CHUNK)


def chunk_for(volume: Mapping[str, Any], data: int) -> int:
    """The cache chunk of ``volume`` for ``data`` bytes of cache: the given size, or when none was
    given 64 KiB or the smallest multiple of 32 KiB that keeps the cache within a million chunks."""
    if volume.get("cache_chunk_auto"):
        return max(DEFAULT_CHUNK, min_chunk_size(data))
    return int(volume["cache_chunk_size"])


def min_metadata_size(data: int, chunk: int) -> int:
    """lvm2's smallest cache metadata for ``data`` bytes of cache in ``chunk``-byte chunks."""
    return CACHE_META_OVERHEAD + (data // chunk) * CACHE_META_PER_CHUNK


# --------------------------------------------------------------------------------------------
# Inputs (controller side)


def _device_problem(var: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return f"{var} must be a disk's path under {BY_ID}, got {_describe(value)}"
    if not value.startswith(BY_ID):
        return (
            f"{var} {value!r} is not under {BY_ID}: kernel names such as /dev/sdb change "
            "between boots and after a disk swap, so the role could partition the wrong disk; "
            f"{BY_ID} names follow the drive's serial number (see ls -l {BY_ID})"
        )
    rest = value[len(BY_ID) :]
    if not BY_ID_NAME_RE.match(rest):
        return f"{var} {value!r} is not a plain name under {BY_ID}"
    if PART_SUFFIX_RE.search(rest):
        return (
            f"{var} {value!r} names a partition: name the whole disk (the role makes its own "
            "partitions on it)"
        )
    return None


def _size_value(
    var: str,
    value: Any,
    problems: list[str],
    minimum: int = MIB,
    allow_whole: bool = False,
    maximum: int | None = None,
) -> Any:
    """An int of bytes, a multiple of 1 MiB, >= minimum (or "whole" where allowed)."""
    value = _int(value)
    if allow_whole and value == "whole":
        return value
    if (
        not _is_int(value)
        or value % MIB
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        whole = ' or "whole"' if allow_whole else ""
        upto = f" and at most {size_text(maximum)}" if maximum is not None else ""
        problems.append(
            f"{var} must be a size in bytes, a multiple of 1 MiB (1048576), at least "
            f"{size_text(minimum)}{upto}{whole}, got {_describe(value)}"
        )
        return None
    return value


def _lvm_name_problem(var: str, value: Any, kind: str) -> str | None:
    if not isinstance(value, str) or not LVM_NAME_RE.match(value) or value in (".", ".."):
        return (
            f"{var} must be a {kind} name of letters, digits and + _ . - (not starting with -), "
            f"got {_describe(value)}"
        )
    return None


def _volume(index: int, raw: Any, problems: list[str]) -> dict[str, Any] | None:
    var = f"{VOLUMES}[{index}]"
    if not isinstance(raw, Mapping):
        problems.append(
            f"{var} must be a mapping with name, members, member_size, ..., got {_describe(raw)}"
        )
        return None
    unknown = sorted(set(map(str, raw)) - set(VOLUME_KEYS))
    if unknown:
        problems.append(f"{var} has unknown keys {unknown} (known: {', '.join(VOLUME_KEYS)})")

    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        problems.append(
            f"{var}.name must be 1 to 24 of a-z 0-9 _ - starting with a letter (it names "
            f"/dev/md/<name> and the GPT partitions hn-<name>-md / hn-<name>-cache), got "
            f"{_describe(name)}"
        )
        name = None
    elif len(cache_label(name)) > GPT_NAME_MAX:  # pragma: no cover - the pattern keeps it short
        problems.append(f"{var}.name {name!r} makes a GPT partition name over 36 characters")
        name = None

    members_raw = raw.get("members")
    members: list[str] | None = []
    if (
        isinstance(members_raw, (str, bytes))
        or not isinstance(members_raw, Sequence)
        or len(members_raw) < 2
    ):
        problems.append(
            f"{var}.members must be a list of at least 2 disks (RAID1 keeps a full copy on each), "
            f"got {_describe(members_raw)}"
        )
        members = None
    else:
        seen: dict[str, int] = {}
        for position, member in enumerate(members_raw):
            member_var = f"{var}.members[{position}]"
            problem = _device_problem(member_var, member)
            if problem:
                problems.append(problem)
                members = None
                continue
            if member in seen:
                problems.append(
                    f"{member_var} {member} is listed twice (also {var}.members[{seen[member]}])"
                )
                members = None
                continue
            seen[member] = position
            if members is not None:
                members.append(member)

    member_size = _size_value(
        f"{var}.member_size",
        raw.get("member_size"),
        problems,
        minimum=MIN_MEMBER_SIZE,
        allow_whole=True,
    )

    cache_device = raw.get("cache_device")
    cache: dict[str, Any] = {
        "cache_device": None,
        "cache_size": None,
        "cache_metadata_size": DEFAULT_METADATA,
        "cache_chunk_size": DEFAULT_CHUNK,
        "cache_mode": "writethrough",
        "cache_attached": True,
    }
    if cache_device is None:
        given = [key for key in CACHE_KEYS if raw.get(key) is not None]
        if given:
            problems.append(
                f"{var} sets {', '.join(given)} without cache_device: name the SSD with "
                f"{var}.cache_device, or leave these out for a volume without a cache"
            )
    else:
        problem = _device_problem(f"{var}.cache_device", cache_device)
        if problem:
            problems.append(problem)
        else:
            cache["cache_device"] = cache_device
        cache.update(_cache_settings(var, raw, problems))

    vg = raw.get("vg", f"vg_{name}" if name else None)
    if name or "vg" in raw:
        problem = _lvm_name_problem(f"{var}.vg", vg, "volume group")
        if problem:
            problems.append(problem)
            vg = None
        elif vg in VG_RESERVED:
            problems.append(
                f"{var}.vg {vg!r} would be /dev/{vg}, a directory the system keeps: choose "
                "another name"
            )
            vg = None
    lv = raw.get("lv", name)
    if name or "lv" in raw:
        problem = _lvm_name_problem(f"{var}.lv", lv, "logical volume")
        if problem:
            problems.append(problem)
            lv = None
        elif lv.startswith(LV_RESERVED_PREFIXES) or any(s in lv for s in LV_RESERVED_STRINGS):
            given = "" if "lv" in raw else " (the default: the volume's name)"
            problems.append(
                f"{var}.lv {lv!r}{given} is refused by LVM: names starting with "
                f"{' or '.join(LV_RESERVED_PREFIXES)} or containing "
                f"{', '.join(LV_RESERVED_STRINGS)} are reserved for its internal volumes"
            )
            lv = None

    lv_size = raw.get("lv_size")
    if lv_size is not None:
        lv_size = _size_value(f"{var}.lv_size", lv_size, problems, minimum=EXTENT)
        if _is_int(lv_size) and _is_int(member_size) and lv_size > member_size:
            problems.append(
                f"{var}.lv_size {size_text(lv_size)} is larger than {var}.member_size "
                f"{size_text(member_size)}: a RAID1 array is never bigger than one member"
            )

    filesystem = raw.get("filesystem", "ext4")
    if filesystem not in FILESYSTEMS:
        problems.append(
            f"{var}.filesystem must be one of {', '.join(FILESYSTEMS)} (none: no file system "
            f"and no mount), got {_describe(filesystem)}"
        )
        filesystem = None
    mount = raw.get("mount")
    if filesystem == "none":
        if mount is not None:
            problems.append(
                f"{var}.mount {mount!r} has no meaning with filesystem none: remove one of them"
            )
        mount = None
    elif filesystem is not None:
        if mount is None:
            problems.append(f"{var}.mount is required (an absolute path such as /srv/{name})")
        elif (
            not isinstance(mount, str)
            or not MOUNT_RE.match(mount)
            or any(part in (".", "..") for part in mount.split("/"))
        ):
            problems.append(
                f"{var}.mount must be an absolute path other than / (letters, digits and "
                f"._+@:=,- in each part, no .. and no trailing /), got {_describe(mount)}"
            )
            mount = None
    options = raw.get("mount_options", DEFAULT_MOUNT_OPTIONS)
    if not isinstance(options, str) or not OPTIONS_RE.match(options):
        problems.append(
            f"{var}.mount_options must be comma-separated mount options without spaces (e.g. "
            f"{DEFAULT_MOUNT_OPTIONS}), got {_describe(options)}"
        )
        options = None

    return {
        "index": index,
        "var": var,
        "name": name,
        "members": members,
        "member_size": member_size,
        **cache,
        "vg": vg,
        "lv": lv,
        "lv_size": lv_size,
        "filesystem": filesystem,
        "mount": mount,
        "mount_options": options,
    }


def _cache_settings(var: str, raw: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    metadata = _size_value(
        f"{var}.cache_metadata_size",
        raw.get("cache_metadata_size", DEFAULT_METADATA),
        problems,
        minimum=MIN_METADATA,
        maximum=MAX_METADATA,
    )
    out["cache_metadata_size"] = metadata
    # Not given: 64 KiB, or more where LVM's million-chunk limit needs it (chunk_for), as lvm2
    # picks it itself; an explicit size is kept or refused.
    out["cache_chunk_auto"] = raw.get("cache_chunk_size") is None
    chunk = _int(raw.get("cache_chunk_size", DEFAULT_CHUNK))
    if not _is_int(chunk) or chunk % MIN_CHUNK or not MIN_CHUNK <= chunk <= MAX_CHUNK:
        problems.append(
            f"{var}.cache_chunk_size must be a multiple of 32 KiB (32768) from 32 KiB to 1 GiB, "
            f"in bytes, got {_describe(chunk)}"
        )
        chunk = None
    out["cache_chunk_size"] = chunk
    mode = raw.get("cache_mode", "writethrough")
    if mode not in CACHE_MODES:
        problems.append(
            f"{var}.cache_mode must be writethrough (every write reaches the array before it "
            f"counts) or writeback, got {_describe(mode)}"
        )
        mode = None
    out["cache_mode"] = mode
    attached = raw.get("cache_attached", True)
    if not isinstance(attached, bool):
        problems.append(
            f"{var}.cache_attached must be true or false (false: the cache is flushed and "
            f"detached, its pool kept), got {_describe(attached)}"
        )
        attached = None
    out["cache_attached"] = attached
    size = raw.get("cache_size")
    if size is None:
        problems.append(
            f"{var}.cache_size is required with cache_device: bytes (a multiple of 1 MiB) or "
            '"whole" (the rest of the SSD)'
        )
    else:
        minimum = cache_minimum(metadata) if metadata else MIB
        size = _size_value(f"{var}.cache_size", size, problems, allow_whole=True)
        if _is_int(size) and metadata and size < minimum:
            problems.append(
                f"{var}.cache_size {size_text(size)} is too small: the cache holds its "
                f"metadata ({size_text(_align_up(metadata, EXTENT))}), LVM's spare copy of it, "
                f"the physical volume's header and at least one 4 MiB data extent, so at least "
                f"{size_text(minimum)}"
            )
            size = None
        if _is_int(size) and metadata and chunk:
            if out["cache_chunk_auto"]:
                chunk = out["cache_chunk_size"] = chunk_for(out, size - minimum + EXTENT)
            _cache_geometry_problems(var, size - minimum + EXTENT, metadata, chunk, problems)
    out["cache_size"] = size
    return out


def _cache_geometry_problems(
    var: str, data: int, metadata: int, chunk: int, problems: list[str]
) -> None:
    """lvm2's limits on a cache pool of ``data`` bytes: chunk count and metadata size."""
    if data // chunk > MAX_CACHE_CHUNKS:
        problems.append(
            f"{var}.cache_chunk_size {size_text(chunk)} makes more than {MAX_CACHE_CHUNKS} "
            f"chunks of the {size_text(data)} cache, which LVM refuses: use at least "
            f"{size_text(min_chunk_size(data))}"
        )
    elif metadata < min_metadata_size(data, chunk):
        problems.append(
            f"{var}.cache_metadata_size {size_text(metadata)} cannot map "
            f"{size_text(data)} of cache in {size_text(chunk)} chunks: use at least "
            f"{size_text(_align_up(min_metadata_size(data, chunk), MIB))}"
        )


def storage_inputs(host_vars: Mapping[str, Any], host: str) -> dict[str, Any]:
    """Check one host's ``mdadm_lvmcache_*`` variables; the normalized volumes or every problem.

    Returns ``{"volumes": [VOLUME], "wipe": [path], "mail": str, "alert_program": str,
    "devices": [path] (every disk to read, sorted), "mounts": [{"volume", "src", "path",
    "fstype", "opts"}]}``; a VOLUME has every key of the inventory with its default filled in,
    plus ``index``, ``var`` (its variable path), ``array`` (/dev/md/<name>), ``member_label``,
    ``cache_label``, ``lv_path``, ``pool_lv`` and ``meta_lv``.
    """
    problems: list[str] = []
    raw_volumes = host_vars.get(VOLUMES)
    if raw_volumes is None:
        raw_volumes = []
    if isinstance(raw_volumes, (str, bytes, Mapping)) or not isinstance(raw_volumes, Sequence):
        problems.append(
            f"{VOLUMES} of {host} must be a list of volumes, got {_describe(raw_volumes)}"
        )
        raw_volumes = []
    volumes = [v for i, raw in enumerate(raw_volumes) if (v := _volume(i, raw, problems))]
    _cross_problems(volumes, problems)
    wipe = _wipe(host_vars.get(WIPE), volumes, problems)

    mail = host_vars.get(MAIL) or ""
    if not isinstance(mail, str) or (mail and not MAIL_RE.match(mail)):
        problems.append(
            f"{MAIL} must be an e-mail address (or a local user such as root) for mdadm's "
            f"MAILADDR, or empty to leave it as it is, got {_describe(mail)}"
        )
    program = host_vars.get(ALERT_PROGRAM) or ""
    if not isinstance(program, str) or (program and not PROGRAM_RE.match(program)):
        problems.append(
            f"{ALERT_PROGRAM} must be an absolute path (mdadm's PROGRAM) or empty, got "
            f"{_describe(program)}"
        )
    if problems:
        raise StorageInputError(problems)

    for volume in volumes:
        name = volume["name"]
        volume.update(
            array=f"/dev/md/{name}",
            member_label=member_label(name),
            cache_label=cache_label(name),
            lv_path=f"/dev/{volume['vg']}/{volume['lv']}",
            pool_lv=f"{volume['lv']}_cache",
            meta_lv=f"{volume['lv']}_cachemeta",
        )
    devices = sorted(
        {m for v in volumes for m in v["members"]}
        | {v["cache_device"] for v in volumes if v["cache_device"]}
    )
    mounts = [
        {
            "volume": v["name"],
            "src": v["lv_path"],
            "path": v["mount"],
            "fstype": v["filesystem"],
            "opts": v["mount_options"],
        }
        for v in volumes
        if v["filesystem"] != "none"
    ]
    return {
        "volumes": volumes,
        "wipe": wipe,
        "mail": mail,
        "alert_program": program,
        "devices": devices,
        "mounts": mounts,
    }


def _cross_problems(volumes: list[dict[str, Any]], problems: list[str]) -> None:
    """What involves two volumes: names, volume groups, mounts, disks used twice."""
    for key in ("name", "vg", "mount"):
        seen: dict[str, str] = {}
        for volume in volumes:
            value = volume[key]
            if value is None:
                continue
            if value in seen:
                problems.append(
                    f"{volume['var']}.{key} {value!r} is also {seen[value]}.{key}: each volume "
                    f"needs its own"
                )
            else:
                seen[value] = volume["var"]
    members: dict[str, str] = {}
    for volume in volumes:
        for position, member in enumerate(volume["members"] or []):
            var = f"{volume['var']}.members[{position}]"
            if member in members:
                problems.append(
                    f"{var} {member} is also {members[member]}: a disk can be a member of one "
                    "volume only"
                )
            else:
                members[member] = var
    shared: dict[str, list[dict[str, Any]]] = {}
    for volume in volumes:
        device = volume["cache_device"]
        if device is None:
            continue
        if device in members:
            problems.append(
                f"{volume['var']}.cache_device {device} is also {members[device]}: the cache "
                "must be another disk than the array's members"
            )
        shared.setdefault(device, []).append(volume)
    for device, users in shared.items():
        for volume in users[:-1]:
            if volume["cache_size"] == "whole":
                problems.append(
                    f'{volume["var"]}.cache_size "whole" leaves nothing of {device} for '
                    f"{users[-1]['var']}, which shares it: only the last volume on a shared "
                    'cache device may take "whole"'
                )


def _wipe(raw: Any, volumes: list[dict[str, Any]], problems: list[str]) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Sequence):
        problems.append(f"{WIPE} must be a list of disks the role may erase, got {_describe(raw)}")
        return []
    named = {m for v in volumes for m in v["members"] or []} | {
        v["cache_device"] for v in volumes if v["cache_device"]
    }
    out: list[str] = []
    for position, device in enumerate(raw):
        var = f"{WIPE}[{position}]"
        problem = _device_problem(var, device)
        if problem:
            problems.append(problem)
        elif device not in named:
            problems.append(
                f"{var} {device} is not a member or cache_device of any volume in {VOLUMES}: "
                "the role only erases disks it is to use"
            )
        elif device not in out:
            out.append(device)
    return sorted(out)


# --------------------------------------------------------------------------------------------
# Reading the facts


def _sig_text(sig: Mapping[str, Any]) -> str:
    kind = str(sig.get("type") or "unknown")
    words = {
        "linux_raid_member": "an md RAID superblock",
        "LVM2_member": "an LVM physical volume",
        "dos": "a DOS (MBR) partition table",
        "gpt": "a GPT partition table",
        "PMBR": "a protective MBR",
        "swap": "a swap area",
    }.get(kind, f"{'an' if kind[:1] in 'aeiouxAEIOUX' else 'a'} {kind} signature")
    extra = [f"{key} {sig[key]}" for key in ("label", "uuid") if sig.get(key)]
    return words + (f" ({', '.join(extra)})" if extra else "")


def _sigs_text(sigs: Sequence[Mapping[str, Any]]) -> str:
    seen: list[str] = []
    for sig in sigs:
        text = _sig_text(sig)
        if text not in seen:
            seen.append(text)
    return ", ".join(seen)


def _types(sigs: Sequence[Mapping[str, Any]] | None) -> set[str]:
    return {str(s.get("type")) for s in sigs or []}


def _busy(device: Mapping[str, Any], what: str) -> list[str]:
    """Why a device may not be erased: mounted, or held (by md, device-mapper, ...)."""
    reasons = []
    if device.get("mountpoints"):
        reasons.append(f"{what} is mounted on {', '.join(device['mountpoints'])}")
    if device.get("holders"):
        reasons.append(f"{what} is held by {', '.join(device['holders'])}")
    return reasons


def _partition_text(part: Mapping[str, Any]) -> str:
    text = f"{part.get('number')}"
    if part.get("name"):
        text += f" {part['name']!r}"
    if part.get("signatures"):
        text += f" with {_sigs_text(part['signatures'])}"
    return text


def _md_is(md: Mapping[str, Any] | None, name: str) -> bool:
    """An md superblock named ``name`` (mdadm stores ``homehost:name``, or ``name`` alone when
    the two do not fit in its 32 bytes)."""
    if not md or not md.get("name"):
        return False
    stored = str(md["name"])
    return stored == name or stored.endswith(":" + name)


def _uuid(value: Any) -> str:
    return str(value or "").lower()


class _View:
    """The facts, indexed."""

    def __init__(self, facts: Mapping[str, Any]) -> None:
        if not isinstance(facts, Mapping) or not isinstance(facts.get("devices"), Mapping):
            raise TypeError(
                "facts must be what hobbynet.infra.block_facts returns (a mapping with devices, "
                "arrays, lvm, filesystems)"
            )
        self.devices: Mapping[str, Any] = facts["devices"]
        self.arrays = list(facts.get("arrays") or [])
        lvm = facts.get("lvm") or {}
        self.lvm_available = bool(lvm.get("available"))
        self.pvs = list(lvm.get("pvs") or [])
        self.vgs = {vg["vg_name"]: vg for vg in lvm.get("vgs") or []}
        self.lvs = {(lv["vg_name"], lv["lv_name"]): lv for lv in lvm.get("lvs") or []}
        self.filesystems: Mapping[str, Any] = facts.get("filesystems") or {}
        self.missing_tools = list(facts.get("missing_tools") or [])

    def pv_at(self, path: str | None) -> dict[str, Any] | None:
        if not path:
            return None
        for pv in self.pvs:
            if path in (pv.get("realpath"), pv.get("pv_name")):
                return pv
        return None

    def vg_pvs(self, vg: str) -> list[dict[str, Any]]:
        return [pv for pv in self.pvs if pv.get("vg_name") == vg]

    def vg_lvs(self, vg: str) -> list[dict[str, Any]]:
        return [lv for key, lv in sorted(self.lvs.items()) if key[0] == vg]

    def vg_active(self, vg: str) -> bool:
        return any(lv.get("active") for lv in self.vg_lvs(vg))

    def active_pv(self, path: str | None) -> str | None:
        """The active volume group ``path`` is a physical volume of, if any."""
        pv = self.pv_at(path)
        if pv and pv.get("vg_name") and self.vg_active(pv["vg_name"]):
            return str(pv["vg_name"])
        return None

    def array_linked(self, link: str) -> dict[str, Any] | None:
        for array in self.arrays:
            if link in (array.get("links") or []):
                return array
        return None

    def array_holding(self, path: str | None) -> dict[str, Any] | None:
        if not path:
            return None
        for array in self.arrays:
            if any(m.get("dev") == path for m in array.get("members") or []):
                return array
        return None


# --------------------------------------------------------------------------------------------
# Disks and their partitions


class _Layout:
    """A disk's GPT as it will be after this round's steps: the partitions the facts show (none
    when the disk is blank or erased this round) and those planned."""

    def __init__(
        self,
        path: str,
        sector: int,
        first: int,
        last: int,
        partitions: list[dict[str, Any]] | None = None,
    ) -> None:
        self.path = path
        self.sector = sector
        self.first = first  # first and last usable sector
        self.last = last
        self.partitions = list(partitions or [])
        self.fresh = partitions is None  # no GPT yet: the first sgdisk call writes one (-o)
        self.used = [
            (int(p["number"]), int(p["start"]), int(p["start"]) + int(p["size"]) - 1)
            for p in self.partitions
        ]
        # Partitions the kernel has: it may refuse to re-read the table, so partx adds ours.
        self.busy = any(p.get("present") for p in self.partitions)

    def room(self) -> tuple[int, int]:
        """(number, first sector) of a partition appended after the last one, MiB-aligned."""
        align = max(ALIGN // self.sector, 1)
        after = max([self.first, *(end + 1 for number, start, end in self.used)])
        number = max([0, *(number for number, start, end in self.used)]) + 1
        return number, _align_up(after, align)

    def largest(self) -> int:
        """Bytes of the largest whole-MiB partition that fits at the end."""
        start = self.room()[1]
        return max(0, (self.last - start + 1) * self.sector // MIB * MIB)

    def find(self, label: str) -> dict[str, Any] | None:
        for part in self.partitions:
            if part.get("name") == label:
                return part
        return None


def _blank_layout(path: str, facts: Mapping[str, Any]) -> _Layout:
    """The geometry ``sgdisk -o`` gives a disk: 128 entries after the header at LBA 1, and their
    backup before the backup header in the last sector."""
    sector = int(facts.get("logical_sector_size") or 512)
    sectors = int(facts.get("size") or 0) // sector
    entries = _ceil_div(GPT_ENTRIES_BYTES, sector)
    return _Layout(path, sector, 2 + entries, sectors - 2 - entries)


SETTLE = ["udevadm", "settle"]


class _Planner:
    """The plan of one host: problems, steps, pending and the disks' layouts, shared by its
    volumes (several volumes may put their cache partitions on one SSD)."""

    def __init__(
        self, volumes: Sequence[Mapping[str, Any]], view: _View, wipe: Sequence[str]
    ) -> None:
        self.view = view
        self.wipe = set(wipe)
        self.problems: list[str] = []
        self.steps: list[dict[str, Any]] = []
        self.pending: list[dict[str, Any]] = []
        self.summary: list[str] = []
        self.layouts: dict[str, _Layout | None] = {}
        # The partition names a disk may hold: its volumes' hn-<name>-md or hn-<name>-cache.
        self.allowed: dict[str, set[str]] = {}
        for volume in volumes:
            for member in volume["members"]:
                self.allowed.setdefault(member, set()).add(volume["member_label"])
            if volume["cache_device"]:
                self.allowed.setdefault(volume["cache_device"], set()).add(volume["cache_label"])

    def step(self, volume: Mapping[str, Any], what: str, argv: list[str]) -> None:
        self.steps.append({"volume": volume["name"], "what": what, "argv": list(argv)})

    def later(self, volume: Mapping[str, Any], what: str) -> None:
        self.pending.append({"volume": volume["name"], "what": what})

    def layout(self, volume: Mapping[str, Any], path: str, var: str) -> _Layout | None:
        """The disk's layout (read once per plan), or None: a problem was recorded."""
        if path not in self.layouts:
            self.layouts[path] = self._read_disk(volume, path, var)
        return self.layouts[path]

    def _read_disk(self, volume: Mapping[str, Any], path: str, var: str) -> _Layout | None:
        facts = self.view.devices.get(path)
        if facts is None:
            self.problems.append(
                f"{var} {path}: the facts have no entry for it (block_facts must read every "
                "member and cache device)"
            )
            return None
        if not facts.get("exists"):
            self.problems.append(
                f"{var} {path} does not exist on this host: check the serial (ls -l {BY_ID}); "
                "if the disk was replaced, put the new disk's path here"
            )
            return None
        if not facts.get("size"):
            why = facts.get("table_error") or "it has no size"
            self.problems.append(f"{var} {path} cannot be read as a disk ({why})")
            return None
        if facts.get("partition"):
            self.problems.append(f"{var} {path} is a partition: name the whole disk")
            return None
        signatures = list(facts.get("signatures") or [])
        table = facts.get("table")
        other = [s for s in signatures if s.get("type") not in TABLE_SIGNATURES]
        if not signatures and not table:
            busy = _busy(facts, "it")
            if busy:
                self.problems.append(
                    f"{var} {path} shows no signature but is in use ({'; '.join(busy)}): the "
                    "role does not touch it"
                )
                return None
            return _blank_layout(path, facts)
        if not other and not table:
            reason = facts.get("table_error") or "no partition table could be read"
            self.problems.append(
                f"{var} {path} has a GPT the role cannot read ({reason}): install fdisk "
                "(sfdisk) and check the disk"
            )
            return None
        if other or table.get("label") != "gpt":
            what = _sigs_text(other) if other else f"a {table.get('label')} partition table"
            return self._foreign(volume, path, var, facts, f"carries {what}", [])
        partitions = list(table.get("partitions") or [])
        allowed = self.allowed.get(path, set())
        foreign = [p for p in partitions if p.get("name") not in allowed]
        if foreign:
            listed = "; ".join(_partition_text(p) for p in foreign)
            what = f"has partitions this role did not make: {listed}"
            return self._foreign(volume, path, var, facts, what, foreign)
        names = [p.get("name") for p in partitions]
        twice = sorted({str(n) for n in names if names.count(n) > 1})
        if twice:
            self.problems.append(f"{var} {path} has two partitions named {', '.join(twice)}")
            return None
        blank = _blank_layout(path, facts)
        first = table.get("first_lba")
        last = table.get("last_lba")
        return _Layout(
            path,
            int(table.get("sector_size") or blank.sector),
            int(first) if first is not None else blank.first,
            int(last) if last is not None else blank.last,
            partitions,
        )

    def _foreign(
        self,
        volume: Mapping[str, Any],
        path: str,
        var: str,
        facts: Mapping[str, Any],
        what: str,
        foreign: list[Mapping[str, Any]],
    ) -> _Layout | None:
        """A disk with something the role did not make: erase it (listed and idle) or refuse."""
        if path not in self.wipe:
            self.problems.append(
                f"{var} {path} {what}; the role never overwrites what it did not make. If "
                f"nothing on the disk is needed, add it to {WIPE}"
            )
            return None
        partitions = list((facts.get("table") or {}).get("partitions") or [])
        busy = _busy(facts, "the disk")
        for part in partitions:
            busy += _busy(part, f"partition {part.get('number')}")
        for device in [facts, *partitions]:
            vg = self.view.active_pv(device.get("realpath"))
            if vg:
                busy.append(f"{device.get('realpath')} is a PV of the active VG {vg}")
        if busy:
            self.problems.append(
                f"{var} {path} {what}; it is listed in {WIPE} but in use ({'; '.join(busy)}): "
                "the role erases idle disks only"
            )
            return None
        own = [p for p in partitions if p not in foreign]
        if own:
            self.problems.append(
                f"{var} {path} {what}, next to partitions of these volumes "
                f"({', '.join(str(p.get('name')) for p in own)}): the role erases whole disks "
                "only, never one that holds a volume's partition; remove the others by hand"
            )
            return None
        # A partition's contents outlive the partition table: erase them while they can be
        # found, so that a new partition at the same place starts empty.
        for part in partitions:
            if part.get("present") and part.get("signatures"):
                self.step(
                    volume,
                    f"erase {_sigs_text(part['signatures'])} on partition {part['number']} of "
                    f"{path} (listed in {WIPE})",
                    ["wipefs", "--all", part["path"]],
                )
        self.step(
            volume,
            f"erase {_sigs_text(facts.get('signatures') or [])} of {path} (listed in {WIPE})",
            ["wipefs", "--all", path],
        )
        return _blank_layout(path, facts)

    def add_partition(
        self,
        volume: Mapping[str, Any],
        layout: _Layout,
        label: str,
        kind: tuple[str, str],
        size: int,
        var: str,
        size_var: str,
    ) -> str | None:
        """Plan a partition of exactly ``size`` bytes after the disk's last one; its path."""
        number, start = layout.room()
        sectors = size // layout.sector
        end = start + sectors - 1
        if end > layout.last:
            room = max(0, layout.last - start + 1) * layout.sector
            text = (
                f"{var} {layout.path} is too small for {size_var} {size_text(size)}: it has "
                f"room for {size_text(room)} from sector {start}"
            )
            if not layout.used:
                entries = _ceil_div(GPT_ENTRIES_BYTES, layout.sector)
                need = (start + sectors + entries + 1) * layout.sector
                text += f" (a disk of at least {size_text(need)} is needed)"
            self.problems.append(text)
            return None
        argv = ["sgdisk"]
        if layout.fresh:
            argv.append("-o")
        argv += ["-n", f"{number}:{start}:{end}", "-t", f"{number}:{kind[0]}"]
        argv += ["-c", f"{number}:{label}", layout.path]
        new_table = "a new GPT with " if layout.fresh else ""
        self.step(
            volume,
            f"write {new_table}partition {number} {label} of exactly {size_text(size)} "
            f"(sectors {start}-{end}) on {layout.path}",
            argv,
        )
        if layout.busy:
            self.step(
                volume,
                f"add partition {number} of {layout.path} to the kernel (the disk is in use, so "
                "it may not re-read its table)",
                ["partx", "--update", layout.path],
            )
        layout.fresh = False
        layout.used.append((number, start, end))
        return f"{layout.path}-part{number}"


# --------------------------------------------------------------------------------------------
# One volume


class _Volume:
    """One volume's plan, stage by stage. A stage that depends on what a step of this round
    makes, and the facts cannot show yet, goes to pending, and so does every later stage."""

    def __init__(self, planner: _Planner, volume: Mapping[str, Any]) -> None:
        self.p = planner
        self.view = planner.view
        self.v = volume
        self.var = volume["var"]
        self.problems_before = len(planner.problems)
        self.state: list[str] = []
        self.size = 0  # bytes of each member partition
        self.lv_size = 0  # bytes of the LV after this round
        self.grown = False  # lvextend planned this round
        self.cache_waiting = False  # the cache PV is not in the volume group yet

    def problem(self, text: str) -> None:
        self.p.problems.append(text)

    def failed(self) -> bool:
        return len(self.p.problems) > self.problems_before

    def plan(self) -> None:
        v = self.v
        members = self.members()
        cache = self.cache_partition() if v["cache_device"] else None
        if members is None or self.failed():
            return
        if any(m["new"] for m in members) or (cache and cache["new"]):
            self.p.step(v, "wait for udev to link the new partitions", SETTLE)
        array = self.array(members)
        if array is None or self.failed():
            return
        if not self.volume_group(array, cache) or self.failed():
            return
        created = self.logical_volume(array)
        if created is None or self.failed():
            return
        if cache:
            self.cache(cache)
        else:
            self.no_cache()
        if not self.failed():
            self.filesystem(created)

    # ---- member partitions

    def members(self) -> list[dict[str, Any]] | None:
        """Each member: {"disk", "var", "part" (facts or None), "path", "new", "layout"}."""
        v = self.v
        found: list[dict[str, Any]] = []
        for position, disk in enumerate(v["members"]):
            var = f"{self.var}.members[{position}]"
            layout = self.p.layout(v, disk, var)
            if layout is not None:
                part = layout.find(v["member_label"])
                found.append({"disk": disk, "var": var, "part": part, "layout": layout})
        # The members read so far are still checked when another was refused: every problem of
        # the volume at once (a foreign disk and a too-small one are both reported).
        if not found:
            return None
        size = self.member_size(found)
        if size is None:
            return None
        self.size = size
        for member in found:
            part = member["part"]
            member["new"] = part is None
            if part is None:
                member["path"] = self.p.add_partition(
                    v,
                    member["layout"],
                    v["member_label"],
                    RAID_TYPE,
                    size,
                    member["var"],
                    f"{self.var}.member_size",
                )
                continue
            member["path"] = part["path"]
            actual = int(part.get("bytes") or 0)
            if actual != size:
                self.problem(
                    f"{member['var']} {member['disk']}: partition {part['number']} "
                    f"{v['member_label']} is {size_text(actual)}, not {self.var}.member_size "
                    f"{size_text(size)}; the role does not resize member partitions (set "
                    "member_size to the partition's size)"
                )
        return None if self.failed() else found

    def member_size(self, found: list[dict[str, Any]]) -> int | None:
        """member_size, or for "whole" the size of the partitions made before (a replacement
        disk gets the same), else the largest that fits on the smallest disk."""
        v = self.v
        if v["member_size"] != "whole":
            return int(v["member_size"])
        existing = [int(m["part"].get("bytes") or 0) for m in found if m["part"]]
        if existing:
            return min(existing)
        size = min(m["layout"].largest() for m in found)
        if size < MIN_MEMBER_SIZE:
            self.problem(
                f'{self.var}.member_size "whole": the smallest member has room for '
                f"{size_text(size)} only"
            )
            return None
        return size

    def member_contents(self, member: Mapping[str, Any]) -> tuple[str, Any]:
        """("blank" | "ours" | "foreign" | "unread", detail) of an existing member partition."""
        part = member["part"]
        if not part.get("present"):
            return "unread", None
        sigs = list(part.get("signatures") or [])
        if not sigs:
            if _busy(part, "it"):
                return "foreign", f"no signature, but it is in use ({'; '.join(_busy(part, 'it'))})"
            return "blank", None
        if _types(sigs) == {"linux_raid_member"}:
            md = part.get("md")
            if md is None:
                why = " (mdadm is not installed)" if "mdadm" in self.view.missing_tools else ""
                return "foreign", f"an md superblock that could not be read{why}"
            if _md_is(md, self.v["name"]):
                return "ours", md
            return (
                "foreign",
                f"the md superblock of the array {md.get('name')!r} (UUID {md.get('uuid')})",
            )
        return "foreign", _sigs_text(sigs)

    def erase(self, item: Mapping[str, Any], what: str) -> bool:
        """Erase a partition holding ``what`` on a disk listed in wipe; else a problem."""
        part = item["part"]
        disk = item["disk"]
        label = f"{item['var']} {disk}: partition {part['number']} {part.get('name')}"
        if disk not in self.p.wipe:
            self.problem(
                f"{label} holds {what}, which this volume did not make; the role never "
                f"overwrites it. If it is not needed, add {disk} to {WIPE}"
            )
            return False
        busy = _busy(part, "it")
        vg = self.view.active_pv(part.get("realpath"))
        if vg:
            busy.append(f"it is a PV of the active VG {vg}")
        if busy:
            self.problem(
                f"{label} holds {what} and is in use ({'; '.join(busy)}): the role erases idle "
                "partitions only"
            )
            return False
        self.p.step(
            self.v,
            f"erase {what} on {part['path']} ({disk} is listed in {WIPE})",
            ["wipefs", "--all", part["path"]],
        )
        return True

    def reread(self, item: Mapping[str, Any]) -> None:
        """A partition in the table that the kernel (or udev) has not got yet."""
        v = self.v
        self.p.step(
            v,
            f"make the kernel read the partition table of {item['disk']}",
            ["partx", "--update", item["disk"]],
        )
        self.p.step(v, "wait for udev to link the partitions", SETTLE)
        self.p.later(v, f"continue once {item['part']['path']} can be read")

    # ---- the cache partition

    def cache_partition(self) -> dict[str, Any] | None:
        """{"disk", "var", "part" (facts or None), "path", "new"}, or None: a problem."""
        v = self.v
        disk = v["cache_device"]
        var = f"{self.var}.cache_device"
        layout = self.p.layout(v, disk, var)
        if layout is None:
            return None
        part = layout.find(v["cache_label"])
        size = v["cache_size"]
        if part is not None:
            actual = int(part.get("bytes") or 0)
            if size != "whole" and actual != size:
                self.problem(
                    f"{var} {disk}: partition {part['number']} {v['cache_label']} is "
                    f"{size_text(actual)}, not {self.var}.cache_size {size_text(size)}; the role "
                    "does not resize cache partitions"
                )
                return None
            return {"disk": disk, "var": var, "part": part, "path": part["path"], "new": False}
        if size == "whole":
            size = layout.largest()
            minimum = cache_minimum(v["cache_metadata_size"])
            if size < minimum:
                self.problem(
                    f'{self.var}.cache_size "whole": {disk} has {size_text(size)} left, less '
                    f"than the {size_text(minimum)} a cache needs"
                )
                return None
            _cache_geometry_problems(
                self.var,
                size - minimum + EXTENT,
                v["cache_metadata_size"],
                chunk_for(v, size - minimum + EXTENT),
                self.p.problems,
            )
            if self.failed():
                return None
        path = self.p.add_partition(
            v, layout, v["cache_label"], LVM_TYPE, size, var, f"{self.var}.cache_size"
        )
        if path is None:
            return None
        return {"disk": disk, "var": var, "part": None, "path": path, "new": True}

    # ---- the array

    def array(self, members: list[dict[str, Any]]) -> dict[str, Any] | None:
        """{"path", "new", "facts"} of the array after this round; None: later stages wait
        (pending) or a problem was found."""
        v = self.v
        realpaths = sorted({str(m["part"].get("realpath")) for m in members if m["part"]})
        found = [self.view.array_linked(v["array"])]
        found += [self.view.array_holding(r) for r in realpaths]
        arrays = {a["path"]: a for a in found if a is not None}
        if len(arrays) > 1:
            self.problem(
                f"{self.var}: the array {v['array']} and the members' partitions are in "
                f"{len(arrays)} arrays ({', '.join(sorted(arrays))}); the role expects one"
            )
            return None
        if arrays:
            return self.existing_array(next(iter(arrays.values())), members)
        return self.new_array(members)

    def new_array(self, members: list[dict[str, Any]]) -> dict[str, Any] | None:
        v = self.v
        if any(m["new"] for m in members):
            self.state.append("partitions being made")
            self.p.later(v, f"create {v['array']} once the new partitions can be read")
            return None
        ours: list[tuple[dict[str, Any], Mapping[str, Any]]] = []
        for member in members:
            kind, detail = self.member_contents(member)
            if kind == "unread":
                self.reread(member)
                return None
            if kind == "foreign" and not self.erase(member, detail):
                return None
            if kind == "ours":
                ours.append((member, detail))
        if ours:
            uuids = sorted({_uuid(md.get("uuid")) for member, md in ours})
            if len(uuids) > 1:
                self.problem(
                    f"{self.var}: the member partitions hold superblocks of {len(uuids)} "
                    f"different arrays named {v['name']} (UUIDs {', '.join(uuids)}); assemble "
                    "the right one by hand"
                )
                return None
            parts = [member["path"] for member, md in ours]
            self.p.step(
                v,
                f"assemble the existing array {v['array']} (UUID {uuids[0]}) from {len(parts)} "
                f"of its {len(members)} members; mdadm starts it from the freshest",
                ["mdadm", "--assemble", v["array"], "--run", *parts],
            )
            self.p.step(v, f"wait for udev to link {v['array']}", SETTLE)
            self.state.append("array being assembled")
            self.p.later(v, f"continue once the assembled {v['array']} can be read")
            return None
        parts = [m["path"] for m in members]
        self.p.step(
            v,
            f"create the RAID1 array {v['array']} over {len(parts)} partitions of "
            f"{size_text(self.size)}",
            [
                "mdadm",
                "--create",
                v["array"],
                "--run",
                "--level=1",
                f"--raid-devices={len(parts)}",
                "--metadata=1.2",
                "--bitmap=internal",
                f"--name={v['name']}",
                *parts,
            ],
        )
        self.p.step(v, f"wait for udev to link {v['array']}", SETTLE)
        self.state.append("array being created")
        return {"path": v["array"], "new": True, "facts": None}

    def existing_array(
        self, array: Mapping[str, Any], members: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        v = self.v
        path = v["array"] if v["array"] in (array.get("links") or []) else str(array["path"])
        label = f"{self.var}: the array {path}"
        if array.get("level") != "raid1":
            self.problem(f"{label} is {array.get('level')}, not raid1")
            return None
        if int(array.get("raid_devices") or 0) != len(members):
            self.problem(
                f"{label} has {array.get('raid_devices')} raid devices but {self.var}.members "
                f"lists {len(members)}; the role does not reshape arrays (mdadm --grow "
                "--raid-devices, by hand)"
            )
            return None
        if array.get("array_state") == "inactive":
            self.problem(
                f"{label} is inactive (assembled from {len(array.get('members') or [])} of "
                f"{array.get('raid_devices')} members): find out why the others are missing, "
                f"then start it with mdadm --run {path}"
            )
            return None
        by_real = {m["part"].get("realpath"): m for m in members if m["part"]}
        inside: set[str] = set()
        for entry in array.get("members") or []:
            dev = entry.get("dev")
            member = by_real.get(dev)
            if member is None:
                self.problem(
                    f"{label} has the member {dev}, which is not a partition "
                    f"{v['member_label']} of {self.var}.members"
                )
            elif "faulty" in (entry.get("state") or []):
                self.problem(
                    f"{member['var']} {member['disk']}: {dev} is faulty in {path}; replace the "
                    f"disk (and its path in {member['var']}), or take it out with mdadm {path} "
                    f"--remove {dev} before the role adds it again"
                )
            else:
                inside.add(member["disk"])
        if self.failed():
            return None
        for member in members:
            if member["disk"] not in inside:
                self.join(path, array, member)
        if self.failed():
            return None
        state = f"array {path} {array.get('array_state')}, "
        state += f"{len(inside)}/{array.get('raid_devices')} members"
        if array.get("degraded"):
            state += ", degraded"
        if array.get("sync_action") not in (None, "idle"):
            state += f", {array.get('sync_action')} {array.get('sync_completed')}"
        self.state.append(state)
        return {"path": path, "new": False, "facts": array}

    def join(self, path: str, array: Mapping[str, Any], member: Mapping[str, Any]) -> None:
        """A member partition missing from the array: re-add it, or add it when blank."""
        v = self.v
        if member["new"]:
            self.p.later(v, f"add {member['path']} to {path} once the new partition can be read")
            return
        kind, detail = self.member_contents(member)
        if kind == "unread":
            self.reread(member)
            return
        if kind == "ours" and _uuid(detail.get("uuid")) == _uuid(array.get("uuid")):
            self.p.step(
                v,
                f"re-add {member['path']} to the degraded {path}: it was a member, the "
                "write-intent bitmap resyncs what changed since",
                ["mdadm", path, "--re-add", member["path"]],
            )
            return
        if kind == "ours":
            kind = "foreign"
            detail = (
                f"the superblock of another array named {v['name']} (UUID {detail.get('uuid')}, "
                f"not {array.get('uuid')})"
            )
        if kind == "foreign" and not self.erase(member, detail):
            return
        self.p.step(
            v,
            f"add {member['path']} to the degraded {path} (a full resync follows)",
            ["mdadm", path, "--add", member["path"]],
        )

    # ---- physical volumes and the volume group

    def volume_group(self, array: Mapping[str, Any], cache: Mapping[str, Any] | None) -> bool:
        """True when the volume group can be read (and holds the array's PV)."""
        v = self.v
        vg = v["vg"]
        md_pv = self.md_pv(array)
        cache_pv = self.cache_pv(cache) if cache else None
        if "problem" in (md_pv, cache_pv):
            return False
        vg_facts = self.view.vgs.get(vg)
        if vg_facts is not None:
            ours = {array["facts"]["path"] if array["facts"] else None}
            if cache and cache["part"]:
                ours.add(cache["part"].get("realpath"))
            for pv in self.view.vg_pvs(vg):
                if pv.get("pv_missing"):
                    self.problem(
                        f"{self.var}.vg {vg}: its physical volume {pv.get('pv_uuid')} is missing"
                    )
                elif pv.get("realpath") not in ours:
                    self.problem(
                        f"{self.var}.vg {vg} has the physical volume {pv.get('pv_name')}, which "
                        f"is not part of this volume: name another volume group with "
                        f"{self.var}.vg"
                    )
            if not isinstance(md_pv, Mapping) or md_pv.get("vg_name") != vg:
                self.problem(
                    f"{self.var}.vg {vg} already exists, but not on {array['path']}: name "
                    f"another volume group with {self.var}.vg"
                )
            if self.failed():
                return False
        if md_pv == "new":
            # pvcreate without --yes asks before it overwrites any signature, reads no answer
            # and stops: safe on an array created this round, which the facts do not show yet.
            self.p.step(
                v, f"make {array['path']} an LVM physical volume", ["pvcreate", array["path"]]
            )
        if cache and cache_pv == "new":
            self.p.step(
                v, f"make {cache['path']} an LVM physical volume", ["pvcreate", cache["path"]]
            )
        cache_ready = cache is not None and cache_pv != "wait"
        if vg_facts is None:
            pvs = [array["path"], *([cache["path"]] if cache_ready else [])]
            self.p.step(
                v,
                f"create the volume group {vg} on {', '.join(pvs)} (4 MiB extents)",
                ["vgcreate", "--physicalextentsize", "4m", vg, *pvs],
            )
            self.state.append(f"VG {vg} being created")
            self.p.later(v, f"create the logical volumes once {vg} can be read")
            return False
        if cache_ready and (cache_pv == "new" or cache_pv.get("vg_name") != vg):
            self.p.step(
                v,
                f"add the cache partition {cache['path']} to {vg}",
                ["vgextend", vg, cache["path"]],
            )
            self.p.later(v, f"make the cache once {vg} can be read with {cache['path']}")
        self.cache_waiting = cache is not None and (
            cache_pv in ("wait", "new") or cache_pv.get("vg_name") != vg
        )
        return True

    def md_pv(self, array: Mapping[str, Any]) -> Any:
        """ "new" (to pvcreate), the PV's facts, or "problem"."""
        if array["new"]:
            return "new"
        facts = array["facts"]
        sigs = list(facts.get("signatures") or [])
        if not sigs:
            busy = _busy(facts, "it")
            if busy:
                self.problem(
                    f"{self.var}: {array['path']} shows no signature but is in use "
                    f"({'; '.join(busy)})"
                )
                return "problem"
            return "new"
        if _types(sigs) == {"LVM2_member"}:
            pv = self.view.pv_at(facts.get("path"))
            if pv is None:
                why = " (lvm2 is not installed)" if not self.view.lvm_available else ""
                self.problem(
                    f"{self.var}: {array['path']} is an LVM physical volume that LVM does not "
                    f"report{why}"
                )
                return "problem"
            if pv.get("vg_name") in ("", self.v["vg"]):
                return pv
            self.problem(
                f"{self.var}: {array['path']} is a physical volume of the volume group "
                f"{pv.get('vg_name')!r}, not {self.var}.vg {self.v['vg']!r}; the role does not "
                "touch another volume group (set vg to its name, or rename it with vgrename)"
            )
            return "problem"
        self.problem(
            f"{self.var}: {array['path']} carries {_sigs_text(sigs)}, which this role did not "
            f"make; it builds only on an empty array. If nothing on it is needed: wipefs --all "
            f"{array['path']}, then run the role again"
        )
        return "problem"

    def cache_pv(self, cache: Mapping[str, Any]) -> Any:
        """ "new" (to pvcreate), "wait" (not readable yet), the PV's facts, or "problem"."""
        if cache["new"]:
            self.p.later(self.v, f"make {cache['path']} a physical volume once it can be read")
            return "wait"
        part = cache["part"]
        if not part.get("present"):
            self.reread(cache)
            return "wait"
        sigs = list(part.get("signatures") or [])
        if not sigs and not _busy(part, "it"):
            return "new"
        if _types(sigs) == {"LVM2_member"}:
            pv = self.view.pv_at(part.get("realpath"))
            if pv is not None and pv.get("vg_name") in ("", self.v["vg"]):
                return pv
            owner = f"of the volume group {pv.get('vg_name')!r}" if pv else "LVM does not report"
            what = f"an LVM physical volume {owner}"
        elif sigs:
            what = _sigs_text(sigs)
        else:
            what = f"no signature, but it is in use ({'; '.join(_busy(part, 'it'))})"
        return "new" if self.erase(cache, what) else "problem"

    # ---- the logical volume

    def logical_volume(self, array: Mapping[str, Any]) -> bool | None:
        """True: the LV is created this round; False: it exists; None: stop."""
        v = self.v
        vg, name = v["vg"], v["lv"]
        extent = int(self.view.vgs[vg]["vg_extent_size"])
        md_pv = self.view.pv_at(array["facts"]["path"])
        free = int(md_pv["pv_pe_count"]) - int(md_pv["pv_pe_alloc_count"])
        lv = self.view.lvs.get((vg, name))
        if lv is None:
            if v["lv_size"] is None:
                if free < 1:
                    self.problem(f"{self.var}: {array['path']} has no free extent for {name}")
                    return None
                size_args = ["--extents", str(free)]
                self.lv_size = free * extent
            else:
                wanted = _ceil_div(v["lv_size"], extent)
                if wanted > free:
                    self.problem(
                        f"{self.var}.lv_size {size_text(v['lv_size'])} is more than the "
                        f"{size_text(free * extent)} free on {array['path']}"
                    )
                    return None
                size_args = ["--size", f"{v['lv_size']}b"]
                self.lv_size = wanted * extent
            self.p.step(
                v,
                f"create the logical volume {vg}/{name} of {size_text(self.lv_size)} on "
                f"{array['path']} (new space of its own volume group: old signatures wiped)",
                [
                    "lvcreate",
                    "--yes",
                    "--wipesignatures",
                    "y",
                    "--zero",
                    "y",
                    "--name",
                    name,
                    *size_args,
                    vg,
                    array["path"],
                ],
            )
            self.state.append(f"LV {v['lv_path']} being created")
            return True
        if lv.get("active") is False:
            self.p.step(
                v,
                f"activate the logical volumes of {vg} (they exist but are not active)",
                ["vgchange", "--activate", "y", vg],
            )
            self.p.later(v, f"continue once {vg}/{name} is active")
            self.state.append(f"LV {v['lv_path']} inactive")
            return None
        if lv.get("segtype") not in ("linear", "striped", "cache"):
            self.problem(
                f"{self.var}.lv: {vg}/{name} is a {lv.get('segtype')} volume, not a linear or a "
                "cached one"
            )
            return None
        current = int(lv["lv_size"])
        self.lv_size = current
        if v["lv_size"] is not None:
            wanted = _ceil_div(v["lv_size"], extent) * extent
            if wanted < current:
                self.problem(
                    f"{self.var}.lv_size {size_text(v['lv_size'])} is smaller than {vg}/{name} "
                    f"({size_text(current)}): the role never shrinks a volume; set lv_size to "
                    "at least its size"
                )
                return None
            if wanted > current:
                if (wanted - current) // extent > free:
                    self.problem(
                        f"{self.var}.lv_size {size_text(v['lv_size'])}: {vg}/{name} needs "
                        f"{size_text(wanted - current)} more, {array['path']} has "
                        f"{size_text(free * extent)} free"
                    )
                    return None
                self.p.step(
                    v,
                    f"grow {vg}/{name} from {size_text(current)} to {size_text(wanted)} on "
                    f"{array['path']}",
                    ["lvextend", "--size", f"{v['lv_size']}b", f"{vg}/{name}", array["path"]],
                )
                self.lv_size = wanted
                self.grown = True
        self.state.append(f"LV {v['lv_path']} {size_text(self.lv_size)}")
        return False

    # ---- the cache

    def cached(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """(the LV's facts, the cache pools of the volume group)."""
        vg = self.v["vg"]
        lv = self.view.lvs.get((vg, self.v["lv"]))
        pools = [x for x in self.view.vg_lvs(vg) if x.get("segtype") == "cache-pool"]
        return lv, pools

    def no_cache(self) -> None:
        lv, pools = self.cached()
        if (lv and lv.get("segtype") == "cache") or pools:
            self.problem(
                f"{self.var}.cache_device is not set, but {self.v['vg']} has a cache "
                f"({', '.join(p['lv_name'] for p in pools) or 'attached'}); the role does not "
                "remove caches: set cache_device (cache_attached: false detaches it), or remove "
                f"it by hand (lvconvert --uncache {self.v['vg']}/{self.v['lv']})"
            )

    def cache(self, cache: Mapping[str, Any]) -> None:
        v = self.v
        if self.cache_waiting:
            self.state.append("cache waiting for its physical volume")
            return
        vg, name = v["vg"], v["lv"]
        lv, pools = self.cached()
        if len(pools) > 1:
            self.problem(
                f"{self.var}.vg {vg} has {len(pools)} cache pools "
                f"({', '.join(p['lv_name'] for p in pools)}); the role expects one"
            )
            return
        if not pools:
            self.new_pool(cache)
            if self.failed():
                return
            if v["cache_attached"]:
                self.attach(v["pool_lv"])
            else:
                self.state.append("cache pool being made, detached")
            return
        pool = pools[0]
        chunk = int(pool.get("chunk_size") or 0)
        if chunk and not v.get("cache_chunk_auto") and chunk != v["cache_chunk_size"]:
            self.problem(
                f"{self.var}.cache_chunk_size {size_text(v['cache_chunk_size'])} differs from "
                f"{size_text(chunk)} of the cache pool {vg}/{pool['lv_name']}; the role does not "
                f"re-create a cache pool (set cache_chunk_size to {chunk})"
            )
            return
        if lv is None or lv.get("segtype") != "cache":
            if v["cache_attached"]:
                self.attach(pool["lv_name"])
            else:
                self.state.append(f"cache pool {pool['lv_name']} detached")
            return
        if not v["cache_attached"]:
            self.p.step(
                v,
                f"detach the cache from {vg}/{name}: LVM writes every dirty block back first "
                f"and keeps the pool ({pool['lv_name']} becomes {v['pool_lv']})",
                ["lvconvert", "--yes", "--splitcache", f"{vg}/{name}"],
            )
            self.state.append("cache being detached")
            return
        mode = lv.get("cache_mode")
        dirty = lv.get("cache_dirty_blocks")
        if mode != v["cache_mode"]:
            self.p.step(
                v,
                f"switch the cache of {vg}/{name} from {mode} to {v['cache_mode']}",
                ["lvchange", "--cachemode", v["cache_mode"], f"{vg}/{name}"],
            )
            if v["cache_mode"] == "writethrough":
                self.wait_clean(dirty)
        elif mode == "writethrough" and dirty:
            self.wait_clean(dirty)  # a switch whose wait did not finish
        self.state.append(f"cache {v['cache_mode']} attached ({pool['lv_name']})")

    def wait_clean(self, dirty: Any) -> None:
        v = self.v
        target = f"{v['vg']}/{v['lv']}"
        now = f" ({dirty} now)" if dirty else ""
        self.p.step(
            v,
            f"wait until the cache of {target} has no dirty blocks{now}, at most an hour",
            [
                "sh",
                "-ec",
                # An lvs that fails stops the wait (set -e; the assignment carries its status).
                'i=0; while :; do d=$(lvs --noheadings -o cache_dirty_blocks "$1"); d=$(echo $d); '
                '[ "$d" = 0 ] && exit 0; i=$((i+1)); if [ "$i" -gt "$2" ]; then '
                'echo "$1 still has $d dirty cache blocks" >&2; exit 1; fi; sleep 5; done',
                "sh",
                target,
                str(DIRTY_WAIT_ROUNDS),
            ],
        )

    def attach(self, pool: str) -> None:
        v = self.v
        vg = v["vg"]
        self.p.step(
            v,
            f"attach the cache pool {vg}/{pool} to {vg}/{v['lv']} as {v['cache_mode']} (LVM "
            f"renames the pool {pool}_cpool)",
            [
                "lvconvert",
                "--yes",
                "--type",
                "cache",
                "--cachepool",
                f"{vg}/{pool}",
                "--cachemode",
                v["cache_mode"],
                f"{vg}/{v['lv']}",
            ],
        )
        self.state.append(f"cache {v['cache_mode']} being attached")

    def new_pool(self, cache: Mapping[str, Any]) -> None:
        """Metadata and data LVs on the cache PV, room left for LVM's spare metadata, then the
        pool. LVs an interrupted round left are used as they are."""
        v = self.v
        vg = v["vg"]
        extent = int(self.view.vgs[vg]["vg_extent_size"])
        pv = self.view.pv_at(cache["part"].get("realpath"))
        free = int(pv["pv_pe_count"]) - int(pv["pv_pe_alloc_count"])
        meta_extents = _ceil_div(v["cache_metadata_size"], extent)
        meta = self.view.lvs.get((vg, v["meta_lv"]))
        data = self.view.lvs.get((vg, v["pool_lv"]))
        spare = any(x["lv_name"].endswith("_pmspare") for x in self.view.vg_lvs(vg))
        spare_extents = 0 if spare else meta_extents
        data_extents = free - (0 if meta else meta_extents) - spare_extents
        if data is None and data_extents < 1:
            self.problem(
                f"{self.var}.cache_size: {cache['path']} has {free} free extents of "
                f"{size_text(extent)}, too few for the metadata ({meta_extents}), LVM's spare "
                f"copy of it ({spare_extents}) and data"
            )
            return
        data_bytes = int(data["lv_size"]) if data else data_extents * extent
        chunk = chunk_for(v, data_bytes)
        _cache_geometry_problems(
            self.var, data_bytes, v["cache_metadata_size"], chunk, self.p.problems
        )
        if self.failed():
            return
        fresh = ["lvcreate", "--yes", "--wipesignatures", "y", "--zero", "y"]
        if meta is None:
            self.p.step(
                v,
                f"create the cache metadata volume {vg}/{v['meta_lv']} of "
                f"{size_text(meta_extents * extent)} on {cache['path']}",
                [*fresh, "--name", v["meta_lv"], "--extents", str(meta_extents), vg, cache["path"]],
            )
        if data is None:
            self.p.step(
                v,
                f"create the cache data volume {vg}/{v['pool_lv']} of "
                f"{size_text(data_bytes)} on {cache['path']} ({spare_extents} extents left for "
                "LVM's spare metadata)",
                [*fresh, "--name", v["pool_lv"], "--extents", str(data_extents), vg, cache["path"]],
            )
        self.p.step(
            v,
            f"make {vg}/{v['pool_lv']} a cache pool with {vg}/{v['meta_lv']} as its metadata "
            f"({size_text(chunk)} chunks, {v['cache_mode']})",
            [
                "lvconvert",
                "--yes",
                "--type",
                "cache-pool",
                "--poolmetadata",
                f"{vg}/{v['meta_lv']}",
                "--chunksize",
                f"{chunk // KIB}k",
                "--cachemode",
                v["cache_mode"],
                f"{vg}/{v['pool_lv']}",
                cache["path"],
            ],
        )

    # ---- the file system

    def filesystem(self, created: bool) -> None:
        v = self.v
        if v["filesystem"] == "none":
            return
        path = v["lv_path"]
        if created:
            self.mkfs()
            return
        fs = self.view.filesystems.get(path)
        if fs is None:
            self.problem(
                f"{self.var}: the facts have no entry for {path} (is the logical volume active? "
                f"vgchange -ay {v['vg']})"
            )
            return
        sigs = list(fs.get("signatures") or [])
        if not sigs and not fs.get("type"):
            if _busy(fs, "it"):
                self.problem(
                    f"{self.var}: {path} shows no file system but is in use "
                    f"({'; '.join(_busy(fs, 'it'))})"
                )
                return
            self.mkfs()
            return
        if fs.get("type") != v["filesystem"] or _types(sigs) - {v["filesystem"]}:
            found = _sigs_text(sigs) if sigs else _sig_text({"type": fs.get("type")})
            self.problem(
                f"{self.var}.filesystem is {v['filesystem']}, but {path} carries {found}; the "
                "role never reformats a volume"
            )
            return
        size = fs.get("size")
        if self.grown or (size is not None and int(size) < self.lv_size):
            self.resize(bool(fs.get("mountpoints")))
        where = ", ".join(fs.get("mountpoints") or []) or "not mounted"
        self.state.append(f"{v['filesystem']} ({where})")

    def mkfs(self) -> None:
        v = self.v
        # Without -F, mkfs.ext4 asks before it overwrites any signature, reads no answer, stops.
        self.p.step(
            v,
            f"make an {v['filesystem']} file system on the new {v['lv_path']}",
            [f"mkfs.{v['filesystem']}", v["lv_path"]],
        )
        self.state.append(f"{v['filesystem']} being made")

    def resize(self, mounted: bool) -> None:
        v = self.v
        path = v["lv_path"]
        if mounted:
            self.p.step(
                v,
                f"grow the mounted file system on {path} to the volume (online)",
                ["resize2fs", path],
            )
            return
        # resize2fs wants a freshly checked file system when it is not mounted; e2fsck -p exits
        # with 1 when it corrected something, which is fine.
        self.p.step(
            v,
            f"check and grow the unmounted file system on {path} to the volume",
            ["sh", "-ec", 'e2fsck -f -p "$1" || [ "$?" -le 1 ]; resize2fs "$1"', "sh", path],
        )


# --------------------------------------------------------------------------------------------
# Entry points


def _check_volumes(volumes: Any) -> None:
    if isinstance(volumes, (str, bytes, Mapping)) or not isinstance(volumes, Sequence):
        raise TypeError("volumes must be the volumes of storage_inputs (a list)")
    for volume in volumes:
        if not isinstance(volume, Mapping) or "member_label" not in volume:
            raise TypeError(
                "volumes must be the volumes storage_inputs returns, not the inventory's"
            )


def storage_plan(
    volumes: Sequence[Mapping[str, Any]], facts: Mapping[str, Any], wipe: Sequence[str] = ()
) -> dict[str, Any]:
    """What to run on the host, from its current state (see the module docstring)."""
    _check_volumes(volumes)
    if isinstance(wipe, (str, bytes)) or not isinstance(wipe, Sequence):
        raise TypeError("wipe must be the wipe list storage_inputs returns")
    planner = _Planner(volumes, _View(facts), wipe)
    for volume in volumes:
        plan = _Volume(planner, volume)
        plan.plan()
        state = "; ".join(plan.state) or "nothing built yet"
        if plan.failed():
            state += " (refused: see problems)"
        planner.summary.append(f"{volume['name']}: {state}")
    if planner.view.missing_tools:
        planner.summary.append(
            "not installed, so not read: " + ", ".join(planner.view.missing_tools)
        )
    refused = bool(planner.problems)
    return {
        "problems": planner.problems,
        "steps": [] if refused else planner.steps,
        "pending": [] if refused else planner.pending,
        "summary": planner.summary,
    }


def storage_mdadm_conf(volumes: Sequence[Mapping[str, Any]], facts: Mapping[str, Any]) -> list[str]:
    """The ``ARRAY`` lines of /etc/mdadm/mdadm.conf for the volumes' arrays that exist, in
    volume order: ``ARRAY /dev/md/<name> metadata=1.2 UUID=<uuid> name=<homehost>:<name>``, the
    UUID and the stored name as the host's mdadm reports them (an array not created yet has no
    line; the role writes the file again once it exists)."""
    _check_volumes(volumes)
    view = _View(facts)
    lines = []
    for volume in volumes:
        array = view.array_linked(volume["array"])
        for disk in volume["members"]:
            table = (view.devices.get(disk) or {}).get("table") or {}
            for part in table.get("partitions") or []:
                if array is None and part.get("name") == volume["member_label"]:
                    array = view.array_holding(part.get("realpath"))
        if array is None or not array.get("uuid"):
            continue
        line = f"ARRAY {volume['array']} metadata={array.get('metadata') or '1.2'}"
        line += f" UUID={array['uuid']}"
        if array.get("name"):
            line += f" name={array['name']}"
        lines.append(line)
    return lines
