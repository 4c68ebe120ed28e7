"""hobbynet.infra.storage_inputs filter: a host's RAID1 + LVM cache volumes, checked."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._storage import StorageInputError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._storage import (
    storage_inputs as check_inputs,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: storage_inputs
short_description: Check a host's mdadm RAID1 + LVM cache volumes before any disk is touched
version_added: 0.4.0
author: hobbynet
description:
  - Takes the C(mdadm_lvmcache_*) variables of one host and returns its volumes with every default
    filled in, or fails with every problem at once, each naming the variable as it was written,
    for example C(mdadm_lvmcache_volumes[0].members[1] '/dev/sdb' is not under /dev/disk/by-id/)
    followed by why (kernel names such as C(/dev/sdb) change between boots and after a disk
    swap, so the role could partition the wrong disk).
  - Refused among others are a disk listed twice, a member that is also a cache device, a path
    outside C(/dev/disk/by-id/), a cache too small for its metadata, LVM's spare copy of it and
    one extent, an unknown cache mode, duplicate names, volume groups or mount points, an
    C(lv_size) larger than C(member_size), and a C(mdadm_lvmcache_wipe) entry that is no volume's
    disk.
  - Nothing is read from the host; P(hobbynet.infra.storage_plan#filter) plans from what the
    module M(hobbynet.infra.block_facts) reads there.
positional: _input, host
options:
  _input:
    description: The host's variables (C(mdadm_lvmcache_volumes), C(mdadm_lvmcache_wipe),
      C(mdadm_lvmcache_mail), C(mdadm_lvmcache_alert_program)).
    type: dict
    required: true
  host:
    description: The host's inventory name (for messages).
    type: string
    required: true
"""

EXAMPLES = r"""
- name: Check the volumes
  ansible.builtin.set_fact:
    __mdadm_lvmcache_inputs: "{{ inputs | hobbynet.infra.storage_inputs(inventory_hostname) }}"
# mdadm_lvmcache_volumes: [{name: data, members: [/dev/disk/by-id/virtio-d1,
#   /dev/disk/by-id/virtio-d2], member_size: 3221225472, mount: /srv/data}]
# => {volumes: [{name: data, array: /dev/md/data, vg: vg_data, lv: data,
#     lv_path: /dev/vg_data/data, cache_device: null, member_label: hn-data-md, ...}],
#     wipe: [], mail: "", alert_program: "",
#     devices: [/dev/disk/by-id/virtio-d1, /dev/disk/by-id/virtio-d2],
#     mounts: [{volume: data, src: /dev/vg_data/data, path: /srv/data, fstype: ext4,
#     opts: "defaults,nofail"}]}
"""

RETURN = r"""
_value:
  description:
    - C(volumes) (each with its defaults, C(var), C(array), C(member_label), C(cache_label),
      C(lv_path), C(pool_lv), C(meta_lv)), C(wipe), C(mail), C(alert_program), C(devices) (every
      disk for M(hobbynet.infra.block_facts)) and C(mounts) (for the fstab).
  type: dict
"""


def storage_inputs(host_vars: Any, host: Any = None) -> dict[str, Any]:
    """Thin shell around the pure function; its problems become one AnsibleFilterError."""
    if omitted(host) or not isinstance(host, str):
        raise AnsibleFilterError(
            "storage_inputs: the host name is required, e.g. inputs | "
            "hobbynet.infra.storage_inputs(inventory_hostname)"
        )
    if not isinstance(host_vars, dict):
        raise AnsibleFilterError("storage_inputs: the input must be the host's variables")
    try:
        return check_inputs(host_vars, host)
    except StorageInputError as exc:
        raise AnsibleFilterError(f"storage_inputs: {'; '.join(exc.problems)}") from None
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"storage_inputs: {exc}") from exc


class FilterModule:
    """hobbynet.infra.storage_inputs"""

    def filters(self) -> dict[str, Any]:
        return {"storage_inputs": storage_inputs}
