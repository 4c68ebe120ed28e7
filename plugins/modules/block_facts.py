#!/usr/bin/python
# Copyright: hobbynet contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: block_facts
short_description: Read disks, partitions, md arrays, LVM and file systems for storage plans
version_added: 0.4.0
author: hobbynet contributors (@hobbynet)
description:
  - Reads, and never changes, what a storage role needs to plan from the current state, and
    returns it as C(block_facts) (register it) in the format the filter
    P(hobbynet.infra.storage_plan#filter) takes (documented in
    C(plugins/plugin_utils/_storage.py)). It sets no fact, a role reads again after each round.
  - For each of O(devices) (paths as given, normally under C(/dev/disk/by-id/)) whether it exists,
    its kernel name, size, logical sector size, signatures (C(wipefs --json --no-act)), holders,
    mount points, md superblock (C(mdadm --examine --export)) and partition table
    (C(sfdisk --json)), and for each partition (C(<device>-part<N>)) its start and size in sectors,
    GPT name and type, signatures, C(blkid -p) values, md superblock, holders and mount points.
  - Every md array of the host (C(/sys/block/md*), C(mdadm --detail --export), the
    C(/dev/md/<name>) links, the array state, degraded count, sync action and progress, and each
    member's state), LVM's physical volumes, volume groups and logical volumes (JSON reports in
    bytes, hidden volumes included) and, for every active logical volume, its file system (type,
    UUID, mount points; the size of ext2/3/4 from C(dumpe2fs -h)).
  - A device that does not exist is reported with C(exists=false); a missing optional tool
    (C(sfdisk), C(mdadm), C(lvm), C(dumpe2fs)) is listed in C(missing_tools) and what it would
    read is left out. Without C(wipefs) or C(blkid) the module fails with a message.
options:
  devices:
    description: The disks to read, for example the members and cache devices of the volumes.
    type: list
    elements: str
    required: true
attributes:
  check_mode:
    description: Reads only.
    support: full
  diff_mode:
    description: Not supported.
    support: none
  facts:
    description: Returns C(block_facts) to register; sets no fact (each round reads anew).
    support: none
seealso:
  - module: ansible.builtin.setup
"""

EXAMPLES = r"""
- name: Read the volumes' disks
  hobbynet.infra.block_facts:
    devices: "{{ __mdadm_lvmcache_inputs.devices }}"
  register: __mdadm_lvmcache_read

- name: Plan from what was read
  ansible.builtin.set_fact:
    __mdadm_lvmcache_plan: >-
      {{ __mdadm_lvmcache_inputs.volumes
         | hobbynet.infra.storage_plan(__mdadm_lvmcache_read.block_facts,
                                       __mdadm_lvmcache_inputs.wipe) }}
"""

RETURN = r"""
block_facts:
  description: C(devices) (by the paths given), C(arrays), C(lvm), C(filesystems) and
    C(missing_tools), in the format documented in C(plugins/plugin_utils/_storage.py).
  returned: always
  type: dict
"""

import os
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hobbynet.infra.plugins.module_utils._blockdev import (
    BlockFactsError,
    Reader,
    collect,
)


class HostReader(Reader):
    """The host, read with the module's run_command and the file system."""

    def __init__(self, module):
        self.module = module

    def run(self, argv):
        return self.module.run_command(argv, environ_update=dict(LC_ALL="C", LANG="C"))

    def read(self, path):
        try:
            with open(path) as handle:
                return handle.read().rstrip("\n")
        except OSError:
            return None

    def listdir(self, path):
        try:
            return sorted(os.listdir(path))
        except OSError:
            return []

    def realpath(self, path):
        return os.path.realpath(path)

    def exists(self, path):
        return os.path.exists(path)

    def rdev(self, path):
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISBLK(info.st_mode):
            return None
        return f"{os.major(info.st_rdev)}:{os.minor(info.st_rdev)}"

    def which(self, tool):
        return self.module.get_bin_path(tool)


def main():
    module = AnsibleModule(
        argument_spec=dict(devices=dict(type="list", elements="str", required=True)),
        supports_check_mode=True,
    )
    try:
        facts = collect(module.params["devices"], HostReader(module))
    except (BlockFactsError, ValueError, KeyError) as exc:
        module.fail_json(msg=f"block_facts: {exc}")
    module.exit_json(changed=False, block_facts=facts)


if __name__ == "__main__":
    main()
