"""Unit tests for plugins/plugin_utils/_storage.py (mdadm RAID1 + LVM cache: inputs and plan).

The plan is tested against ``Host``, a small model of a host's disks in the format block_facts
returns: it applies a plan's argv the way sgdisk, mdadm, LVM and mkfs would change what the module
reads, so rounds, interruptions and re-runs are tested the way the role runs them.
"""

from __future__ import annotations

import copy
import re

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._storage import (
    GIB,
    KIB,
    MIB,
    StorageInputError,
    cache_minimum,
    storage_inputs,
    storage_mdadm_conf,
    storage_plan,
)
from hypothesis import given
from hypothesis import strategies as st

BY_ID = "/dev/disk/by-id/virtio-"
D1, D2, D3, D4, S1 = (BY_ID + n for n in ("d1", "d2", "d3", "d4", "s1"))
V = "mdadm_lvmcache_volumes"


def volume(**changes):
    values = {
        "name": "data",
        "members": [D1, D2],
        "member_size": 3 * GIB,
        "cache_device": S1,
        "cache_size": 1 * GIB,
        "mount": "/srv/data",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not ...}


def inputs(*volumes, **host_vars):
    host_vars.setdefault(V, list(volumes) or [volume()])
    return storage_inputs(host_vars, "st1")


def problems(*volumes, **host_vars):
    with pytest.raises(StorageInputError) as err:
        inputs(*volumes, **host_vars)
    return err.value.problems


def one_problem(*volumes, **host_vars):
    found = problems(*volumes, **host_vars)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------------------------------------
# A host's block devices, as block_facts reads them


def _uuid(seed):
    digits = f"{seed:032x}"
    return ":".join(digits[i : i + 8] for i in range(0, 32, 8))


