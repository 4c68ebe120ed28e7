# Copyright: hobbynet contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a host's disks, md arrays, LVM and file systems for hobbynet.infra.block_facts.

The parsers are pure functions of the tools' output (util-linux 2.38 wipefs/sfdisk/blkid,
mdadm 4.2, lvm2 2.03 JSON reports, e2fsprogs dumpe2fs, /proc and /sys files), unit-tested with
captured text. ``collect`` puts them together through a reader (commands, files, links), so the
module's only I/O is its reader. The facts format is documented in
plugins/plugin_utils/_storage.py, which plans from it.
"""

from __future__ import annotations

import json
import os
import re

# Tools, and the Debian package each comes from (for messages).
REQUIRED_TOOLS = {"wipefs": "util-linux", "blkid": "util-linux"}
OPTIONAL_TOOLS = {"sfdisk": "fdisk", "mdadm": "mdadm", "lvm": "lvm2", "dumpe2fs": "e2fsprogs"}
TABLE_TYPES = ("gpt", "PMBR", "dos")

PV_FIELDS = (
    "pv_name",
    "vg_name",
    "pv_uuid",
    "pv_size",
    "pv_free",
    "dev_size",
    "pe_start",
    "pv_pe_count",
    "pv_pe_alloc_count",
    "pv_attr",
    "pv_missing",
)
VG_FIELDS = (
    "vg_name",
    "vg_uuid",
    "vg_attr",
    "vg_size",
    "vg_free",
    "vg_extent_size",
    "vg_extent_count",
    "vg_free_count",
    "pv_count",
    "lv_count",
)
LV_FIELDS = (
    "lv_name",
    "vg_name",
    "lv_uuid",
    "lv_attr",
    "lv_size",
    "lv_path",
    "segtype",
    "pool_lv",
    "origin",
    "data_lv",
    "metadata_lv",
    "cache_mode",
    "chunk_size",
    "cache_dirty_blocks",
    "devices",
)
NUMBERS = frozenset(
    (
        "pv_size",
        "pv_free",
        "dev_size",
        "pe_start",
        "pv_pe_count",
        "pv_pe_alloc_count",
        "vg_size",
        "vg_free",
        "vg_extent_size",
        "vg_extent_count",
        "vg_free_count",
        "pv_count",
        "lv_count",
        "lv_size",
        "chunk_size",
        "cache_dirty_blocks",
    )
)
LV_NAMES = ("lv_name", "pool_lv", "origin", "data_lv", "metadata_lv")


class BlockFactsError(Exception):
    """The host cannot be read (a required tool is missing, a command failed)."""


# --------------------------------------------------------------------------------------------
# Parsers


def parse_wipefs(text):
    """The signatures of ``wipefs --json --no-act DEVICE``: [{type, offset, uuid, label}]."""
    text = text.strip()
    if not text:
        return []
    data = json.loads(text)
    out = []
    for row in data.get("signatures") or []:
        offset = row.get("offset")
        if isinstance(offset, str):
            offset = int(offset, 16) if offset.lower().startswith("0x") else int(offset)
        out.append(
            dict(
                type=row.get("type"),
                offset=offset,
                uuid=row.get("uuid") or None,
                label=row.get("label") or None,
            )
        )
    return out


def partition_number(node):
    """The number of a partition node: /dev/vdb2 -> 2, /dev/nvme0n1p3 -> 3, ...-part4 -> 4."""
    match = re.search(r"([0-9]+)$", node or "")
    if not match:
        raise ValueError(f"cannot tell the partition number of {node!r}")
    return int(match.group(1))


def parse_sfdisk(text):
    """``sfdisk --json DISK``: {label, id, first_lba, last_lba, sector_size, partitions: [{node,
    number, start, size (sectors), type, uuid, name}]}."""
    table = json.loads(text)["partitiontable"]
    partitions = []
    for row in table.get("partitions") or []:
        partitions.append(
            dict(
                node=row.get("node"),
                number=partition_number(row.get("node")),
                start=int(row["start"]),
                size=int(row["size"]),
                type=str(row.get("type") or "").upper(),
                uuid=row.get("uuid"),
                name=row.get("name") or "",
            )
        )
    return dict(
        label=table.get("label"),
        id=table.get("id"),
        first_lba=table.get("firstlba"),
        last_lba=table.get("lastlba"),
        sector_size=table.get("sectorsize"),
        partitions=sorted(partitions, key=lambda p: p["number"]),
    )


def parse_export(text):
    """KEY=VALUE lines (``blkid -o export``, ``mdadm --export``): {KEY: VALUE}."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and re.match(r"^[A-Z][A-Za-z0-9_]*$", key):
            out[key] = value
    return out


