"""hobbynet.infra.router_ids filter: the BIRD router id of every host of the backbone."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._backbone import (
    router_ids as _router_ids,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: router_ids
short_description: The router id of every host of a group, checked present, IPv4 and unique
version_added: 0.1.0
author: hobbynet
description:
  - Takes the hosts of a group and returns C({host - router id}) for all of them.
  - "Per host: C(bird2_router_id) when it is set (not null); else the address of the first IPv4
    item of C(bird2_site_prefixes); else the lowest, in numeric order, of the host's tunnel
    addresses in the mesh plan O(plan)."
  - Errors (one message for every problem of every host) - an explicit C(bird2_router_id) that is
    not an IPv4 address, a host with no router id at all, the same router id on two hosts (each
    listed with where its id comes from), a C(bird2_site_prefixes) that
    P(hobbynet.infra.site_prefixes#filter) refuses.
  - The hosts' variables are read from O(host_vars), so the ids do not depend on the play's hosts
    (C(--limit)) or on the order of the inventory.
positional: _input, host_vars, plan
options:
  _input:
    description: The hosts, usually C(groups[bird2_group]).
    type: list
    elements: str
    required: true
  host_vars:
    description: The variables of every host, C(hostvars).
    type: dict
    required: true
  plan:
    description: The mesh plan C(wireguard_mesh_plan), a P(hobbynet.infra.mesh_plan#filter) result.
    type: list
    elements: dict
    required: true
seealso:
  - plugin: hobbynet.infra.mesh_plan
    plugin_type: filter
  - plugin: hobbynet.infra.site_prefixes
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Derive the router ids of every host of the group once
  ansible.builtin.set_fact:
    router_ids: >-
      {{ groups['backbone'] | hobbynet.infra.router_ids(hostvars, wireguard_mesh_plan) }}
  run_once: true

# r1: bird2_site_prefixes [10.64.1.1/24]; r2: bird2_router_id 192.0.2.2; e2: no prefixes, tunnels
# 10.255.0.17/31 and 10.255.0.9/31:
# => {"r1": "10.64.1.1", "r2": "192.0.2.2", "e2": "10.255.0.9"}
"""

RETURN = r"""
_value:
  description: The router id (an IPv4 address) of every host, keyed by host, in the order given.
  type: dict
"""


def router_ids(hosts: Any, host_vars: Any = None, plan: Any = None) -> dict[str, str]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if omitted(host_vars) or omitted(plan):
        raise AnsibleFilterError(
            "router_ids: host_vars and plan are required, "
            "e.g. groups['backbone'] | hobbynet.infra.router_ids(hostvars, wireguard_mesh_plan)"
        )
    try:
        return _router_ids(hosts, host_vars, plan)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"router_ids: {exc}") from exc


class FilterModule:
    """hobbynet.infra.router_ids"""

    def filters(self) -> dict[str, Any]:
        return {"router_ids": router_ids}