class Host:
    """Disks, arrays, LVM and file systems in block_facts' format, changed by plan steps."""

    EXTENT = 4 * MIB

    def __init__(self, disks, hostname="st1"):
        self.hostname = hostname
        self.seed = 0x3C3B1F8E0C1D2E3F4A5B6C7D8E9F0A00
        self.facts = {
            "devices": {},
            "arrays": [],
            "lvm": {"available": True, "pvs": [], "vgs": [], "lvs": []},
            "filesystems": {},
            "missing_tools": [],
        }
        for path, (kname, size) in disks.items():
            self.add_disk(path, kname, size)
        self.ran = []

    # ---- building

    def add_disk(self, path, kname, size, sector=512):
        self.facts["devices"][path] = {
            "path": path,
            "exists": True,
            "realpath": f"/dev/{kname}",
            "kname": kname,
            "partition": False,
            "size": size,
            "logical_sector_size": sector,
            "signatures": [],
            "holders": [],
            "mountpoints": [],
            "md": None,
            "table": None,
            "table_error": None,
        }

    def next_uuid(self):
        self.seed += 1
        return _uuid(self.seed)

    # ---- reading

    def disk(self, path):
        return self.facts["devices"][path]

    def part(self, path):
        disk, number = re.match(r"^(.*)-part([0-9]+)$", path).groups()
        for part in self.disk(disk)["table"]["partitions"]:
            if part["number"] == int(number):
                return part
        raise AssertionError(f"no partition {path}")

    def array(self, path):
        for array in self.facts["arrays"]:
            if path in (array["path"], *array["links"]):
                return array
        raise AssertionError(f"no array {path}")

    def device(self, path):
        """The facts of a disk, partition or array path (as steps name them)."""
        if path in self.facts["devices"]:
            return self.disk(path)
        if path.startswith("/dev/md"):
            return self.array(path)
        return self.part(path)

    def realpath(self, path):
        return self.device(path).get("realpath") or self.device(path)["path"]

    def lvm(self, kind):
        return self.facts["lvm"][kind]

    def pv(self, path):
        real = self.realpath(path)
        return next(pv for pv in self.lvm("pvs") if pv["realpath"] == real)

    def vg(self, name):
        return next(vg for vg in self.lvm("vgs") if vg["vg_name"] == name)

    def lv(self, vg, name):
        return next(lv for lv in self.lvm("lvs") if (lv["vg_name"], lv["lv_name"]) == (vg, name))

    def has_lv(self, vg, name):
        return any((lv["vg_name"], lv["lv_name"]) == (vg, name) for lv in self.lvm("lvs"))

    # ---- the commands a plan runs

    def run(self, argv):
        self.ran.append(argv)
        tool = argv[0].replace(".", "_")
        getattr(self, f"run_{tool}")(argv[1:])

    def apply(self, plan, limit=None):
        assert plan["problems"] == [], plan["problems"]
        for step in plan["steps"][:limit]:
            self.run(step["argv"])

    def converge(self, volumes, wipe=(), rounds=3):
        """Run read -> plan -> apply like the role; the plans of each round."""
        plans = []
        for _round in range(rounds):
            plan = storage_plan(volumes, self.snapshot(), wipe)
            plans.append(plan)
            self.apply(plan)
            if not plan["pending"]:
                break
            assert plan["steps"], f"pending without steps: {plan['pending']}"
        return plans

    def snapshot(self):
        return copy.deepcopy(self.facts)

    def run_sgdisk(self, args):
        disk = self.disk(args[-1])
        if "-o" in args:
            sectors = disk["size"] // 512
            disk["table"] = {
                "label": "gpt",
                "id": "F5E51D6C-AB5B-41EB-B1F9-5031DB0D5013",
                "first_lba": 34,
                "last_lba": sectors - 34,
                "sector_size": 512,
                "partitions": [],
            }
            disk["signatures"] = [
                {"type": "gpt", "offset": 512, "uuid": None, "label": None},
                {"type": "gpt", "offset": disk["size"] - 512, "uuid": None, "label": None},
                {"type": "PMBR", "offset": 510, "uuid": None, "label": None},
            ]
        rest = [a for a in args[:-1] if a != "-o"]
        options = dict(zip(rest[0::2], rest[1::2], strict=True))
        number, start, end = map(int, options["-n"].split(":"))
        assert disk["table"] is not None, "sgdisk -n on a disk without GPT"
        assert start >= disk["table"]["first_lba"] and end <= disk["table"]["last_lba"]
        for other in disk["table"]["partitions"]:
            assert end < other["start"] or start >= other["start"] + other["size"], "overlap"
        code = options["-t"].split(":")[1]
        disk["table"]["partitions"].append(
            {
                "number": number,
                "path": f"{args[-1]}-part{number}",
                "present": False,
                "realpath": f"/dev/{disk['kname']}{number}",
                "kname": f"{disk['kname']}{number}",
                "start": start,
                "size": end - start + 1,
                "bytes": (end - start + 1) * 512,
                "type": {"FD00": "A19D880F-05FC-4D3B-A006-743F0F84911E"}.get(
                    code, "E6D6D379-F507-44C2-A23C-238F2A3DF928"
                ),
                "uuid": "6F546312-5997-48D1-8EE1-61932D1E8448",
                "name": options["-c"].split(":", 1)[1],
                "signatures": [],
                "blkid": {},
                "md": None,
                "holders": [],
                "mountpoints": [],
            }
        )

    def run_udevadm(self, args):
        assert args == ["settle"]
        for disk in self.facts["devices"].values():
            for part in (disk["table"] or {}).get("partitions", []):
                part["present"] = True

    def run_partx(self, args):
        assert args[0] == "--update"
        for part in (self.disk(args[1])["table"] or {}).get("partitions", []):
            part["present"] = True

    def run_wipefs(self, args):
        assert args[0] == "--all"
        device = self.device(args[1])
        assert not device["holders"] and not device["mountpoints"], "wipefs of a busy device"
        device["signatures"] = []
        device["md"] = None
        if args[1] in self.facts["devices"]:
            device["table"] = None

    def run_mdadm(self, args):
        if args[0] == "--create":
            md, options = args[1], [a for a in args[2:] if a.startswith("--")]
            parts = [a for a in args[2:] if not a.startswith("--")]
            assert "--run" in options and "--metadata=1.2" in options
            assert f"--raid-devices={len(parts)}" in options
            for path in parts:
                assert not self.part(path)["signatures"], f"mdadm --create over {path}"
            name = next(o for o in options if o.startswith("--name="))[len("--name=") :]
            self.new_array(md, name, parts)
        elif args[0] == "--assemble":
            md, parts = args[1], args[3:]
            first = self.part(parts[0])["md"]
            array = self.new_array(md, first["name"].split(":")[-1], [], uuid=first["uuid"])
            for path in parts:
                self.join(array, path)
        else:
            array = self.array(args[0])
            action, path = args[1], args[2]
            part = self.part(path)
            if action == "--re-add":
                assert part["md"]["uuid"] == array["uuid"]
            else:
                assert action == "--add" and not part["signatures"]
            self.join(array, path)

    def new_array(self, md, name, parts, uuid=None):
        number = 127 - len(self.facts["arrays"])
        size = min((self.part(p)["bytes"] for p in parts), default=0) - 2 * MIB
        array = {
            "path": f"/dev/md{number}",
            "realpath": f"/dev/md{number}",
            "kname": f"md{number}",
            "links": [md],
            "uuid": uuid or self.next_uuid(),
            "name": f"{self.hostname}:{name}",
            "metadata": "1.2",
            "level": "raid1",
            "raid_devices": len(parts) or 2,
            "size": size,
            "members": [],
            "array_state": "clean",
            "degraded": 0,
            "sync_action": "idle",
            "sync_completed": "none",
            "signatures": [],
            "holders": [],
            "mountpoints": [],
        }
        self.facts["arrays"].append(array)
        for path in parts:
            self.join(array, path)
        return array

    def join(self, array, path):
        part = self.part(path)
        if not array["size"]:
            array["size"] = part["bytes"] - 2 * MIB
        part["md"] = {
            "uuid": array["uuid"],
            "name": array["name"],
            "level": "raid1",
            "devices": array["raid_devices"],
            "dev_uuid": self.next_uuid(),
            "events": 18,
        }
        part["signatures"] = [
            {
                "type": "linux_raid_member",
                "offset": 4096,
                "uuid": array["uuid"].replace(":", "-"),
                "label": array["name"],
            }
        ]
        part["holders"] = [array["kname"]]
        array["members"].append(
            {
                "dev": part["realpath"],
                "kname": part["kname"],
                "slot": str(len(array["members"])),
                "state": ["in_sync"],
            }
        )
        array["degraded"] = array["raid_devices"] - len(array["members"])

    def run_pvcreate(self, args):
        device = self.device(args[0])
        assert not device["signatures"], f"pvcreate over {device['signatures']}"
        size = device.get("bytes") or device["size"]
        device["signatures"] = [
            {"type": "LVM2_member", "offset": 536, "uuid": "pvuuid", "label": None}
        ]
        self.lvm("pvs").append(
            {
                "pv_name": self.realpath(args[0]),
                "realpath": self.realpath(args[0]),
                "vg_name": "",
                "pv_uuid": f"pv-{len(self.lvm('pvs'))}",
                "pv_size": size - MIB,
                "dev_size": size,
                "pe_start": MIB,
                "pv_pe_count": 0,
                "pv_pe_alloc_count": 0,
                "pv_attr": "---",
                "pv_missing": False,
                "bytes": size,
            }
        )

    def run_vgcreate(self, args):
        assert args[:2] == ["--physicalextentsize", "4m"]
        name = args[2]
        self.lvm("vgs").append(
            {"vg_name": name, "vg_uuid": f"vg-{name}", "vg_extent_size": self.EXTENT}
        )
        self.run_vgextend([name, *args[3:]])

    def run_vgextend(self, args):
        for path in args[1:]:
            pv = self.pv(path)
            assert pv["vg_name"] == ""
            pv["vg_name"] = args[0]
            pv["pv_pe_count"] = (pv["bytes"] - MIB) // self.EXTENT

    def allocate(self, pv_path, extents):
        pv = self.pv(pv_path)
        assert pv["pv_pe_count"] - pv["pv_pe_alloc_count"] >= extents, "no room"
        pv["pv_pe_alloc_count"] += extents
        self.device(pv_path)["holders"] = ["dm-0"]
        return pv

    def add_lv(self, vg, name, extents, pv, hidden=False, segtype="linear"):
        self.lvm("lvs").append(
            {
                "lv_name": name,
                "hidden": hidden,
                "vg_name": vg,
                "lv_uuid": f"lv-{name}",
                "lv_attr": "-wi-a-----",
                "active": True,
                "lv_size": extents * self.EXTENT,
                "lv_path": "" if hidden else f"/dev/{vg}/{name}",
                "segtype": segtype,
                "pool_lv": "",
                "origin": "",
                "data_lv": "",
                "metadata_lv": "",
                "cache_mode": "",
                "chunk_size": 0,
                "cache_dirty_blocks": None,
                "devices": [{"device": pv["pv_name"], "realpath": pv["realpath"], "start": 0}],
            }
        )
        if not hidden:
            self.facts["filesystems"][f"/dev/{vg}/{name}"] = {
                "type": None,
                "uuid": None,
                "label": None,
                "signatures": [],
                "mountpoints": [],
                "size": None,
            }

    def remove_lv(self, vg, name):
        self.lvm("lvs").remove(self.lv(vg, name))
        self.facts["filesystems"].pop(f"/dev/{vg}/{name}", None)

    def run_lvcreate(self, args):
        assert args[:6] == ["--yes", "--wipesignatures", "y", "--zero", "y", "--name"]
        name, unit, amount, vg, pv_path = args[6:]
        if unit == "--extents":
            extents = int(amount)
        else:
            assert unit == "--size" and amount.endswith("b")
            extents = -(-int(amount[:-1]) // self.EXTENT)
        assert not self.has_lv(vg, name)
        pv = self.allocate(pv_path, extents)
        self.add_lv(vg, name, extents, pv)

    def run_lvconvert(self, args):
        assert args[0] == "--yes"
        if args[1] == "--splitcache":
            vg, name = args[2].split("/")
            lv = self.lv(vg, name)
            pool = self.lv(vg, lv["pool_lv"])
            pool["lv_name"] = pool["lv_name"][: -len("_cpool")]
            pool["hidden"] = False
            lv.update(segtype="linear", pool_lv="", cache_mode="", cache_dirty_blocks=None)
            return
        options = dict(zip(args[1:-1:2], args[2:-1:2], strict=False))
        if options["--type"] == "cache-pool":
            vg, meta = options["--poolmetadata"].split("/")
            data_vg, data = args[-2].split("/")
            assert data_vg == vg
            meta_lv = self.lv(vg, meta)
            self.remove_lv(vg, meta)
            pool = self.lv(vg, data)
            self.facts["filesystems"].pop(f"/dev/{vg}/{data}")
            pool.update(
                segtype="cache-pool",
                lv_attr="Cwi---C---",
                active=False,
                chunk_size=int(options["--chunksize"][:-1]) * KIB,
                cache_mode=options["--cachemode"],
                lv_path="",
            )
            if not any(lv["lv_name"].endswith("_pmspare") for lv in self.lvm("lvs")):
                extents = meta_lv["lv_size"] // self.EXTENT
                pv = self.allocate(args[-1], extents)
                self.add_lv(vg, "lvol0_pmspare", extents, pv, hidden=True)
            return
        assert options["--type"] == "cache"
        vg, pool_name = options["--cachepool"].split("/")
        vg2, name = args[-1].split("/")
        assert vg == vg2
        pool = self.lv(vg, pool_name)
        assert pool["segtype"] == "cache-pool"
        pool["lv_name"] = pool_name + "_cpool"
        pool["hidden"] = True
        self.lv(vg, name).update(
            segtype="cache",
            pool_lv=pool["lv_name"],
            cache_mode=options["--cachemode"],
            chunk_size=pool["chunk_size"],
            cache_dirty_blocks=0,
        )

    def run_lvchange(self, args):
        assert args[0] == "--cachemode"
        vg, name = args[2].split("/")
        self.lv(vg, name)["cache_mode"] = args[1]

    def run_lvextend(self, args):
        assert args[0] == "--size" and args[1].endswith("b")
        vg, name = args[2].split("/")
        lv = self.lv(vg, name)
        extents = -(-int(args[1][:-1]) // self.EXTENT) - lv["lv_size"] // self.EXTENT
        self.allocate(args[3], extents)
        lv["lv_size"] += extents * self.EXTENT

    def run_mkfs_ext4(self, args):
        fs = self.facts["filesystems"][args[0]]
        assert not fs["signatures"], "mkfs over a signature"
        vg, name = args[0].split("/")[2:]
        fs.update(
            type="ext4",
            uuid="a0f66db9-eb85-4376-ba67-061ed140bfce",
            signatures=[{"type": "ext4", "offset": 1080, "uuid": "a0f66db9", "label": None}],
            size=self.lv(vg, name)["lv_size"],
        )

    def run_resize2fs(self, args):
        vg, name = args[0].split("/")[2:]
        self.facts["filesystems"][args[0]]["size"] = self.lv(vg, name)["lv_size"]

    def run_sh(self, args):
        script = args[1]
        if "resize2fs" in script:
            self.run_resize2fs([args[3]])
        else:
            assert "cache_dirty_blocks" in script
            vg, name = args[3].split("/")
            self.lv(vg, name)["cache_dirty_blocks"] = 0

    # ---- changes from outside

    def mount(self, vg, name, where):
        self.facts["filesystems"][f"/dev/{vg}/{name}"]["mountpoints"] = [where]


def fresh_host(**extra):
    disks = {D1: ("vdb", 4 * GIB), D2: ("vdc", 4 * GIB), S1: ("vdd", 2 * GIB)}
    disks.update(extra)
    return Host(disks)


def built(*volumes, wipe=(), host=None):
    """A host on which the role has built these volumes (inputs, host)."""
    spec = inputs(*volumes)
    host = host or fresh_host()
    plans = host.converge(spec["volumes"], wipe or spec["wipe"])
    assert not plans[-1]["pending"]
    return spec, host


def plan_of(spec, host, wipe=None):
    return storage_plan(spec["volumes"], host.snapshot(), spec["wipe"] if wipe is None else wipe)


def argvs(plan):
    return [step["argv"] for step in plan["steps"]]


def tools(plan):
    return [argv[0] for argv in argvs(plan)]


# ---------------------------------------------------------------------------------------------
# Inputs


def test_inputs_fill_in_the_defaults():
    spec = inputs()
    [v] = spec["volumes"]
    assert v["var"] == f"{V}[0]"
    assert v["array"] == "/dev/md/data"
    assert (v["member_label"], v["cache_label"]) == ("hn-data-md", "hn-data-cache")
    assert (v["vg"], v["lv"], v["lv_path"]) == ("vg_data", "data", "/dev/vg_data/data")
    assert (v["pool_lv"], v["meta_lv"]) == ("data_cache", "data_cachemeta")
    assert v["cache_metadata_size"] == 64 * MIB
    assert v["cache_chunk_size"] == 65536
    assert (v["cache_mode"], v["cache_attached"]) == ("writethrough", True)
    assert (v["lv_size"], v["filesystem"], v["mount_options"]) == (None, "ext4", "defaults,nofail")
    assert spec["devices"] == sorted([D1, D2, S1])
    assert spec["wipe"] == []
    assert spec["mounts"] == [
        {
            "volume": "data",
            "src": "/dev/vg_data/data",
            "path": "/srv/data",
            "fstype": "ext4",
            "opts": "defaults,nofail",
        }
    ]
    assert (spec["mail"], spec["alert_program"]) == ("", "")


def test_inputs_without_volumes_are_empty():
    assert storage_inputs({}, "st1")["volumes"] == []
    assert storage_inputs({V: None}, "st1")["devices"] == []


def test_a_volume_without_cache_and_without_file_system():
    spec = inputs(volume(cache_device=..., cache_size=..., filesystem="none", mount=...))
    [v] = spec["volumes"]
    assert v["cache_device"] is None and v["cache_size"] is None
    assert spec["mounts"] == []
    assert spec["devices"] == [D1, D2]


def test_sizes_as_digit_strings_are_taken():
    [v] = inputs(volume(member_size=str(3 * GIB), lv_size=str(2 * GIB)))["volumes"]
    assert (v["member_size"], v["lv_size"]) == (3 * GIB, 2 * GIB)


def test_a_member_listed_twice_in_one_volume():
    message = one_problem(volume(members=[D1, D2, D1]))
    assert message.startswith(f"{V}[0].members[2] {D1} is listed twice")
    assert f"{V}[0].members[0]" in message


def test_a_member_listed_in_two_volumes():
    message = one_problem(
        volume(),
        volume(name="logs", members=[D3, D2], cache_device=..., cache_size=..., mount="/srv/l"),
    )
    assert message.startswith(f"{V}[1].members[1] {D2} is also {V}[0].members[1]")


@pytest.mark.parametrize("other", [False, True])
def test_a_member_that_is_also_a_cache_device(other):
    if other:
        found = one_problem(
            volume(),
            volume(name="logs", members=[D3, D4], cache_device=D1, mount="/srv/logs"),
        )
        assert found.startswith(f"{V}[1].cache_device {D1} is also {V}[0].members[0]")
    else:
        found = one_problem(volume(cache_device=D2))
        assert found.startswith(f"{V}[0].cache_device {D2} is also {V}[0].members[1]")


@pytest.mark.parametrize(
    ("key", "value", "var"),
    [
        ("members", [D1, "/dev/sdb"], f"{V}[0].members[1]"),
        ("cache_device", "/dev/nvme0n1", f"{V}[0].cache_device"),
        ("members", ["/dev/disk/by-path/pci-0000:00:1f.2-ata-1", D2], f"{V}[0].members[0]"),
    ],
)
def test_kernel_names_are_refused_and_the_message_says_why(key, value, var):
    message = one_problem(volume(**{key: value}))
    assert message.startswith(f"{var} ")
    assert "not under /dev/disk/by-id/" in message
    assert "change between boots and after a disk swap" in message
    assert "partition the wrong disk" in message
    assert "serial number" in message


def test_a_partition_is_refused_as_a_member():
    message = one_problem(volume(members=[D1, D2 + "-part1"]))
    assert message.startswith(f"{V}[0].members[1] ")
    assert "names a partition: name the whole disk" in message


def test_wipe_refuses_kernel_names_and_devices_of_no_volume():
    found = problems(volume(), mdadm_lvmcache_wipe=["/dev/sdc", D3, D1, D1])
    assert found[0].startswith("mdadm_lvmcache_wipe[0] '/dev/sdc' is not under /dev/disk/by-id/")
    assert found[1].startswith(f"mdadm_lvmcache_wipe[1] {D3} is not a member or cache_device")
    assert len(found) == 2
    assert inputs(volume(), mdadm_lvmcache_wipe=[S1, D1, D1])["wipe"] == [D1, S1]


def test_a_cache_smaller_than_metadata_spare_and_one_extent_says_the_minimum():
    assert cache_minimum(64 * MIB) == 133 * MIB
    message = one_problem(volume(cache_size=132 * MIB))
    assert message.startswith(f"{V}[0].cache_size 132 MiB (138412032 bytes) is too small")
    assert "spare copy" in message
    assert "at least 133 MiB (139460608 bytes)" in message
    assert inputs(volume(cache_size=133 * MIB))["volumes"][0]["cache_size"] == 133 * MIB
    # The metadata counts in whole 4 MiB extents.
    message = one_problem(volume(cache_size=24 * MIB, cache_metadata_size=9 * MIB))
    assert "at least 29 MiB" in message


def test_cache_chunk_and_metadata_limits_of_lvm():
    # An explicit chunk size that makes more than a million chunks is refused ...
    message = one_problem(volume(cache_size=100 * GIB, cache_chunk_size=64 * KIB))
    assert message.startswith(f"{V}[0].cache_chunk_size 64 KiB (65536 bytes) makes more than")
    assert "use at least 128 KiB (131072 bytes)" in message
    assert inputs(volume(cache_size=100 * GIB, cache_chunk_size=128 * KIB))
    # ... and none given means 64 KiB, or what LVM's limit needs (as lvm2 picks it itself).
    assert inputs(volume(cache_size=100 * GIB))["volumes"][0]["cache_chunk_size"] == 128 * KIB
    assert inputs(volume(cache_size=1 * GIB))["volumes"][0]["cache_chunk_size"] == 64 * KIB
    message = one_problem(volume(cache_size=40 * GIB, cache_metadata_size=8 * MIB))
    assert message.startswith(f"{V}[0].cache_metadata_size 8 MiB (8388608 bytes) cannot map")


@pytest.mark.parametrize(
    ("changes", "start"),
    [
        ({"cache_mode": "writearound"}, f"{V}[0].cache_mode must be writethrough"),
        ({"cache_mode": "writeback", "cache_attached": "no"}, f"{V}[0].cache_attached must be"),
        ({"cache_chunk_size": 48 * KIB}, f"{V}[0].cache_chunk_size must be a multiple of 32 KiB"),
        ({"cache_chunk_size": 2 * GIB}, f"{V}[0].cache_chunk_size must be a multiple of 32 KiB"),
        ({"cache_metadata_size": 4 * MIB}, f"{V}[0].cache_metadata_size must be a size"),
        ({"cache_size": ...}, f"{V}[0].cache_size is required with cache_device"),
        ({"cache_size": "half"}, f"{V}[0].cache_size must be a size in bytes"),
        ({"cache_device": ...}, f"{V}[0] sets cache_size without cache_device"),
        ({"mount": "srv/data"}, f"{V}[0].mount must be an absolute path other than /"),
        ({"mount": "/"}, f"{V}[0].mount must be an absolute path other than /"),
        ({"mount": "/srv/../etc"}, f"{V}[0].mount must be an absolute path"),
        ({"mount": "/srv/data/"}, f"{V}[0].mount must be an absolute path"),
        ({"mount": "/srv/my data"}, f"{V}[0].mount must be an absolute path"),
        ({"mount": ...}, f"{V}[0].mount is required"),
        ({"filesystem": "none"}, f"{V}[0].mount '/srv/data' has no meaning with filesystem none"),
        ({"filesystem": "xfs"}, f"{V}[0].filesystem must be one of ext4, none"),
        ({"mount_options": "defaults,,nofail"}, f"{V}[0].mount_options must be comma-separated"),
        ({"mount_options": "defaults, noatime"}, f"{V}[0].mount_options must be"),
        ({"mount_options": ","}, f"{V}[0].mount_options must be"),
        ({"lv_size": 4 * GIB}, f"{V}[0].lv_size 4 GiB (4294967296 bytes) is larger than"),
        ({"lv_size": 3 * GIB + 1}, f"{V}[0].lv_size must be a size in bytes, a multiple of 1 MiB"),
        ({"member_size": 3 * GIB + 512}, f"{V}[0].member_size must be a size in bytes"),
        ({"member_size": 32 * MIB}, f"{V}[0].member_size must be a size in bytes"),
        ({"member_size": ...}, f"{V}[0].member_size must be a size in bytes"),
        ({"member_size": True}, f"{V}[0].member_size must be a size in bytes"),
        ({"members": [D1]}, f"{V}[0].members must be a list of at least 2 disks"),
        ({"members": D1}, f"{V}[0].members must be a list of at least 2 disks"),
        ({"name": "Data"}, f"{V}[0].name must be 1 to 24 of a-z 0-9 _ -"),
        ({"name": "a" * 25}, f"{V}[0].name must be 1 to 24"),
        ({"vg": "-vg"}, f"{V}[0].vg must be a volume group name"),
        ({"vg": "mapper"}, f"{V}[0].vg 'mapper' would be /dev/mapper"),
        ({"lv": "data_cmeta"}, f"{V}[0].lv 'data_cmeta' is refused by LVM"),
        ({"lv": "snapshot1"}, f"{V}[0].lv 'snapshot1' is refused by LVM"),
        ({"colour": "red"}, f"{V}[0] has unknown keys ['colour']"),
    ],
)
def test_a_volume_refusal_names_the_variable(changes, start):
    message = one_problem(volume(**changes))
    assert message.startswith(start), message


@pytest.mark.parametrize(
    ("host_vars", "start"),
    [
        ({V: "data"}, f"{V} of st1 must be a list of volumes"),
        ({V: ["data"]}, f"{V}[0] must be a mapping"),
        ({"mdadm_lvmcache_mail": "root at example"}, "mdadm_lvmcache_mail must be an e-mail"),
        ({"mdadm_lvmcache_alert_program": "notify.sh"}, "mdadm_lvmcache_alert_program must be"),
        ({"mdadm_lvmcache_wipe": D1}, "mdadm_lvmcache_wipe must be a list of disks"),
    ],
)
def test_host_variable_refusals_name_the_variable(host_vars, start):
    message = one_problem(**host_vars)
    assert message.startswith(start), message


def test_mail_and_alert_program():
    spec = inputs(
        mdadm_lvmcache_mail="raid@example.net", mdadm_lvmcache_alert_program="/usr/local/bin/a"
    )
    assert (spec["mail"], spec["alert_program"]) == ("raid@example.net", "/usr/local/bin/a")
    assert inputs(mdadm_lvmcache_mail="root")["mail"] == "root"


def test_duplicate_names_volume_groups_and_mounts():
    found = problems(
        volume(),
        volume(members=[D3, D4], cache_device=..., cache_size=..., vg="vg_data"),
    )
    assert found == [
        f"{V}[1].name 'data' is also {V}[0].name: each volume needs its own",
        f"{V}[1].vg 'vg_data' is also {V}[0].vg: each volume needs its own",
        f"{V}[1].mount '/srv/data' is also {V}[0].mount: each volume needs its own",
    ]


def test_volumes_may_share_a_cache_device_and_only_the_last_takes_whole():
    first = volume(cache_size=512 * MIB)
    second = volume(name="logs", members=[D3, D4], mount="/srv/logs", cache_size="whole")
    assert len(inputs(first, second)["volumes"]) == 2
    message = one_problem(volume(cache_size="whole"), second)
    assert message.startswith(f'{V}[0].cache_size "whole" leaves nothing of {S1} for {V}[1]')


def test_every_problem_is_reported_at_once():
    found = problems(
        volume(members=[D1, "/dev/sdb"], cache_mode="fast", mount="data"),
        volume(name="logs", members=[D3, D3], cache_device=..., cache_size=..., mount="/l"),
    )
    assert [p.split(" ")[0] for p in found] == [
        f"{V}[0].members[1]",
        f"{V}[0].cache_mode",
        f"{V}[0].mount",
        f"{V}[1].members[1]",
    ]


# ---------------------------------------------------------------------------------------------
# The plan: a fresh host


def test_fresh_disks_get_exactly_sized_partitions():
    spec = inputs()
    host = fresh_host()
    plan = plan_of(spec, host)
    assert plan["problems"] == []
    # 3 GiB on a 4 GiB disk (8388608 sectors of 512 bytes): from the 1 MiB boundary (sector
    # 2048) to 2048 + 6291456 - 1; 6291456 sectors of 512 bytes are exactly 3 GiB.
    assert argvs(plan) == [
        ["sgdisk", "-o", "-n", "1:2048:6293503", "-t", "1:FD00", "-c", "1:hn-data-md", D1],
        ["sgdisk", "-o", "-n", "1:2048:6293503", "-t", "1:FD00", "-c", "1:hn-data-md", D2],
        ["sgdisk", "-o", "-n", "1:2048:2099199", "-t", "1:8E00", "-c", "1:hn-data-cache", S1],
        ["udevadm", "settle"],
    ]
    assert 3 * GIB == (6293503 - 2048 + 1) * 512
    assert plan["pending"] == [
        {"volume": "data", "what": "create /dev/md/data once the new partitions can be read"}
    ]
    assert plan["summary"] == ["data: partitions being made"]
    host.apply(plan)
    assert host.part(D1 + "-part1")["bytes"] == 3 * GIB


def test_a_fresh_volume_is_built_in_three_rounds_and_a_rerun_does_nothing():
    spec = inputs()
    host = fresh_host()
    plans = host.converge(spec["volumes"], spec["wipe"])
    assert len(plans) == 3
    assert [step["argv"] for step in plans[1]["steps"]] == [
        [
            "mdadm",
            "--create",
            "/dev/md/data",
            "--run",
            "--level=1",
            "--raid-devices=2",
            "--metadata=1.2",
            "--bitmap=internal",
            "--name=data",
            D1 + "-part1",
            D2 + "-part1",
        ],
        ["udevadm", "settle"],
        ["pvcreate", "/dev/md/data"],
        ["pvcreate", S1 + "-part1"],
        ["vgcreate", "--physicalextentsize", "4m", "vg_data", "/dev/md/data", S1 + "-part1"],
    ]
    fresh = ["lvcreate", "--yes", "--wipesignatures", "y", "--zero", "y", "--name"]
    # The array is 3 GiB - 2 MiB (in the model); its PV has 767 extents of 4 MiB after 1 MiB.
    # The cache PV of 1 GiB - 1 MiB has 255: 16 for the metadata, 16 for LVM's spare copy of it,
    # 223 for data.
    assert argvs(plans[2]) == [
        [*fresh, "data", "--extents", "767", "vg_data", "/dev/md/data"],
        [*fresh, "data_cachemeta", "--extents", "16", "vg_data", S1 + "-part1"],
        [*fresh, "data_cache", "--extents", "223", "vg_data", S1 + "-part1"],
        [
            "lvconvert",
            "--yes",
            "--type",
            "cache-pool",
            "--poolmetadata",
            "vg_data/data_cachemeta",
            "--chunksize",
            "64k",
            "--cachemode",
            "writethrough",
            "vg_data/data_cache",
            S1 + "-part1",
        ],
        [
            "lvconvert",
            "--yes",
            "--type",
            "cache",
            "--cachepool",
            "vg_data/data_cache",
            "--cachemode",
            "writethrough",
            "vg_data/data",
        ],
        ["mkfs.ext4", "/dev/vg_data/data"],
    ]
    assert plans[2]["pending"] == []
    cache_pv = host.pv(S1 + "-part1")
    assert cache_pv["pv_pe_alloc_count"] == cache_pv["pv_pe_count"] == 255
    lv = host.lv("vg_data", "data")
    assert (lv["segtype"], lv["cache_mode"], lv["pool_lv"]) == (
        "cache",
        "writethrough",
        "data_cache_cpool",
    )
    again = plan_of(spec, host)
    assert (again["problems"], again["steps"], again["pending"]) == ([], [], [])
    [summary] = again["summary"]
    assert summary.startswith("data: array /dev/md/data clean, 2/2 members; LV /dev/vg_data/data")
    assert summary.endswith("; cache writethrough attached (data_cache_cpool); ext4 (not mounted)")


def test_a_volume_without_cache_and_with_a_fixed_size():
    spec = inputs(volume(cache_device=..., cache_size=..., lv_size=1 * GIB))
    host = fresh_host()
    plans = host.converge(spec["volumes"], spec["wipe"])
    assert len(plans) == 3
    assert argvs(plans[2]) == [
        [
            *["lvcreate", "--yes", "--wipesignatures", "y", "--zero", "y"],
            *["--name", "data", "--size", f"{GIB}b", "vg_data", "/dev/md/data"],
        ],
        ["mkfs.ext4", "/dev/vg_data/data"],
    ]
    assert host.lv("vg_data", "data")["lv_size"] == GIB
    assert plan_of(spec, host)["steps"] == []


def test_whole_members_take_the_smallest_disk_and_a_replacement_keeps_the_size():
    spec = inputs(volume(member_size="whole", cache_device=..., cache_size=...))
    host = Host({D1: ("vdb", 4 * GIB), D2: ("vdc", 5 * GIB)})
    plan = plan_of(spec, host)
    # Last usable sector of 4 GiB: 8388574; from 2048 that is 4094.98 MiB, so 4094 MiB.
    end = 2048 + 4094 * 2048 - 1
    assert argvs(plan)[:2] == [
        ["sgdisk", "-o", "-n", f"1:2048:{end}", "-t", "1:FD00", "-c", "1:hn-data-md", D1],
        ["sgdisk", "-o", "-n", f"1:2048:{end}", "-t", "1:FD00", "-c", "1:hn-data-md", D2],
    ]
    host.converge(spec["volumes"])
    # D1 dies; a bigger disk D3 replaces it: its partition is as big as D2's, not bigger.
    replaced = inputs(
        volume(members=[D3, D2], member_size="whole", cache_device=..., cache_size=...)
    )
    fail_member(host, D1)
    host.add_disk(D3, "vde", 8 * GIB)
    plan = plan_of(replaced, host)
    assert argvs(plan)[0] == [
        "sgdisk", "-o", "-n", f"1:2048:{end}", "-t", "1:FD00", "-c", "1:hn-data-md", D3,
    ]  # fmt: skip


def test_4k_sector_disks_get_the_same_bytes():
    spec = inputs(volume(cache_device=..., cache_size=...))
    host = Host({})
    host.add_disk(D1, "sda", 4 * GIB, sector=4096)
    host.add_disk(D2, "sdb", 4 * GIB, sector=4096)
    # 1 MiB is sector 256; 3 GiB are 786432 sectors of 4096 bytes.
    assert argvs(plan_of(spec, host))[0] == [
        *["sgdisk", "-o", "-n", f"1:256:{256 + 786432 - 1}", "-t", "1:FD00"],
        *["-c", "1:hn-data-md", D1],
    ]


def test_a_default_lv_name_refused_by_lvm_says_where_it_comes_from():
    message = one_problem(volume(name="snapshot"))
    assert message.startswith(f"{V}[0].lv 'snapshot' (the default: the volume's name) is refused")


def test_a_member_too_small_names_the_variable_and_both_sizes():
    spec = inputs()
    host = fresh_host(**{D2: ("vdc", 3 * GIB)})
    [message] = plan_of(spec, host)["problems"]
    assert message.startswith(f"{V}[0].members[1] {D2} is too small for {V}[0].member_size")
    assert "3 GiB (3221225472 bytes)" in message
    # 3 GiB has 6291456 sectors; the last usable one is 6291456 - 34.
    assert "room for 3220160000 bytes from sector 2048" in message
    # 2048 sectors before, the partition, 32 sectors of backup entries and the backup header.
    assert f"a disk of at least {(2048 + 6291456 + 33) * 512} bytes is needed" in message


def test_a_missing_disk_is_a_problem_not_a_traceback():
    spec = inputs()
    host = fresh_host()
    host.disk(D2)["exists"] = False
    del host.facts["devices"][S1]
    found = plan_of(spec, host)["problems"]
    assert found[0].startswith(f"{V}[0].members[1] {D2} does not exist on this host")
    assert found[1].startswith(f"{V}[0].cache_device {S1}: the facts have no entry for it")


# ---------------------------------------------------------------------------------------------
# Intermediate states


def test_partitions_without_an_array_get_the_rest():
    spec = inputs()
    host = fresh_host()
    host.apply(plan_of(spec, host))
    plan = plan_of(spec, host)
    assert tools(plan) == ["mdadm", "udevadm", "pvcreate", "pvcreate", "vgcreate"]
    assert plan["pending"] == [
        {"volume": "data", "what": "create the logical volumes once vg_data can be read"}
    ]


def test_partitions_the_kernel_has_not_read_are_read_first():
    spec = inputs()
    host = fresh_host()
    plan = plan_of(spec, host)
    for argv in argvs(plan)[:3]:  # partitioned, but no udevadm settle
        host.run(argv)
    plan = plan_of(spec, host)
    assert argvs(plan) == [["partx", "--update", D1], ["udevadm", "settle"]]
    assert plan["pending"] == [{"volume": "data", "what": f"continue once {D1}-part1 can be read"}]


def _final(host):
    lvm = host.facts["lvm"]
    return (
        sorted((lv["vg_name"], lv["lv_name"], lv["segtype"], lv["lv_size"]) for lv in lvm["lvs"]),
        sorted((pv["realpath"], pv["pv_pe_alloc_count"]) for pv in lvm["pvs"]),
        {k: (fs["type"], fs["size"]) for k, fs in host.facts["filesystems"].items()},
    )


def test_a_run_interrupted_after_any_step_still_ends_in_the_same_volume():
    spec = inputs()
    reference = fresh_host()
    reference.converge(spec["volumes"])
    wanted = _final(reference)
    steps = list(reference.ran)
    for stop in range(len(steps)):
        host = fresh_host()
        for argv in steps[:stop]:
            host.run(argv)
        plans = host.converge(spec["volumes"])
        assert not plans[-1]["pending"], (stop, plans[-1])
        assert _final(host) == wanted, stop
        assert plan_of(spec, host)["steps"] == [], stop


def test_an_inactive_volume_is_activated_first():
    spec, host = built()
    for lv in host.facts["lvm"]["lvs"]:
        lv["active"] = False
    host.facts["filesystems"] = {}
    plan = plan_of(spec, host)
    assert argvs(plan) == [["vgchange", "--activate", "y", "vg_data"]]
    assert plan["pending"] == [{"volume": "data", "what": "continue once vg_data/data is active"}]


def test_an_lv_left_without_file_system_gets_one():
    spec, host = built()
    fs = host.facts["filesystems"]["/dev/vg_data/data"]
    fs.update(type=None, signatures=[], size=None)
    assert argvs(plan_of(spec, host)) == [["mkfs.ext4", "/dev/vg_data/data"]]


def test_a_reinstalled_host_assembles_its_array_instead_of_creating_one():
    spec, host = built()
    keep = copy.deepcopy(host.facts)
    # After a reinstall: same disks, nothing assembled yet, LVM not activated.
    host.facts["arrays"] = []
    host.facts["lvm"] = {"available": True, "pvs": [], "vgs": [], "lvs": []}
    host.facts["filesystems"] = {}
    for path in (D1, D2):
        host.part(path + "-part1")["holders"] = []
    plan = plan_of(spec, host)
    assert argvs(plan) == [
        ["mdadm", "--assemble", "/dev/md/data", "--run", D1 + "-part1", D2 + "-part1"],
        ["udevadm", "settle"],
    ]
    assert "mdadm" not in [a for argv in argvs(plan) for a in argv if a == "--create"]
    assert keep  # the model's LVM would come back with the array


# ---------------------------------------------------------------------------------------------
# Data that is not the role's


def _foreign_ext4(host, path):
    host.disk(path)["signatures"] = [
        {"type": "ext4", "offset": 1080, "uuid": "foreign-0c0ffee0", "label": "photos"}
    ]


def test_a_foreign_ext4_on_a_member_is_a_problem_without_wipe():
    spec = inputs()
    host = fresh_host()
    _foreign_ext4(host, D2)
    plan = plan_of(spec, host)
    [message] = plan["problems"]
    assert message.startswith(f"{V}[0].members[1] {D2} carries an ext4 signature (label photos")
    assert "never overwrites what it did not make" in message
    assert "add it to mdadm_lvmcache_wipe" in message
    assert plan["steps"] == [] and plan["pending"] == []


def test_a_foreign_member_and_a_too_small_one_are_both_reported():
    spec = inputs()
    host = fresh_host(**{D1: ("vdb", 3 * GIB)})
    _foreign_ext4(host, D2)
    problems = plan_of(spec, host)["problems"]
    assert [p.split(" ", 2)[:2] for p in problems] == [[f"{V}[0].members[1]", D2],
                                                       [f"{V}[0].members[0]", D1]]  # fmt: skip
    assert "carries an ext4 signature" in problems[0] and "is too small" in problems[1]


def test_a_foreign_ext4_on_a_member_listed_in_wipe_is_erased_first():
    spec = inputs(mdadm_lvmcache_wipe=[D2])
    host = fresh_host()
    _foreign_ext4(host, D2)
    plan = plan_of(spec, host)
    assert argvs(plan)[:3] == [
        ["wipefs", "--all", D2],
        ["sgdisk", "-o", "-n", "1:2048:6293503", "-t", "1:FD00", "-c", "1:hn-data-md", D1],
        ["sgdisk", "-o", "-n", "1:2048:6293503", "-t", "1:FD00", "-c", "1:hn-data-md", D2],
    ]
    host.apply(plan)
    assert not host.converge(spec["volumes"], spec["wipe"])[-1]["pending"]


def _foreign_table(host, path, name="EFI system", sigs=None):
    disk = host.disk(path)
    host.run(["sgdisk", "-o", "-n", "1:2048:206847", "-t", "1:EF00", "-c", f"1:{name}", path])
    host.run(["udevadm", "settle"])
    host.part(path + "-part1")["signatures"] = sigs or [
        {"type": "vfat", "offset": 82, "uuid": "foreign-ABCD-1234", "label": "EFI"}
    ]
    return disk


def test_a_foreign_partition_is_named_and_erased_with_its_disk_when_wiped():
    spec = inputs()
    host = fresh_host()
    _foreign_table(host, D1)
    [message] = plan_of(spec, host)["problems"]
    assert message.startswith(
        f"{V}[0].members[0] {D1} has partitions this role did not make: 1 'EFI system' with a "
        "vfat signature (label EFI"
    )
    spec = inputs(mdadm_lvmcache_wipe=[D1])
    plan = plan_of(spec, host)
    assert argvs(plan)[:3] == [
        ["wipefs", "--all", D1 + "-part1"],
        ["wipefs", "--all", D1],
        ["sgdisk", "-o", "-n", "1:2048:6293503", "-t", "1:FD00", "-c", "1:hn-data-md", D1],
    ]


@pytest.mark.parametrize("how", ["mounted", "held", "active pv"])
def test_a_wiped_disk_in_use_is_still_refused(how):
    spec = inputs(mdadm_lvmcache_wipe=[D1])
    host = fresh_host()
    _foreign_table(host, D1)
    part = host.part(D1 + "-part1")
    if how == "mounted":
        part["mountpoints"] = ["/boot/efi"]
    elif how == "held":
        part["holders"] = ["md0"]
    else:
        part["signatures"] = [{"type": "LVM2_member", "offset": 536, "uuid": "x", "label": None}]
        host.facts["lvm"]["pvs"].append(
            {"pv_name": "/dev/vdb1", "realpath": "/dev/vdb1", "vg_name": "vg0"}
        )
        host.facts["lvm"]["lvs"].append({"vg_name": "vg0", "lv_name": "root", "active": True})
    [message] = plan_of(spec, host)["problems"]
    assert message.startswith(f"{V}[0].members[0] {D1} has partitions this role did not make")
    assert "is listed in mdadm_lvmcache_wipe but in use" in message
    assert {"mounted": "mounted on /boot/efi", "held": "held by md0", "active pv": "VG vg0"}[
        how
    ] in message


def test_a_foreign_partition_named_like_ours_is_erased_only_when_wiped():
    spec = inputs()
    host = fresh_host()
    host.apply(plan_of(spec, host))
    host.part(D2 + "-part1")["signatures"] = [
        {"type": "xfs", "offset": 0, "uuid": "foreign-1", "label": None}
    ]
    [message] = plan_of(spec, host)["problems"]
    assert message.startswith(f"{V}[0].members[1] {D2}: partition 1 hn-data-md holds an xfs")
    spec = inputs(mdadm_lvmcache_wipe=[D2])
    plan = plan_of(spec, host)
    assert argvs(plan)[:2] == [["wipefs", "--all", D2 + "-part1"], ["mdadm", *argvs(plan)[1][1:]]]


def test_another_arrays_superblock_is_foreign():
    spec = inputs()
    host = fresh_host()
    host.apply(plan_of(spec, host))
    host.part(D1 + "-part1").update(
        signatures=[{"type": "linux_raid_member", "offset": 4096, "uuid": "x", "label": "o:old"}],
        md={"uuid": "aaaaaaaa:bbbbbbbb:cccccccc:dddddddd", "name": "old:backup"},
    )
    [message] = plan_of(spec, host)["problems"]
    assert "holds the md superblock of the array 'old:backup'" in message
    assert message.startswith(f"{V}[0].members[0] {D1}: partition 1 hn-data-md")


def test_a_foreign_array_on_the_members_or_a_foreign_file_system_on_the_array_is_refused():
    spec, host = built()
    host.array("/dev/md/data")["signatures"] = [
        {"type": "LVM2_member", "offset": 536, "uuid": "x", "label": None}
    ]
    host.pv("/dev/md/data")["vg_name"] = "vg_other"
    [message] = plan_of(spec, host)["problems"]
    assert message.startswith(f"{V}[0]: /dev/md/data is a physical volume of the volume group")
    spec, host = built()
    host.facts["filesystems"]["/dev/vg_data/data"]["type"] = "xfs"
    host.facts["filesystems"]["/dev/vg_data/data"]["signatures"] = [{"type": "xfs"}]
    [message] = plan_of(spec, host)["problems"]
    assert message.startswith(f"{V}[0].filesystem is ext4, but /dev/vg_data/data carries an xfs")


def test_an_existing_volume_group_of_that_name_elsewhere_is_refused():
    spec = inputs()
    host = fresh_host()
    host.facts["lvm"]["vgs"].append({"vg_name": "vg_data", "vg_extent_size": 4 * MIB})
    host.facts["lvm"]["pvs"].append(
        {"pv_name": "/dev/sda3", "realpath": "/dev/sda3", "vg_name": "vg_data"}
    )
    host.converge(spec["volumes"], rounds=1)
    found = plan_of(spec, host)["problems"]
    assert found[0] == (
        f"{V}[0].vg vg_data has the physical volume /dev/sda3, which is not part of this "
        f"volume: name another volume group with {V}[0].vg"
    )


FOREIGN = {"type": "ext4", "offset": 1080, "uuid": "foreign-0", "label": None}
ROLE_TOOLS = {"wipefs", "mkfs.ext4", "sgdisk", "pvcreate", "mdadm"}


def _targets(argv):
    """The devices a step writes to, as paths."""
    return [a for a in argv[1:] if a.startswith("/dev/")]


@given(
    where=st.lists(
        st.sampled_from(
            [D1, D2, S1, D1 + "-part1", D2 + "-part1", S1 + "-part1", "/dev/md/data", "lv"]
        ),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    wipe=st.sets(st.sampled_from([D1, D2, S1])),
    stage=st.integers(min_value=0, max_value=3),
)
def test_no_step_erases_or_formats_a_foreign_signature_unless_wiped(where, wipe, stage):
    spec = inputs(mdadm_lvmcache_wipe=sorted(wipe))
    host = fresh_host()
    for _round in range(stage):
        plan = plan_of(spec, host)
        host.apply(plan)
    foreign = set()
    for path in where:
        if path == "lv":
            fs = host.facts["filesystems"].get("/dev/vg_data/data")
            if fs is not None:
                fs.update(type="ext4", signatures=[FOREIGN], size=1)
                foreign.add("/dev/vg_data/data")
            continue
        try:
            device = host.device(path)
        except (AssertionError, KeyError, TypeError, StopIteration):
            continue
        device["signatures"] = [*device["signatures"], FOREIGN]
        foreign.add(path)
    plan = plan_of(spec, host)
    for argv in argvs(plan):
        if (
            argv[0] not in ("wipefs", "mkfs.ext4")
            and "--zap" not in argv
            and "--zap-all" not in argv
        ):
            continue
        for target in _targets(argv):
            disk = target.split("-part")[0]
            if target in foreign or disk in foreign:
                assert disk in wipe, (argv, foreign, wipe)
    # mkfs never runs on a volume that has a signature, whatever is wiped.
    assert ["mkfs.ext4", "/dev/vg_data/data"] not in argvs(plan) or (
        "/dev/vg_data/data" not in foreign
    )


# ---------------------------------------------------------------------------------------------
# Degraded arrays


def fail_member(host, disk):
    """The member partition of ``disk`` drops out of its array (the disk stays readable)."""
    part = host.part(disk + "-part1")
    for array in host.facts["arrays"]:
        if any(m["dev"] == part["realpath"] for m in array["members"]):
            array["members"] = [m for m in array["members"] if m["dev"] != part["realpath"]]
            array["degraded"] = 1
    part["holders"] = []


def test_a_member_that_dropped_out_is_re_added():
    spec, host = built()
    fail_member(host, D2)
    plan = plan_of(spec, host)
    assert argvs(plan) == [["mdadm", "/dev/md/data", "--re-add", D2 + "-part1"]]
    assert "degraded" in plan["summary"][0]
    host.apply(plan)
    assert plan_of(spec, host)["steps"] == []


def test_a_blank_member_partition_is_added():
    spec, host = built()
    fail_member(host, D2)
    host.run(["wipefs", "--all", D2 + "-part1"])
    assert argvs(plan_of(spec, host)) == [["mdadm", "/dev/md/data", "--add", D2 + "-part1"]]


def test_a_replaced_disk_is_partitioned_then_added():
    _spec, host = built()
    fail_member(host, D2)
    host.facts["devices"].pop(D2)
    host.add_disk(D3, "vde", 4 * GIB)
    replaced = inputs(volume(members=[D1, D3]))
    plans = host.converge(replaced["volumes"])
    assert argvs(plans[0]) == [
        ["sgdisk", "-o", "-n", "1:2048:6293503", "-t", "1:FD00", "-c", "1:hn-data-md", D3],
        ["udevadm", "settle"],
    ]
    assert plans[0]["pending"] == [
        {
            "volume": "data",
            "what": f"add {D3}-part1 to /dev/md/data once the new partition can be read",
        }
    ]
    assert argvs(plans[1]) == [["mdadm", "/dev/md/data", "--add", D3 + "-part1"]]
    assert plan_of(replaced, host)["steps"] == []


def test_a_faulty_member_or_a_stranger_in_the_array_is_a_problem():
    spec, host = built()
    host.array("/dev/md/data")["members"][1]["state"] = ["faulty"]
    [message] = plan_of(spec, host)["problems"]
    assert message.startswith(f"{V}[0].members[1] {D2}: /dev/vdc1 is faulty in /dev/md/data")
    spec, host = built()
    host.array("/dev/md/data")["members"].append({"dev": "/dev/sdz1", "state": ["in_sync"]})
    [message] = plan_of(spec, host)["problems"]
    assert message.startswith(f"{V}[0]: the array /dev/md/data has the member /dev/sdz1")


def test_a_third_member_is_not_a_reshape():
    _spec, host = built()
    host.add_disk(D3, "vde", 4 * GIB)
    three = inputs(volume(members=[D1, D2, D3]))
    [message] = plan_of(three, host)["problems"]
    assert "has 2 raid devices but" in message and "does not reshape" in message


# ---------------------------------------------------------------------------------------------
# Changes to a built volume


def test_growing_the_volume_extends_it_and_its_mounted_file_system():
    _spec, host = built(volume(lv_size=1 * GIB))
    host.mount("vg_data", "data", "/srv/data")
    grown = inputs(volume(lv_size=2 * GIB))
    plan = plan_of(grown, host)
    assert argvs(plan) == [
        ["lvextend", "--size", f"{2 * GIB}b", "vg_data/data", "/dev/md/data"],
        ["resize2fs", "/dev/vg_data/data"],
    ]
    host.apply(plan)
    assert plan_of(grown, host)["steps"] == []


def test_an_unmounted_file_system_is_checked_before_it_grows_and_a_lagging_one_catches_up():
    _spec, host = built(volume(lv_size=1 * GIB))
    grown = inputs(volume(lv_size=2 * GIB))
    plan = plan_of(grown, host)
    assert argvs(plan)[1][:2] == ["sh", "-ec"]
    assert "e2fsck -f -p" in argvs(plan)[1][2]
    host.run(argvs(plan)[0])  # lvextend done, resize2fs not
    assert tools(plan_of(grown, host)) == ["sh"]


def test_shrinking_is_refused():
    _spec, host = built(volume(lv_size=2 * GIB))
    [message] = plan_of(inputs(volume(lv_size=1 * GIB)), host)["problems"]
    assert message.startswith(f"{V}[0].lv_size 1 GiB (1073741824 bytes) is smaller than")
    assert "never shrinks" in message


def test_an_lv_size_rounded_up_by_lvm_is_not_a_shrink():
    spec, host = built(volume(lv_size=1 * GIB + MIB))
    assert host.lv("vg_data", "data")["lv_size"] == GIB + 4 * MIB
    assert plan_of(spec, host)["steps"] == []


def test_growing_beyond_the_array_is_a_problem():
    _spec, host = built(volume(lv_size=1 * GIB))
    [message] = plan_of(inputs(volume(lv_size=3 * GIB)), host)["problems"]
    assert message.startswith(f"{V}[0].lv_size 3 GiB (3221225472 bytes): vg_data/data needs")


def test_cache_mode_changes():
    spec, host = built()
    writeback = inputs(volume(cache_mode="writeback"))
    assert argvs(plan_of(writeback, host)) == [
        ["lvchange", "--cachemode", "writeback", "vg_data/data"]
    ]
    host.apply(plan_of(writeback, host))
    assert plan_of(writeback, host)["steps"] == []
    host.lv("vg_data", "data")["cache_dirty_blocks"] = 1234
    plan = plan_of(spec, host)
    assert argvs(plan)[0] == ["lvchange", "--cachemode", "writethrough", "vg_data/data"]
    wait = argvs(plan)[1]
    assert wait[:2] == ["sh", "-ec"] and "cache_dirty_blocks" in wait[2]
    assert wait[3:] == ["sh", "vg_data/data", "720"]
    host.run(argvs(plan)[0])  # switched, but the wait did not finish
    assert argvs(plan_of(spec, host)) == [wait]
    host.run(wait)
    assert plan_of(spec, host)["steps"] == []


def test_detach_and_reattach_keep_the_pool():
    spec, host = built(volume(cache_mode="writeback"))
    detached = inputs(volume(cache_mode="writeback", cache_attached=False))
    plan = plan_of(detached, host)
    assert argvs(plan) == [["lvconvert", "--yes", "--splitcache", "vg_data/data"]]
    host.apply(plan)
    assert host.lv("vg_data", "data_cache")["segtype"] == "cache-pool"
    assert plan_of(detached, host)["steps"] == []
    assert "cache pool data_cache detached" in plan_of(detached, host)["summary"][0]
    plan = plan_of(spec, host)
    assert argvs(plan) == [
        [
            "lvconvert",
            "--yes",
            "--type",
            "cache",
            "--cachepool",
            "vg_data/data_cache",
            "--cachemode",
            "writeback",
            "vg_data/data",
        ]
    ]
    host.apply(plan)
    assert plan_of(spec, host)["steps"] == []


def test_a_volume_created_detached_gets_its_pool_but_no_cache():
    _spec, host = built(volume(cache_attached=False))
    assert host.lv("vg_data", "data")["segtype"] == "linear"
    assert host.lv("vg_data", "data_cache")["segtype"] == "cache-pool"


def test_a_cache_added_later_to_a_volume_without_one():
    plain = inputs(volume(cache_device=..., cache_size=...))
    host = fresh_host()
    host.converge(plain["volumes"])
    spec = inputs()
    plans = host.converge(spec["volumes"])
    assert [tools(p) for p in plans] == [
        ["sgdisk", "udevadm"],
        ["pvcreate", "vgextend"],
        ["lvcreate", "lvcreate", "lvconvert", "lvconvert"],
    ]
    assert plan_of(spec, host)["steps"] == []


def test_a_cache_left_without_cache_device_is_a_problem():
    _spec, host = built()
    [message] = plan_of(inputs(volume(cache_device=..., cache_size=...)), host)["problems"]
    assert message.startswith(f"{V}[0].vg vg_data has the physical volume /dev/vdd1")


def test_a_different_chunk_size_is_not_silently_ignored():
    _spec, host = built()
    [message] = plan_of(inputs(volume(cache_chunk_size=128 * KIB)), host)["problems"]
    assert message.startswith(f"{V}[0].cache_chunk_size 128 KiB (131072 bytes) differs from")


# ---------------------------------------------------------------------------------------------
# Two volumes on one SSD


def test_two_volumes_share_an_ssd_in_volume_order():
    first = volume(cache_size=512 * MIB)
    second = volume(name="logs", members=[D3, D4], mount="/srv/logs", cache_size="whole")
    spec = inputs(first, second)
    host = fresh_host(**{D3: ("vde", 4 * GIB), D4: ("vdf", 4 * GIB)})
    plan = plan_of(spec, host)
    ssd = [argv for argv in argvs(plan) if argv[-1] == S1]
    # 512 MiB from sector 2048; "whole" from the next MiB to the last whole MiB of the 2 GiB SSD.
    assert ssd == [
        ["sgdisk", "-o", "-n", "1:2048:1050623", "-t", "1:8E00", "-c", "1:hn-data-cache", S1],
        ["sgdisk", "-n", "2:1050624:4192255", "-t", "2:8E00", "-c", "2:hn-logs-cache", S1],
    ]
    plans = host.converge(spec["volumes"])
    assert len(plans) == 3 and not plans[-1]["pending"]
    assert host.lv("vg_logs", "logs")["segtype"] == "cache"
    assert host.lv("vg_data", "data")["segtype"] == "cache"
    assert plan_of(spec, host)["steps"] == []


def test_a_third_volume_appends_to_a_shared_ssd_in_use():
    first = volume(cache_size=512 * MIB)
    _spec, host = built(first)
    second = volume(name="logs", members=[D3, D4], mount="/srv/logs", cache_size=512 * MIB)
    host.add_disk(D3, "vde", 4 * GIB)
    host.add_disk(D4, "vdf", 4 * GIB)
    both = inputs(first, second)
    plan = plan_of(both, host)
    ssd = [argv for argv in argvs(plan) if S1 in argv]
    assert ssd == [
        ["sgdisk", "-n", "2:1050624:2099199", "-t", "2:8E00", "-c", "2:hn-logs-cache", S1],
        ["partx", "--update", S1],
    ]


def test_an_ssd_holding_our_cache_and_a_foreign_partition_is_never_wiped():
    _spec, host = built(volume(cache_size=512 * MIB))
    host.run(["sgdisk", "-n", "2:1050624:2099199", "-t", "2:8300", "-c", "2:scratch", S1])
    wiped = inputs(volume(cache_size=512 * MIB), mdadm_lvmcache_wipe=[S1])
    [message] = plan_of(wiped, host)["problems"]
    assert message.startswith(f"{V}[0].cache_device {S1} has partitions this role did not make")


# ---------------------------------------------------------------------------------------------
# mdadm.conf


def test_mdadm_conf_lines_use_what_the_host_reports():
    spec, host = built()
    assert storage_mdadm_conf(spec["volumes"], host.snapshot()) == [
        f"ARRAY /dev/md/data metadata=1.2 UUID={host.array('/dev/md/data')['uuid']} name=st1:data"
    ]
    assert storage_mdadm_conf(spec["volumes"], fresh_host().snapshot()) == []


def test_mdadm_conf_finds_an_array_by_its_members():
    spec, host = built()
    array = host.array("/dev/md/data")
    array["links"] = ["/dev/md/data_0"]
    array["name"] = "oldhost:data"
    assert storage_mdadm_conf(spec["volumes"], host.snapshot()) == [
        f"ARRAY /dev/md/data metadata=1.2 UUID={array['uuid']} name=oldhost:data"
    ]


def test_plan_arguments_are_checked():
    spec = inputs()
    with pytest.raises(TypeError, match=r"facts must be what hobbynet\.infra\.block_facts"):
        storage_plan(spec["volumes"], {}, [])
    with pytest.raises(TypeError, match="not the inventory's"):
        storage_plan([volume()], fresh_host().snapshot(), [])
