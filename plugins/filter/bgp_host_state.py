"""hobbynet.infra.bgp_host_state filter: a host checked against its BGP plan, IX port changes."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._bgp import (
    bgp_host_state as _bgp_host_state,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: bgp_host_state
short_description: Check a host against its BGP plan and say what its IX ports need
version_added: 0.1.0
author: hobbynet
description:
  - Takes the plan of the filter C(hobbynet.infra.bgp_plan) and the host
    read of roles/bird2/tasks/host_check.yml (line 1 the output of C(ip -j address show), then
    C(sysctl PATH VALUE) and C(procsys-net rw|ro) lines).
  - "Returns C(problems): a session whose C(local_address) is not on the host (nor in O(coming));
    an IX interface that is missing, or carries an address outside the IX's peering LAN or a
    dynamic (SLAAC, DHCP) one; IX sysctls that must change while /proc/sys/net is read-only.
    Each names the variable (C(bird2_bgp_sessions[0] (t1) of r1), C(bird2_ixes[0] (ix1) of r2))."
  - "C(sysctls): the IX sysctls whose live value differs (C(path) under /proc/sys, C(value));
    C(multicast): the IX interfaces that still have multicast on."
positional: _input, host, output, coming
options:
  _input:
    description: The host's BGP plan (C(bgp_plan)).
    type: dict
    required: true
  host:
    description: The host's inventory name (used in messages).
    type: string
    required: true
  output:
    description: The stdout of the host read.
    type: string
    required: true
  coming:
    description: Addresses the roles put on the host before BIRD needs them (the site addresses).
    type: list
    elements: string
    default: []
seealso:
  - plugin: hobbynet.infra.bgp_plan
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Check the host against its BGP plan
  ansible.builtin.assert:
    that: (state.problems | length) == 0
    fail_msg: "{{ state.problems | join('; ') }}"
  vars:
    state: >-
      {{ plan | hobbynet.infra.bgp_host_state(inventory_hostname, read.stdout, ['10.64.2.1']) }}

# => "bird2_ixes[0] (ix1) of r2: eth1 has 10.9.9.9/24, outside the peering LAN (203.0.113.0/24);
#     an IX port carries the IX's addresses only (remove it, or fix lan4/lan6)"
"""

RETURN = r"""
_value:
  description: "C({problems: [str], sysctls: [{path, value}], multicast: [interface]})."
  type: dict
"""


def bgp_host_state(plan: Any, host: Any = None, output: Any = None, coming: Any = None) -> Any:
    """Thin shell around the pure function."""
    if omitted(host) or not isinstance(host, str) or omitted(output) or not isinstance(output, str):
        raise AnsibleFilterError(
            "bgp_host_state: the host name and the host read are required, e.g. plan"
            " | hobbynet.infra.bgp_host_state(inventory_hostname, read.stdout)"
        )
    if not isinstance(plan, dict):
        raise AnsibleFilterError("bgp_host_state: the input must be the plan of bgp_plan")
    try:
        return _bgp_host_state(host, plan, output, [] if omitted(coming) else list(coming))
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"bgp_host_state: cannot read the host: {exc}") from exc


class FilterModule:
    """hobbynet.infra.bgp_host_state"""

    def filters(self) -> dict[str, Any]:
        return {"bgp_host_state": bgp_host_state}
