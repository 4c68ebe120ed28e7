"""What block_facts reads: the parsers of wipefs, sfdisk, blkid, mdadm, LVM, dumpe2fs and /proc,
and the facts they make together, which storage_plan must read as the host they describe.

The fixtures are the tools' output on Debian 12 (util-linux 2.38.1, mdadm 4.2, lvm2 2.03.16,
e2fsprogs 1.47.0) for a host with a built volume "data": RAID1 of /dev/vdb1 and /dev/vdc1 (3 GiB
each, /dev/md127), cached by /dev/vdd1 (1 GiB), ext4 mounted on /srv/data.
"""

from __future__ import annotations

import os

import pytest
from ansible_collections.hobbynet.infra.plugins.module_utils._blockdev import (
    BlockFactsError,
    Reader,
    collect,
    md_detail,
    md_superblock,
    parse_devices,
    parse_dumpe2fs,
    parse_export,
    parse_lvm_report,
    parse_mountinfo,
    parse_sfdisk,
    parse_swaps,
    parse_wipefs,
    partition_number,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._storage import (
    storage_inputs,
    storage_mdadm_conf,
    storage_plan,
)

GIB = 1024**3
BY_ID = "/dev/disk/by-id/virtio-"
D1, D2, S1 = BY_ID + "d1", BY_ID + "d2", BY_ID + "s1"
MD_UUID = "3c3b1f8e:0c1d2e3f:4a5b6c7d:8e9f0a01"
SYS_VIRTIO = "/sys/devices/pci0000:00/0000:00:0"

WIPEFS_NONE = """{
   "signatures": [

   ]
}
"""

WIPEFS_GPT = """{
   "signatures": [
      {
         "device": "vdb",
         "offset": "0x200",
         "type": "gpt",
         "uuid": null,
         "label": null
      },{
         "device": "vdb",
         "offset": "0xfffffe00",
         "type": "gpt",
         "uuid": null,
         "label": null
      },{
         "device": "vdb",
         "offset": "0x1fe",
         "type": "PMBR",
         "uuid": null,
         "label": null
      }
   ]
}
"""

WIPEFS_EXT4 = """{
   "signatures": [
      {
         "device": "dm-2",
         "offset": "0x438",
         "type": "ext4",
         "uuid": "a0f66db9-eb85-4376-ba67-061ed140bfce",
         "label": null
      }
   ]
}
"""


def wipefs_one(device, offset, kind, uuid, label=None):
    label_json = f'"{label}"' if label else "null"
    return f"""{{
   "signatures": [
      {{
         "device": "{device}",
         "offset": "{offset}",
         "type": "{kind}",
         "uuid": "{uuid}",
         "label": {label_json}
      }}
   ]
}}
"""


WIPEFS_MD1 = wipefs_one(
    "vdb1", "0x1000", "linux_raid_member", "3c3b1f8e-0c1d-2e3f-4a5b-6c7d8e9f0a01", "st1:data"
)
WIPEFS_MD2 = WIPEFS_MD1.replace('"vdb1"', '"vdc1"')
WIPEFS_PV_MD = wipefs_one("md127", "0x218", "LVM2_member", "Qf7bC1-a6Kd-Vg0d-8yZr-4n1F-3xYp-aTq0z1")
WIPEFS_PV_SSD = wipefs_one("vdd1", "0x218", "LVM2_member", "mN2vX8-Lq4W-pR3e-K7uT-9aZs-1bCd-EfGh2j")


def sfdisk(device, kname, partitions, sectors=8388608):
    rows = ",".join(
        f"""{{
            "node": "/dev/{kname}{number}",
            "start": {start},
            "size": {size},
            "type": "{kind}",
            "uuid": "6F546312-5997-48D1-8EE1-61932D1E844{number}",
            "name": "{name}"
         }}"""
        for number, start, size, kind, name in partitions
    )
    return f"""{{
   "partitiontable": {{
      "label": "gpt",
      "id": "F5E51D6C-AB5B-41EB-B1F9-5031DB0D501{kname[-1]}",
      "device": "{device}",
      "unit": "sectors",
      "firstlba": 34,
      "lastlba": {sectors - 34},
      "sectorsize": 512,
      "partitions": [
         {rows}
      ]
   }}
}}
"""


RAID = "A19D880F-05FC-4D3B-A006-743F0F84911E"
LVM = "E6D6D379-F507-44C2-A23C-238F2A3DF928"
SFDISK_D1 = sfdisk("/dev/vdb", "vdb", [(1, 2048, 6291456, RAID, "hn-data-md")])
SFDISK_D2 = sfdisk("/dev/vdc", "vdc", [(1, 2048, 6291456, RAID, "hn-data-md")])
SFDISK_S1 = sfdisk("/dev/vdd", "vdd", [(1, 2048, 2097152, LVM, "hn-data-cache")], 4194304)

SFDISK_EMPTY_GPT = """{
   "partitiontable": {
      "label": "gpt",
      "id": "12A84451-364C-4EDF-A585-02A32DE1E1D2",
      "device": "/dev/vde",
      "unit": "sectors",
      "firstlba": 34,
      "lastlba": 8388574,
      "sectorsize": 512
   }
}
"""

BLKID_MD1 = """DEVNAME=/dev/vdb1
UUID=3c3b1f8e-0c1d-2e3f-4a5b-6c7d8e9f0a01
UUID_SUB=5d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6
LABEL=st1:data
VERSION=1.2
TYPE=linux_raid_member
USAGE=raid
PART_ENTRY_SCHEME=gpt
PART_ENTRY_NAME=hn-data-md
PART_ENTRY_UUID=6f546312-5997-48d1-8ee1-61932d1e8441
PART_ENTRY_TYPE=a19d880f-05fc-4d3b-a006-743f0f84911e
PART_ENTRY_NUMBER=1
PART_ENTRY_OFFSET=2048
PART_ENTRY_SIZE=6291456
PART_ENTRY_DISK=254:16
"""

BLKID_PV_SSD = """DEVNAME=/dev/vdd1
UUID=mN2vX8-Lq4W-pR3e-K7uT-9aZs-1bCd-EfGh2j
VERSION=LVM2 001
TYPE=LVM2_member
USAGE=raid
PART_ENTRY_SCHEME=gpt
PART_ENTRY_NAME=hn-data-cache
PART_ENTRY_UUID=6f546312-5997-48d1-8ee1-61932d1e8441
PART_ENTRY_TYPE=e6d6d379-f507-44c2-a23c-238f2a3df928
PART_ENTRY_NUMBER=1
PART_ENTRY_OFFSET=2048
PART_ENTRY_SIZE=2097152
PART_ENTRY_DISK=254:48
"""

BLKID_EXT4 = """DEVNAME=/dev/dm-2
UUID=a0f66db9-eb85-4376-ba67-061ed140bfce
VERSION=1.0
BLOCK_SIZE=4096
TYPE=ext4
USAGE=filesystem
"""


def examine(dev_uuid, events=18):
    return f"""MD_LEVEL=raid1
MD_DEVICES=2
MD_NAME=st1:data
MD_ARRAY_SIZE=3.22GB
MD_UUID={MD_UUID}
MD_UPDATE_TIME=1701950000
MD_DEV_UUID={dev_uuid}
MD_EVENTS={events}
"""


MDADM_DETAIL = f"""MD_LEVEL=raid1
MD_DEVICES=2
MD_METADATA=1.2
MD_UUID={MD_UUID}
MD_DEVNAME=data
MD_NAME=st1:data
MD_DEVICE_dev_vdb1_ROLE=0
MD_DEVICE_dev_vdb1_DEV=/dev/vdb1
MD_DEVICE_dev_vdc1_ROLE=1
MD_DEVICE_dev_vdc1_DEV=/dev/vdc1
"""

PVS = """  {
      "report": [
          {
              "pv": [
                  {"pv_name":"/dev/md127", "vg_name":"vg_data", "pv_uuid":"Qf7bC1-a6Kd-Vg0d-8yZr-4n1F-3xYp-aTq0z1", "pv_size":"3217031168", "pv_free":"0", "dev_size":"3219128320", "pe_start":"1048576", "pv_pe_count":"767", "pv_pe_alloc_count":"767", "pv_attr":"a--", "pv_missing":""},
                  {"pv_name":"/dev/vda3", "vg_name":"vg0", "pv_uuid":"Zz9yX8-Ww7v-Uu6t-Ss5r-Qq4p-Oo3n-Mm2l1k", "pv_size":"20396900352", "pv_free":"4194304", "dev_size":"20400046080", "pe_start":"1048576", "pv_pe_count":"4863", "pv_pe_alloc_count":"4862", "pv_attr":"a--", "pv_missing":""},
                  {"pv_name":"/dev/vdd1", "vg_name":"vg_data", "pv_uuid":"mN2vX8-Lq4W-pR3e-K7uT-9aZs-1bCd-EfGh2j", "pv_size":"1069547520", "pv_free":"0", "dev_size":"1073741824", "pe_start":"1048576", "pv_pe_count":"255", "pv_pe_alloc_count":"255", "pv_attr":"a--", "pv_missing":""}
              ]
          }
      ]
  }
"""  # noqa: E501

VGS = """  {
      "report": [
          {
              "vg": [
                  {"vg_name":"vg0", "vg_uuid":"hG5fD4-sA3a-Zx2c-Vb1n-Mq0w-Er9t-Yu8i7o", "vg_attr":"wz--n-", "vg_size":"20396900352", "vg_free":"4194304", "vg_extent_size":"4194304", "vg_extent_count":"4863", "vg_free_count":"1", "pv_count":"1", "lv_count":"2"},
                  {"vg_name":"vg_data", "vg_uuid":"pL6kJ5-hG4f-Ds3a-Qw2e-Rt1y-Ui0o-Pa9s8d", "vg_attr":"wz--n-", "vg_size":"4286578688", "vg_free":"0", "vg_extent_size":"4194304", "vg_extent_count":"1022", "vg_free_count":"0", "pv_count":"2", "lv_count":"1"}
              ]
          }
      ]
  }
"""  # noqa: E501

LVS = """  {
      "report": [
          {
              "lv": [
                  {"lv_name":"root", "vg_name":"vg0", "lv_uuid":"aB1cD2-eF3g-hI4j-kL5m-nO6p-qR7s-tU8v9w", "lv_attr":"-wi-ao----", "lv_size":"19327352832", "lv_path":"/dev/vg0/root", "segtype":"linear", "pool_lv":"", "origin":"", "data_lv":"", "metadata_lv":"", "cache_mode":"", "chunk_size":"0", "cache_dirty_blocks":"", "devices":"/dev/vda3(0)"},
                  {"lv_name":"swap", "vg_name":"vg0", "lv_uuid":"xY1zA2-bC3d-eF4g-hI5j-kL6m-nO7p-qR8s9t", "lv_attr":"-wi-ao----", "lv_size":"1065353216", "lv_path":"/dev/vg0/swap", "segtype":"linear", "pool_lv":"", "origin":"", "data_lv":"", "metadata_lv":"", "cache_mode":"", "chunk_size":"0", "cache_dirty_blocks":"", "devices":"/dev/vda3(4608)"},
                  {"lv_name":"swap", "vg_name":"vg0", "lv_uuid":"xY1zA2-bC3d-eF4g-hI5j-kL6m-nO7p-qR8s9t", "lv_attr":"-wi-ao----", "lv_size":"1065353216", "lv_path":"/dev/vg0/swap", "segtype":"linear", "pool_lv":"", "origin":"", "data_lv":"", "metadata_lv":"", "cache_mode":"", "chunk_size":"0", "cache_dirty_blocks":"", "devices":"/dev/vda3(4862)"},
                  {"lv_name":"data", "vg_name":"vg_data", "lv_uuid":"Lm3nO4-pQ5r-sT6u-vW7x-yZ8a-bC9d-eF0g1h", "lv_attr":"Cwi-aoC---", "lv_size":"3217031168", "lv_path":"/dev/vg_data/data", "segtype":"cache", "pool_lv":"[data_cache_cpool]", "origin":"[data_corig]", "data_lv":"", "metadata_lv":"", "cache_mode":"writethrough", "chunk_size":"65536", "cache_dirty_blocks":"0", "devices":"data_corig(0)"},
                  {"lv_name":"[data_cache_cpool]", "vg_name":"vg_data", "lv_uuid":"Cd2eF3-gH4i-jK5l-mN6o-pQ7r-sT8u-vW9x0y", "lv_attr":"Cwi---C---", "lv_size":"935329792", "lv_path":"", "segtype":"cache-pool", "pool_lv":"", "origin":"", "data_lv":"[data_cache_cpool_cdata]", "metadata_lv":"[data_cache_cpool_cmeta]", "cache_mode":"writethrough", "chunk_size":"65536", "cache_dirty_blocks":"", "devices":"data_cache_cpool_cdata(0)"},
                  {"lv_name":"[data_cache_cpool_cdata]", "vg_name":"vg_data", "lv_uuid":"Ef4gH5-iJ6k-lM7n-oP8q-rS9t-uV0w-xY1z2a", "lv_attr":"Cwi-ao----", "lv_size":"935329792", "lv_path":"", "segtype":"linear", "pool_lv":"", "origin":"", "data_lv":"", "metadata_lv":"", "cache_mode":"", "chunk_size":"0", "cache_dirty_blocks":"", "devices":"/dev/vdd1(16)"},
                  {"lv_name":"[data_cache_cpool_cmeta]", "vg_name":"vg_data", "lv_uuid":"Gh6iJ7-kL8m-nO9p-qR0s-tU1v-wX2y-zA3b4c", "lv_attr":"ewi-ao----", "lv_size":"67108864", "lv_path":"", "segtype":"linear", "pool_lv":"", "origin":"", "data_lv":"", "metadata_lv":"", "cache_mode":"", "chunk_size":"0", "cache_dirty_blocks":"", "devices":"/dev/vdd1(0)"},
                  {"lv_name":"[data_corig]", "vg_name":"vg_data", "lv_uuid":"Ij8kL9-mN0o-pQ1r-sT2u-vW3x-yZ4a-bC5d6e", "lv_attr":"owi-aoC---", "lv_size":"3217031168", "lv_path":"", "segtype":"linear", "pool_lv":"", "origin":"", "data_lv":"", "metadata_lv":"", "cache_mode":"", "chunk_size":"0", "cache_dirty_blocks":"", "devices":"/dev/md127(0)"},
                  {"lv_name":"[lvol0_pmspare]", "vg_name":"vg_data", "lv_uuid":"Kl0mN1-oP2q-rS3t-uV4w-xY5z-aB6c-dE7f8g", "lv_attr":"ewi-------", "lv_size":"67108864", "lv_path":"", "segtype":"linear", "pool_lv":"", "origin":"", "data_lv":"", "metadata_lv":"", "cache_mode":"", "chunk_size":"0", "cache_dirty_blocks":"", "devices":"/dev/vdd1(239)"}
              ]
          }
      ]
  }
"""  # noqa: E501

DUMPE2FS = """dumpe2fs 1.47.0 (5-Feb-2023)
Filesystem volume name:   <none>
Last mounted on:          /srv/data
Filesystem UUID:          a0f66db9-eb85-4376-ba67-061ed140bfce
Filesystem magic number:  0xEF53
Filesystem revision #:    1 (dynamic)
Filesystem features:      has_journal ext_attr resize_inode dir_index filetype needs_recovery extent 64bit flex_bg sparse_super large_file huge_file dir_nlink extra_isize metadata_csum
Filesystem flags:         signed_directory_hash
Default mount options:    user_xattr acl
Filesystem state:         clean
Errors behavior:          Continue
Filesystem OS type:       Linux
Inode count:              196608
Block count:              785408
Reserved block count:     39270
Overhead clusters:        29022
Free blocks:              756378
Free inodes:              196597
First block:              0
Block size:               4096
Fragment size:            4096
Group descriptor size:    64
Reserved GDT blocks:      191
Blocks per group:         32768
Inode size:	          256
Journal backup:           inode blocks
Total journal size:       64M
"""  # noqa: E501

MOUNTINFO = r"""22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro
25 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
45 22 253:2 / /srv/data rw,relatime shared:28 - ext4 /dev/mapper/vg_data-data rw
46 22 253:0 / /srv/my\040files rw,relatime shared:29 - ext4 /dev/mapper/vg0-root rw
"""

SWAPS = """Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
/dev/dm-1                               partition\t1040380\t\t0\t\t-2
"""


# ---------------------------------------------------------------------------------------------
# Parsers


def test_wipefs_signatures():
    assert parse_wipefs(WIPEFS_NONE) == []
    assert parse_wipefs("") == []
    assert parse_wipefs(WIPEFS_GPT) == [
        {"type": "gpt", "offset": 512, "uuid": None, "label": None},
        {"type": "gpt", "offset": 4294966784, "uuid": None, "label": None},
        {"type": "PMBR", "offset": 510, "uuid": None, "label": None},
    ]
    assert parse_wipefs(WIPEFS_MD1) == [
        {
            "type": "linux_raid_member",
            "offset": 4096,
            "uuid": "3c3b1f8e-0c1d-2e3f-4a5b-6c7d8e9f0a01",
            "label": "st1:data",
        }
    ]


def test_sfdisk_table():
    table = parse_sfdisk(SFDISK_D1)
    assert {k: table[k] for k in ("label", "first_lba", "last_lba", "sector_size")} == {
        "label": "gpt",
        "first_lba": 34,
        "last_lba": 8388574,
        "sector_size": 512,
    }
    [part] = table["partitions"]
    assert part == {
        "node": "/dev/vdb1",
        "number": 1,
        "start": 2048,
        "size": 6291456,
        "type": RAID,
        "uuid": "6F546312-5997-48D1-8EE1-61932D1E8441",
        "name": "hn-data-md",
    }
    assert parse_sfdisk(SFDISK_EMPTY_GPT)["partitions"] == []


@pytest.mark.parametrize(
    ("node", "number"),
    [("/dev/vdb1", 1), ("/dev/nvme0n1p12", 12), (BY_ID + "x-part3", 3), ("/dev/md127p2", 2)],
)
def test_partition_numbers_come_from_the_node(node, number):
    assert partition_number(node) == number


def test_partition_number_of_a_nonsense_node():
    with pytest.raises(ValueError, match="cannot tell the partition number"):
        partition_number("/dev/vdb")


def test_export_and_md_superblocks():
    assert parse_export(BLKID_MD1)["PART_ENTRY_NAME"] == "hn-data-md"
    assert parse_export("mdadm: No md superblock detected on /dev/vdb1.\n") == {}
    assert md_superblock(parse_export(examine("aa:bb:cc:dd"))) == {
        "uuid": MD_UUID,
        "name": "st1:data",
        "level": "raid1",
        "devices": 2,
        "dev_uuid": "aa:bb:cc:dd",
        "events": 18,
    }
    assert md_superblock({}) is None
    assert md_detail(parse_export(MDADM_DETAIL)) == {
        "uuid": MD_UUID,
        "name": "st1:data",
        "level": "raid1",
        "raid_devices": 2,
        "metadata": "1.2",
        "devname": "data",
        "devices": {"/dev/vdb1": "0", "/dev/vdc1": "1"},
    }


def test_lvm_reports():
    pvs = parse_lvm_report(PVS, "pv")
    assert pvs[0]["pv_pe_count"] == 767 and pvs[0]["pe_start"] == 1048576
    assert pvs[0]["pv_missing"] is False
    vgs = parse_lvm_report(VGS, "vg")
    assert vgs[1]["vg_extent_size"] == 4 * 1024**2
    lvs = parse_lvm_report(LVS, "lv")
    names = [(lv["lv_name"], lv["hidden"]) for lv in lvs]
    assert names == [
        ("root", False),
        ("swap", False),
        ("data", False),
        ("data_cache_cpool", True),
        ("data_cache_cpool_cdata", True),
        ("data_cache_cpool_cmeta", True),
        ("data_corig", True),
        ("lvol0_pmspare", True),
    ]
    swap = lvs[1]
    assert swap["devices"] == [
        {"device": "/dev/vda3", "start": 4608},
        {"device": "/dev/vda3", "start": 4862},
    ]
    data = lvs[2]
    assert (data["segtype"], data["pool_lv"], data["origin"]) == (
        "cache",
        "data_cache_cpool",
        "data_corig",
    )
    assert (data["cache_mode"], data["chunk_size"], data["cache_dirty_blocks"]) == (
        "writethrough",
        65536,
        0,
    )
    assert data["active"] is True and lvs[7]["active"] is False
    assert lvs[0]["cache_dirty_blocks"] is None


def test_lvm_json_std_lists_and_numbers():
    text = (
        '{"report": [{"lv": [{"lv_name": "x", "vg_name": "v", "lv_size": 4194304, '
        '"devices": ["/dev/md127(0)", "/dev/md127(10)"], "lv_attr": "-wi-a-----"}]}]}'
    )
    [lv] = parse_lvm_report(text, "lv")
    assert lv["lv_size"] == 4194304
    assert [d["start"] for d in lv["devices"]] == [0, 10]
    assert parse_devices("") == []


def test_dumpe2fs_mountinfo_swaps():
    assert parse_dumpe2fs(DUMPE2FS) == 785408 * 4096 == 3217031168
    assert parse_dumpe2fs("dumpe2fs: Bad magic number in super-block") is None
    assert parse_mountinfo(MOUNTINFO) == {
        "254:1": ["/"],
        "0:22": ["/proc"],
        "253:2": ["/srv/data"],
        "253:0": ["/srv/my files"],
    }
    assert parse_swaps(SWAPS) == ["/dev/dm-1"]


# ---------------------------------------------------------------------------------------------
# Collecting from a host


class FakeHost(Reader):
    """Commands, files, links and device numbers of a host, from the fixtures."""

    def __init__(self, commands, files, links, rdevs, tools=None, dirs=None):
        self.commands = commands
        self.files = files
        self.links = links
        self.rdevs = rdevs
        self.tools = tools or {"wipefs", "blkid", "sfdisk", "mdadm", "lvm", "dumpe2fs"}
        self.dirs = dirs or {}
        self.ran = []

    def run(self, argv):
        key = tuple(argv)
        self.ran.append(key)
        if key not in self.commands:
            raise AssertionError(f"unexpected command {argv}")
        return self.commands[key]

    def read(self, path):
        return self.files.get(path)

    def listdir(self, path):
        return sorted(self.dirs.get(path, []))

    def realpath(self, path):
        return self.links.get(path, path)

    def exists(self, path):
        return path in self.links or path in self.files or path in self.dirs

    def rdev(self, path):
        return self.rdevs.get(self.realpath(path))

    def which(self, tool):
        return f"/usr/sbin/{tool}" if tool in self.tools else None


def ok(out=""):
    return (0, out, "")


def built_host(**changes):
    """The host of the module docstring: volume data built, mounted, swap on vg0/swap."""
    commands = {
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/vdb"): ok(WIPEFS_GPT),
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/vdc"): ok(WIPEFS_GPT),
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/vdd"): ok(WIPEFS_GPT),
        ("/usr/sbin/sfdisk", "--json", "/dev/vdb"): ok(SFDISK_D1),
        ("/usr/sbin/sfdisk", "--json", "/dev/vdc"): ok(SFDISK_D2),
        ("/usr/sbin/sfdisk", "--json", "/dev/vdd"): ok(SFDISK_S1),
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/vdb1"): ok(WIPEFS_MD1),
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/vdc1"): ok(WIPEFS_MD2),
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/vdd1"): ok(WIPEFS_PV_SSD),
        ("/usr/sbin/blkid", "-p", "-o", "export", "/dev/vdb1"): ok(BLKID_MD1),
        ("/usr/sbin/blkid", "-p", "-o", "export", "/dev/vdc1"): ok(BLKID_MD1),
        ("/usr/sbin/blkid", "-p", "-o", "export", "/dev/vdd1"): ok(BLKID_PV_SSD),
        ("/usr/sbin/mdadm", "--examine", "--export", "/dev/vdb1"): ok(examine("11:22:33:44")),
        ("/usr/sbin/mdadm", "--examine", "--export", "/dev/vdc1"): ok(examine("55:66:77:88")),
        ("/usr/sbin/mdadm", "--detail", "--export", "/dev/md127"): ok(MDADM_DETAIL),
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/md127"): ok(WIPEFS_PV_MD),
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/dm-0"): ok(WIPEFS_EXT4),
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/dm-1"): ok(WIPEFS_NONE),
        ("/usr/sbin/wipefs", "--json", "--no-act", "/dev/dm-2"): ok(WIPEFS_EXT4),
        ("/usr/sbin/blkid", "-p", "-o", "export", "/dev/dm-0"): ok(BLKID_EXT4),
        ("/usr/sbin/blkid", "-p", "-o", "export", "/dev/dm-1"): ok("TYPE=swap\n"),
        ("/usr/sbin/blkid", "-p", "-o", "export", "/dev/dm-2"): ok(BLKID_EXT4),
        ("/usr/sbin/dumpe2fs", "-h", "/dev/dm-0"): ok(DUMPE2FS),
        ("/usr/sbin/dumpe2fs", "-h", "/dev/dm-2"): ok(DUMPE2FS),
    }
    base = ("--reportformat", "json", "--units", "b", "--nosuffix", "-o")
    pv_fields = (
        "pv_name,vg_name,pv_uuid,pv_size,pv_free,dev_size,pe_start,pv_pe_count,"
        "pv_pe_alloc_count,pv_attr,pv_missing"
    )
    vg_fields = (
        "vg_name,vg_uuid,vg_attr,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count,"
        "pv_count,lv_count"
    )
    lv_fields = (
        "lv_name,vg_name,lv_uuid,lv_attr,lv_size,lv_path,segtype,pool_lv,origin,data_lv,"
        "metadata_lv,cache_mode,chunk_size,cache_dirty_blocks,devices"
    )
    commands[("/usr/sbin/lvm", "pvs", *base, pv_fields)] = ok(PVS)
    commands[("/usr/sbin/lvm", "vgs", *base, vg_fields)] = ok(VGS)
    commands[("/usr/sbin/lvm", "lvs", "-a", *base, lv_fields)] = ok(LVS)
    links = {
        D1: "/dev/vdb",
        D2: "/dev/vdc",
        S1: "/dev/vdd",
        D1 + "-part1": "/dev/vdb1",
        D2 + "-part1": "/dev/vdc1",
        S1 + "-part1": "/dev/vdd1",
        "/dev/md/data": "/dev/md127",
        "/sys/block/md127/md/dev-vdb1/block": SYS_VIRTIO + "5.0/virtio2/block/vdb/vdb1",
        "/sys/block/md127/md/dev-vdc1/block": SYS_VIRTIO + "6.0/virtio3/block/vdc/vdc1",
        "/dev/vg0/root": "/dev/dm-0",
        "/dev/vg0/swap": "/dev/dm-1",
        "/dev/vg_data/data": "/dev/dm-2",
    }  # fmt: skip
    files = {
        "/proc/self/mountinfo": MOUNTINFO,
        "/proc/swaps": SWAPS,
        "/sys/class/block/vdb/size": "8388608",
        "/sys/class/block/vdc/size": "8388608",
        "/sys/class/block/vdd/size": "4194304",
        "/sys/class/block/vdb/queue/logical_block_size": "512",
        "/sys/class/block/vdc/queue/logical_block_size": "512",
        "/sys/class/block/vdd/queue/logical_block_size": "512",
        "/sys/block/md127/size": "6287360",
        "/sys/block/md127/md/level": "raid1",
        "/sys/block/md127/md/raid_disks": "2",
        "/sys/block/md127/md/array_state": "clean",
        "/sys/block/md127/md/degraded": "0",
        "/sys/block/md127/md/sync_action": "idle",
        "/sys/block/md127/md/sync_completed": "none",
        "/sys/block/md127/md/dev-vdb1/slot": "0",
        "/sys/block/md127/md/dev-vdb1/state": "in_sync",
        "/sys/block/md127/md/dev-vdc1/slot": "1",
        "/sys/block/md127/md/dev-vdc1/state": "in_sync",
    }
    dirs = {
        "/dev/md": ["data"],
        "/sys/block": ["dm-0", "dm-1", "dm-2", "md127", "vda", "vdb", "vdc", "vdd"],
        "/sys/block/md127/md": [
            "array_state",
            "bitmap",
            "degraded",
            "dev-vdb1",
            "dev-vdc1",
            "level",
            "raid_disks",
            "rd0",
            "rd1",
            "sync_action",
            "sync_completed",
        ],
        "/sys/class/block/vdb1/holders": ["md127"],
        "/sys/class/block/vdc1/holders": ["md127"],
        "/sys/class/block/vdd1/holders": ["dm-3", "dm-4"],
        "/sys/class/block/md127/holders": ["dm-5"],
        "/sys/class/block/dm-2/holders": [],
    }
    rdevs = {
        "/dev/dm-0": "253:0",
        "/dev/dm-1": "253:1",
        "/dev/dm-2": "253:2",
        "/dev/vdb": "254:16",
        "/dev/md127": "9:127",
    }
    host = FakeHost(commands, files, links, rdevs, dirs=dirs)
    for key, value in changes.items():
        setattr(host, key, value)
    return host


def volumes():
    spec = storage_inputs(
        {
            "mdadm_lvmcache_volumes": [
                {
                    "name": "data",
                    "members": [D1, D2],
                    "member_size": 3 * GIB,
                    "cache_device": S1,
                    "cache_size": 1 * GIB,
                    "mount": "/srv/data",
                }
            ]
        },
        "st1",
    )
    return spec


def test_collect_reads_a_built_host():
    facts = collect([D1, D2, S1], built_host())
    assert facts["missing_tools"] == []
    d1 = facts["devices"][D1]
    assert (d1["exists"], d1["realpath"], d1["size"], d1["logical_sector_size"]) == (
        True,
        "/dev/vdb",
        4 * GIB,
        512,
    )
    assert [s["type"] for s in d1["signatures"]] == ["gpt", "gpt", "PMBR"]
    [part] = d1["table"]["partitions"]
    assert part["path"] == D1 + "-part1" and part["present"] is True
    assert (part["realpath"], part["kname"], part["bytes"]) == ("/dev/vdb1", "vdb1", 3 * GIB)
    assert part["md"]["uuid"] == MD_UUID and part["holders"] == ["md127"]
    assert part["blkid"]["TYPE"] == "linux_raid_member"
    [array] = facts["arrays"]
    assert array["links"] == ["/dev/md/data"]
    assert (array["uuid"], array["name"], array["metadata"]) == (MD_UUID, "st1:data", "1.2")
    assert array["members"] == [
        {"dev": "/dev/vdb1", "kname": "vdb1", "slot": "0", "state": ["in_sync"]},
        {"dev": "/dev/vdc1", "kname": "vdc1", "slot": "1", "state": ["in_sync"]},
    ]
    assert array["size"] == 6287360 * 512
    assert [s["type"] for s in array["signatures"]] == ["LVM2_member"]
    pv = next(pv for pv in facts["lvm"]["pvs"] if pv["pv_name"] == "/dev/md127")
    assert pv["realpath"] == "/dev/md127"
    fs = facts["filesystems"]["/dev/vg_data/data"]
    assert (fs["type"], fs["size"], fs["mountpoints"]) == ("ext4", 3217031168, ["/srv/data"])
    assert facts["filesystems"]["/dev/vg0/swap"]["mountpoints"] == ["[SWAP]"]
    assert "/dev/vg_data/data_corig" not in facts["filesystems"]


def test_a_built_host_read_by_the_module_needs_no_step():
    spec = volumes()
    facts = collect(spec["devices"], built_host())
    plan = storage_plan(spec["volumes"], facts, spec["wipe"])
    assert plan["problems"] == [] and plan["pending"] == []
    assert plan["steps"] == []
    assert plan["summary"] == [
        "data: array /dev/md/data clean, 2/2 members; LV /dev/vg_data/data 3068 MiB "
        "(3217031168 bytes); cache writethrough attached (data_cache_cpool); ext4 (/srv/data)"
    ]
    assert storage_mdadm_conf(spec["volumes"], facts) == [
        f"ARRAY /dev/md/data metadata=1.2 UUID={MD_UUID} name=st1:data"
    ]


def test_the_module_reads_a_member_that_dropped_out_for_a_re_add():
    host = built_host()
    host.dirs["/sys/block/md127/md"].remove("dev-vdc1")
    host.dirs["/sys/class/block/vdc1/holders"] = []
    host.files["/sys/block/md127/md/degraded"] = "1"
    host.files["/sys/block/md127/md/array_state"] = "active"
    spec = volumes()
    plan = storage_plan(spec["volumes"], collect(spec["devices"], host), spec["wipe"])
    assert [s["argv"] for s in plan["steps"]] == [
        ["mdadm", "/dev/md/data", "--re-add", D2 + "-part1"]
    ]


def test_blank_disks_read_by_the_module_get_partitions():
    blank = {
        ("/usr/sbin/wipefs", "--json", "--no-act", f"/dev/{k}"): ok(WIPEFS_NONE)
        for k in ("vdb", "vdc", "vdd")
    }
    empty = '  {\n      "report": [\n          {\n              "KIND": [\n              ]\n'
    empty += "          }\n      ]\n  }\n"
    host = built_host()
    host.commands.update(blank)
    for key in list(host.commands):
        if key[:2] == ("/usr/sbin/lvm", "pvs"):
            host.commands[key] = ok(empty.replace("KIND", "pv"))
        elif key[:2] == ("/usr/sbin/lvm", "vgs"):
            host.commands[key] = ok(empty.replace("KIND", "vg"))
        elif key[:2] == ("/usr/sbin/lvm", "lvs"):
            host.commands[key] = ok(empty.replace("KIND", "lv"))
    host.dirs["/sys/block"] = ["vda", "vdb", "vdc", "vdd"]
    host.dirs["/dev/md"] = []
    spec = volumes()
    facts = collect(spec["devices"], host)
    assert facts["devices"][D1]["table"] is None and facts["arrays"] == []
    assert facts["filesystems"] == {}
    plan = storage_plan(spec["volumes"], facts, spec["wipe"])
    assert [s["argv"][0] for s in plan["steps"]] == ["sgdisk", "sgdisk", "sgdisk", "udevadm"]
    assert not any(argv[1] == "sfdisk" for argv in map(list, host.ran) if len(argv) > 1)


def test_a_missing_device_is_reported_not_raised():
    host = built_host()
    del host.links[D2]
    spec = volumes()
    facts = collect(spec["devices"], host)
    assert facts["devices"][D2]["exists"] is False
    [problem] = storage_plan(spec["volumes"], facts, spec["wipe"])["problems"]
    assert problem.startswith(f"mdadm_lvmcache_volumes[0].members[1] {D2} does not exist")


def test_a_path_that_is_no_block_device():
    host = built_host()
    del host.files["/sys/class/block/vdc/size"]
    spec = volumes()
    facts = collect(spec["devices"], host)
    assert facts["devices"][D2]["table_error"] == "/dev/vdc is not a block device"
    [problem] = storage_plan(spec["volumes"], facts, spec["wipe"])["problems"]
    assert problem == (
        f"mdadm_lvmcache_volumes[0].members[1] {D2} cannot be read as a disk (/dev/vdc is not "
        "a block device)"
    )


def test_missing_optional_tools_are_listed_and_the_plan_stays_careful():
    host = built_host(tools={"wipefs", "blkid"})
    spec = volumes()
    facts = collect(spec["devices"], host)
    assert facts["missing_tools"] == ["dumpe2fs", "lvm", "mdadm", "sfdisk"]
    assert facts["lvm"] == {"available": False, "pvs": [], "vgs": [], "lvs": []}
    assert facts["devices"][D1]["table"] is None
    assert facts["devices"][D1]["table_error"] == "sfdisk is not installed (package fdisk)"
    assert facts["arrays"][0]["uuid"] is None
    plan = storage_plan(spec["volumes"], facts, spec["wipe"])
    assert plan["steps"] == []
    assert plan["problems"][0].startswith(
        f"mdadm_lvmcache_volumes[0].members[0] {D1} has a GPT the role cannot read (sfdisk is "
        "not installed"
    )
    assert plan["summary"][-1] == "not installed, so not read: dumpe2fs, lvm, mdadm, sfdisk"


def test_missing_required_tools_and_failing_commands_are_clear_errors():
    with pytest.raises(BlockFactsError, match=r"wipefs not found \(install util-linux\)"):
        collect([D1], built_host(tools={"blkid"}))
    host = built_host()
    host.commands[("/usr/sbin/wipefs", "--json", "--no-act", "/dev/vdb")] = (
        1,
        "",
        "wipefs: error: /dev/vdb: probing initialization failed: Permission denied\n",
    )
    with pytest.raises(BlockFactsError) as err:
        collect([D1], host)
    assert str(err.value) == (
        "wipefs --json --no-act /dev/vdb failed (rc 1): wipefs: error: /dev/vdb: probing "
        "initialization failed: Permission denied"
    )


def test_an_lvm_report_that_is_not_json_is_a_clear_error():
    host = built_host()
    for key in list(host.commands):
        if key[:2] == ("/usr/sbin/lvm", "vgs"):
            host.commands[key] = (5, "", "  Volume group vg9 not found\n")
    with pytest.raises(BlockFactsError, match="vgs printed no JSON report"):
        collect([D1], host)


def test_the_module_loads_and_reads_files(tmp_path):
    from ansible_collections.hobbynet.infra.plugins.modules import block_facts

    reader = block_facts.HostReader(module=None)
    (tmp_path / "size").write_text("8388608\n")
    assert reader.read(str(tmp_path / "size")) == "8388608"
    assert reader.read(str(tmp_path / "nope")) is None
    assert reader.listdir(str(tmp_path)) == ["size"]
    assert reader.listdir(str(tmp_path / "nope")) == []
    assert reader.rdev(str(tmp_path / "size")) is None
    assert reader.exists(str(tmp_path)) and reader.realpath(str(tmp_path)) == os.path.realpath(
        tmp_path
    )