def md_superblock(export):
    """``mdadm --examine --export PARTITION`` parsed: {uuid, name, level, devices, dev_uuid,
    events}, or None when the output has no array UUID (no superblock)."""
    if not export.get("MD_UUID"):
        return None
    return dict(
        uuid=export.get("MD_UUID"),
        name=export.get("MD_NAME"),
        level=export.get("MD_LEVEL"),
        devices=_number(export.get("MD_DEVICES")),
        dev_uuid=export.get("MD_DEV_UUID"),
        events=_number(export.get("MD_EVENTS")),
    )


def md_detail(export):
    """``mdadm --detail --export ARRAY`` parsed: {uuid, name, level, raid_devices, metadata,
    devname, devices: {DEV: ROLE}}."""
    devices = {}
    for key, value in export.items():
        match = re.match(r"^MD_DEVICE_(.+)_DEV$", key)
        if match:
            devices[value] = export.get(f"MD_DEVICE_{match.group(1)}_ROLE")
    return dict(
        uuid=export.get("MD_UUID"),
        name=export.get("MD_NAME"),
        level=export.get("MD_LEVEL"),
        raid_devices=_number(export.get("MD_DEVICES")),
        metadata=export.get("MD_METADATA"),
        devname=export.get("MD_DEVNAME"),
        devices=devices,
    )


def _number(value):
    if value is None:
        return None
    value = str(value).strip()
    if re.match(r"^-?[0-9]+$", value):
        number = int(value)
        return None if number < 0 else number
    return None


def _lv_name(value):
    value = value or ""
    if value.startswith("[") and value.endswith("]"):
        return value[1:-1]
    return value


def parse_devices(value):
    """LVM's ``devices`` field: "/dev/md127(0),/dev/vdd1(16)" -> [{device, start}]."""
    if isinstance(value, list):
        value = ",".join(value)
    out = []
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        match = re.match(r"^(.*)\(([0-9]+)\)$", item)
        if match:
            out.append(dict(device=_lv_name(match.group(1)), start=int(match.group(2))))
        else:
            out.append(dict(device=_lv_name(item), start=0))
    return out


def parse_lvm_report(text, kind):
    """A ``pvs``/``vgs``/``lvs --reportformat json --units b --nosuffix`` report: the rows of
    ``kind`` (pv, vg, lv), numbers as int (None for blank), LV names without brackets (with
    ``hidden``), devices as a list, and an LV's segments merged into one row."""
    data = json.loads(text)
    rows = []
    for report in data.get("report") or []:
        rows.extend(report.get(kind) or [])
    out = []
    merged = {}
    for row in rows:
        item = {}
        for key, value in row.items():
            if key in NUMBERS:
                item[key] = _number(value)
            elif key == "devices":
                item[key] = parse_devices(value)
            elif key in LV_NAMES:
                item[key] = _lv_name(value)
            elif key == "pv_missing":
                item[key] = str(value or "") not in ("", "0")
            else:
                item[key] = value
        if kind == "lv":
            item["hidden"] = str(row.get("lv_name") or "").startswith("[")
            attr = item.get("lv_attr") or ""
            item["active"] = len(attr) > 4 and attr[4] == "a"
            key = (item.get("vg_name"), item.get("lv_name"))
            if key in merged:  # one row per segment: keep the first, add its devices
                merged[key]["devices"].extend(item.get("devices") or [])
                continue
            item.setdefault("devices", [])
            merged[key] = item
        out.append(item)
    return out


