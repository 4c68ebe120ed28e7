"""hobbynet.infra.storage_plan filter: what a host's disks need, from what they have."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._storage import (
    storage_plan as plan_storage,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: storage_plan
short_description: Plan the commands that build a host's RAID1 + LVM cache volumes from its state
version_added: 0.4.0
author: hobbynet
description:
  - Takes the volumes of P(hobbynet.infra.storage_inputs#filter) and what
    M(hobbynet.infra.block_facts) read on the host, and returns the commands (argument lists, in
    order) for only what is missing, that is partitions of exactly C(member_size), the array, the
    physical volumes, the volume group, the logical volume, the cache pool and cache, the file
    system, a re-add of a member that dropped out of its array, a grow, a cache mode change, a
    detach or re-attach of the cache. A built host gets no steps.
  - What needs a state the facts cannot show yet (extent counts of a physical volume made in this
    round) is listed in C(pending); the role reads, plans and applies again, up to three rounds.
  - Never loses data. Anything on a disk the role did not make is a problem (nothing is run)
    unless the disk is listed in C(mdadm_lvmcache_wipe), and even then not when it is mounted,
    held or a physical volume of an active volume group. Shrinking is refused.
positional: _input, facts, wipe
options:
  _input:
    description: The C(volumes) of P(hobbynet.infra.storage_inputs#filter).
    type: list
    elements: dict
    required: true
  facts:
    description: The C(block_facts) that M(hobbynet.infra.block_facts) returns for the volumes'
      disks (registered).
    type: dict
    required: true
  wipe:
    description: The C(wipe) of P(hobbynet.infra.storage_inputs#filter).
    type: list
    elements: string
    default: []
"""

EXAMPLES = r"""
- name: Plan the volumes
  ansible.builtin.set_fact:
    __mdadm_lvmcache_plan: >-
      {{ __mdadm_lvmcache_inputs.volumes
         | hobbynet.infra.storage_plan(__mdadm_lvmcache_read.block_facts,
                                       __mdadm_lvmcache_inputs.wipe) }}
# two blank 4 GiB disks, member_size 3 GiB, no cache:
# => {problems: [], steps: [{volume: data, what: "write a new GPT with partition 1 hn-data-md of
#     exactly 3 GiB ...", argv: [sgdisk, -o, -n, "1:2048:6293503", -t, "1:FD00",
#     -c, "1:hn-data-md", /dev/disk/by-id/virtio-d1]}, ..., {argv: [udevadm, settle]}],
#     pending: [{volume: data, what: "create /dev/md/data once the new partitions can be read"}],
#     summary: ["data: partitions being made"]}
"""

RETURN = r"""
_value:
  description:
    - C(problems) (strings; when any, C(steps) and C(pending) are empty), C(steps) (C(volume),
      C(what), C(argv) for M(ansible.builtin.command)), C(pending) (C(volume), C(what); read
      and plan again after the steps) and C(summary) (one line per volume).
  type: dict
"""


def storage_plan(volumes: Any, facts: Any = None, wipe: Any = None) -> dict[str, Any]:
    """Thin shell around the pure function."""
    if omitted(facts) or not isinstance(facts, dict):
        raise AnsibleFilterError(
            "storage_plan: facts is required, the block_facts that hobbynet.infra.block_facts "
            "read on the host"
        )
    if omitted(wipe):
        wipe = []
    if not isinstance(volumes, list):
        raise AnsibleFilterError("storage_plan: the input must be the volumes of storage_inputs")
    try:
        return plan_storage(volumes, facts, wipe)
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"storage_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.storage_plan"""

    def filters(self) -> dict[str, Any]:
        return {"storage_plan": storage_plan}
