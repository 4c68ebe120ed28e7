"""hobbynet.infra.storage_mdadm_conf filter: the ARRAY lines of a host's volumes."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._storage import (
    storage_mdadm_conf as array_lines,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: storage_mdadm_conf
short_description: The ARRAY lines of mdadm.conf for a host's RAID1 volumes, from the host's state
version_added: 0.4.0
author: hobbynet
description:
  - Takes the volumes of P(hobbynet.infra.storage_inputs#filter) and what
    M(hobbynet.infra.block_facts) read on the host, and returns one line
    C(ARRAY /dev/md/<name> metadata=1.2 UUID=<uuid> name=<homehost>:<name>) per array that
    exists, in volume order, with the UUID and name the host's mdadm reports (mdadm stores the
    name without the homehost when both do not fit in its 32 bytes).
  - An array found by its members under another name (assembled as C(/dev/md/data_0) after a
    reinstall) gets its line too, so that it is C(/dev/md/<name>) after the next assembly.
positional: _input, facts
options:
  _input:
    description: The C(volumes) of P(hobbynet.infra.storage_inputs#filter).
    type: list
    elements: dict
    required: true
  facts:
    description: The C(block_facts) that M(hobbynet.infra.block_facts) returns.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: List the arrays for mdadm.conf
  ansible.builtin.set_fact:
    __mdadm_lvmcache_arrays: >-
      {{ __mdadm_lvmcache_inputs.volumes
         | hobbynet.infra.storage_mdadm_conf(__mdadm_lvmcache_read.block_facts) }}
# => ["ARRAY /dev/md/data metadata=1.2 UUID=3c3b1f8e:0c1d2e3f:4a5b6c7d:8e9f0a01 name=st1:data"]
"""

RETURN = r"""
_value:
  description: The ARRAY lines, in volume order; none for a volume whose array does not exist yet.
  type: list
  elements: string
"""


def storage_mdadm_conf(volumes: Any, facts: Any = None) -> list[str]:
    """Thin shell around the pure function."""
    if omitted(facts) or not isinstance(facts, dict):
        raise AnsibleFilterError(
            "storage_mdadm_conf: facts is required, the block_facts that "
            "hobbynet.infra.block_facts read on the host"
        )
    if not isinstance(volumes, list):
        raise AnsibleFilterError(
            "storage_mdadm_conf: the input must be the volumes of storage_inputs"
        )
    try:
        return array_lines(volumes, facts)
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"storage_mdadm_conf: {exc}") from exc


class FilterModule:
    """hobbynet.infra.storage_mdadm_conf"""

    def filters(self) -> dict[str, Any]:
        return {"storage_mdadm_conf": storage_mdadm_conf}