def parse_dumpe2fs(text):
    """The size in bytes of an ext2/3/4 file system from ``dumpe2fs -h``, or None."""
    count = size = None
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        if key.strip() == "Block count":
            count = _number(value)
        elif key.strip() == "Block size":
            size = _number(value)
    if count is None or size is None:
        return None
    return count * size


def _unescape(text):
    """/proc/self/mountinfo escapes space, tab, newline and backslash as octal."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def parse_mountinfo(text):
    """``/proc/self/mountinfo``: {"MAJOR:MINOR": [mount points]}."""
    out = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue
        out.setdefault(fields[2], []).append(_unescape(fields[4]))
    return out


def parse_swaps(text):
    """``/proc/swaps``: the swap areas' paths."""
    out = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if fields:
            out.append(_unescape(fields[0]))
    return out


# --------------------------------------------------------------------------------------------
# Collecting


class Reader:
    """What ``collect`` needs of a host; the module passes one that runs commands and reads
    files, the tests one that answers from fixtures."""

    def run(self, argv):
        """(rc, stdout, stderr) of a command."""
        raise NotImplementedError

    def read(self, path):
        """A file's text (stripped of its final newline), or None."""
        raise NotImplementedError

    def listdir(self, path):
        """A directory's entries, sorted; [] when it does not exist."""
        raise NotImplementedError

    def realpath(self, path):
        raise NotImplementedError

    def exists(self, path):
        raise NotImplementedError

    def rdev(self, path):
        """ "MAJOR:MINOR" of a block device, or None."""
        raise NotImplementedError

    def which(self, tool):
        """The tool's path, or None."""
        raise NotImplementedError


