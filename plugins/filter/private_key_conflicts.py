"""hobbynet.infra.private_key_conflicts filter: hosts that share an explicit WireGuard key."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._backbone import (
    private_key_conflicts as _private_key_conflicts,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: private_key_conflicts
short_description: Hosts whose explicit WireGuard private keys are the same (never the key)
version_added: 0.1.0
author: hobbynet
description:
  - Takes the hosts of the mesh and returns one message per group of hosts whose
    C(wireguard_mesh_private_key) is the same; an empty list means none.
  - Hosts without an explicit key are ignored (their keys are derived per host from
    C(wireguard_mesh_secret)).
  - Messages name the variable and the hosts, never the key.
positional: _input, host_vars
options:
  _input:
    description: The hosts, usually C(groups[wireguard_mesh_group]).
    type: list
    elements: str
    required: true
  host_vars:
    description: The variables of every host, C(hostvars).
    type: dict
    required: true
seealso:
  - plugin: hobbynet.infra.wg_keypair
    plugin_type: filter
"""

EXAMPLES = r"""
conflicts: "{{ groups['backbone'] | hobbynet.infra.private_key_conflicts(hostvars) }}"
# r1 and r3 set the same wireguard_mesh_private_key:
# => ["wireguard_mesh_private_key of r1 and r3 is the same key; every host needs its own
#     (generate one per host with wg genkey, or leave it out to derive it from
#     wireguard_mesh_secret)"]
"""

RETURN = r"""
_value:
  description: One message per group of hosts sharing a key; empty when there is none.
  type: list
  elements: str
"""


def private_key_conflicts(hosts: Any, host_vars: Any = None) -> list[str]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if omitted(host_vars):
        raise AnsibleFilterError(
            "private_key_conflicts: host_vars is required, "
            "e.g. groups['backbone'] | hobbynet.infra.private_key_conflicts(hostvars)"
        )
    try:
        return _private_key_conflicts(hosts, host_vars)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"private_key_conflicts: {exc}") from exc


class FilterModule:
    """hobbynet.infra.private_key_conflicts"""

    def filters(self) -> dict[str, Any]:
        return {"private_key_conflicts": private_key_conflicts}