class _Collector:
    def __init__(self, reader):
        self.reader = reader
        self.tools = {}
        for tool in sorted({**REQUIRED_TOOLS, **OPTIONAL_TOOLS}):
            self.tools[tool] = reader.which(tool)
        missing = [t for t in sorted(REQUIRED_TOOLS) if not self.tools[t]]
        if missing:
            raise BlockFactsError(
                "cannot read the disks: {} not found (install util-linux)".format(
                    ", ".join(missing)
                )
            )
        self.missing = [tool for tool in sorted(OPTIONAL_TOOLS) if not self.tools[tool]]
        self.mounts = parse_mountinfo(reader.read("/proc/self/mountinfo") or "")
        for swap in parse_swaps(reader.read("/proc/swaps") or ""):
            number = reader.rdev(swap)
            if number:
                self.mounts.setdefault(number, []).append("[SWAP]")

    def run(self, argv, ok=(0,)):
        tool = argv[0]
        rc, out, err = self.reader.run([self.tools.get(tool) or tool, *argv[1:]])
        if rc not in ok:
            raise BlockFactsError(
                "{} failed (rc {}): {}".format(" ".join(argv), rc, (err or out).strip())
            )
        return rc, out, err

    def common(self, path):
        """signatures, holders and mount points of an existing block device."""
        kname = os.path.basename(path)
        out = parse_wipefs(self.run(["wipefs", "--json", "--no-act", path])[1])
        return dict(
            signatures=out,
            holders=self.reader.listdir(f"/sys/class/block/{kname}/holders"),
            mountpoints=list(self.mounts.get(self.reader.rdev(path) or "", [])),
        )

    def examine(self, path, signatures):
        """The md superblock of a device whose signatures show one (mdadm --examine)."""
        if not self.tools["mdadm"] or "linux_raid_member" not in [s["type"] for s in signatures]:
            return None
        rc, out, _err = self.run(["mdadm", "--examine", "--export", path], ok=(0, 1, 2))
        return md_superblock(parse_export(out)) if rc == 0 else None

    def device(self, path):
        reader = self.reader
        empty = dict(
            path=path,
            exists=False,
            realpath=None,
            kname=None,
            partition=False,
            size=None,
            logical_sector_size=None,
            signatures=[],
            holders=[],
            mountpoints=[],
            md=None,
            table=None,
            table_error=None,
        )
        if not reader.exists(path):
            return empty
        real = reader.realpath(path)
        kname = os.path.basename(real)
        sys_dir = f"/sys/class/block/{kname}"
        if reader.read(sys_dir + "/size") is None:
            empty.update(
                exists=True,
                realpath=real,
                kname=kname,
                table_error=f"{real} is not a block device",
            )
            return empty
        facts = dict(empty, exists=True, realpath=real, kname=kname)
        facts["partition"] = reader.exists(sys_dir + "/partition")
        facts["size"] = int(reader.read(sys_dir + "/size") or 0) * 512
        sector = _number(reader.read(sys_dir + "/queue/logical_block_size")) or 512
        facts["logical_sector_size"] = sector
        facts.update(self.common(real))
        facts["md"] = self.examine(real, facts["signatures"])
        if any(s["type"] in TABLE_TYPES for s in facts["signatures"]):
            facts["table"], facts["table_error"] = self.table(path, real, sector)
        return facts

    def table(self, path, real, sector):
        if not self.tools["sfdisk"]:
            return None, "sfdisk is not installed (package fdisk)"
        rc, out, err = self.run(["sfdisk", "--json", real], ok=(0, 1))
        if rc != 0:
            return None, (err or out).strip() or f"sfdisk --json {real} failed"
        table = parse_sfdisk(out)
        table["sector_size"] = table["sector_size"] or sector
        partitions = []
        for row in table["partitions"]:
            part_path = "{}-part{}".format(path, row["number"])
            present = self.reader.exists(part_path)
            part = dict(
                number=row["number"],
                path=part_path,
                present=present,
                realpath=self.reader.realpath(part_path) if present else row["node"],
                kname=os.path.basename(row["node"] or ""),
                start=row["start"],
                size=row["size"],
                bytes=row["size"] * table["sector_size"],
                type=row["type"],
                uuid=row["uuid"],
                name=row["name"],
                signatures=[],
                blkid={},
                md=None,
                holders=[],
                mountpoints=[],
            )
            if present:
                part["kname"] = os.path.basename(part["realpath"])
                part.update(self.common(part["realpath"]))
                rc, out, err = self.run(
                    ["blkid", "-p", "-o", "export", part["realpath"]], ok=(0, 2)
                )
                part["blkid"] = parse_export(out) if rc == 0 else {}
                part["md"] = self.examine(part["realpath"], part["signatures"])
            partitions.append(part)
        table["partitions"] = partitions
        return table, None

    def arrays(self):
        reader = self.reader
        links = {}
        for name in reader.listdir("/dev/md"):
            links.setdefault(reader.realpath("/dev/md/" + name), []).append("/dev/md/" + name)
        arrays = []
        for kname in reader.listdir("/sys/block"):
            if not re.match(r"^md[0-9]+$", kname):
                continue
            path = "/dev/" + kname
            md_dir = f"/sys/block/{kname}/md"
            members = []
            for entry in reader.listdir(md_dir):
                if not entry.startswith("dev-"):
                    continue
                block = reader.realpath(f"{md_dir}/{entry}/block")
                member = os.path.basename(block)
                members.append(
                    dict(
                        dev="/dev/" + member,
                        kname=member,
                        slot=reader.read(f"{md_dir}/{entry}/slot") or "none",
                        state=(reader.read(f"{md_dir}/{entry}/state") or "").split(","),
                    )
                )
            array = dict(
                path=path,
                realpath=path,
                kname=kname,
                links=sorted(links.get(path, [])),
                uuid=None,
                name=None,
                metadata=None,
                level=reader.read(md_dir + "/level"),
                raid_devices=_number(reader.read(md_dir + "/raid_disks")),
                size=(_number(reader.read(f"/sys/block/{kname}/size")) or 0) * 512,
                members=members,
                array_state=reader.read(md_dir + "/array_state"),
                degraded=_number(reader.read(md_dir + "/degraded")) or 0,
                sync_action=reader.read(md_dir + "/sync_action"),
                sync_completed=reader.read(md_dir + "/sync_completed"),
                signatures=[],
                holders=[],
                mountpoints=[],
            )
            if self.tools["mdadm"] and array["array_state"] not in ("inactive", "clear", None):
                rc, text, _err = self.run(["mdadm", "--detail", "--export", path], ok=(0, 1, 2))
                if rc == 0:
                    detail = md_detail(parse_export(text))
                    array.update(
                        uuid=detail["uuid"],
                        name=detail["name"],
                        metadata=detail["metadata"],
                        level=detail["level"] or array["level"],
                        raid_devices=detail["raid_devices"] or array["raid_devices"],
                    )
            if array["size"] and array["array_state"] not in ("inactive", "clear", None):
                array.update(self.common(path))
            arrays.append(array)
        return arrays

    def lvm(self):
        if not self.tools["lvm"]:
            return dict(available=False, pvs=[], vgs=[], lvs=[])
        base = ["--reportformat", "json", "--units", "b", "--nosuffix"]
        result = dict(available=True)
        for command, kind, fields in (
            ("pvs", "pv", PV_FIELDS),
            ("vgs", "vg", VG_FIELDS),
            ("lvs", "lv", LV_FIELDS),
        ):
            argv = ["lvm", command, *base, "-o", ",".join(fields)]
            if command == "lvs":
                argv.insert(2, "-a")
            # rc 5: some VG has a problem; the report is still printed for the others.
            rc, out, err = self.run(argv, ok=(0, 5))
            try:
                rows = parse_lvm_report(out, kind)
            except ValueError as exc:
                raise BlockFactsError(
                    "{} printed no JSON report (rc {}): {} {}".format(
                        " ".join(argv[:2]), rc, exc, err.strip()
                    )
                ) from exc
            result[command] = rows
        for pv in result["pvs"]:
            pv["realpath"] = self.reader.realpath(pv["pv_name"])
        for lv in result["lvs"]:
            for device in lv["devices"]:
                name = device["device"]
                device["realpath"] = self.reader.realpath(name) if name.startswith("/") else None
        return result

    def filesystems(self, lvs):
        out = {}
        for lv in lvs:
            if lv["hidden"] or not lv["active"]:
                continue
            path = "/dev/{}/{}".format(lv["vg_name"], lv["lv_name"])
            if not self.reader.exists(path):
                continue
            real = self.reader.realpath(path)
            facts = self.common(real)
            rc, text, _err = self.run(["blkid", "-p", "-o", "export", real], ok=(0, 2))
            blkid = parse_export(text) if rc == 0 else {}
            size = None
            kind = blkid.get("TYPE")
            if kind in ("ext2", "ext3", "ext4") and self.tools["dumpe2fs"]:
                rc, text, _err = self.run(["dumpe2fs", "-h", real], ok=(0, 1))
                size = parse_dumpe2fs(text) if rc == 0 else None
            facts.update(type=kind, uuid=blkid.get("UUID"), label=blkid.get("LABEL"), size=size)
            out[path] = facts
        return out


def collect(devices, reader):
    """The block_facts of ``devices`` (paths as given) and of the host's arrays, LVM and LVs."""
    collector = _Collector(reader)
    lvm = collector.lvm()
    return dict(
        devices={path: collector.device(path) for path in devices},
        arrays=collector.arrays(),
        lvm=lvm,
        filesystems=collector.filesystems(lvm["lvs"]),
        missing_tools=collector.missing,
    )
