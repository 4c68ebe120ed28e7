"""hobbynet.infra.adsb_host_problems filter: what an ADS-B host lacks for its plan."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._adsb import host_problems

DOCUMENTATION = r"""
name: adsb_host_problems
short_description: What an ADS-B host lacks for its plan (bind addresses, package architecture)
version_added: 0.3.0
author: hobbynet
description:
  - Compares an P(hobbynet.infra.adsb_plan#filter) result with what was read on the host before any
    change. Every address a service binds to must be on the host (loopback and the wildcard
    addresses always are); a vendor feeder installed from its repository needs the host's Debian
    architecture among the repository's C(architectures).
  - Returns one message per problem, naming the variable; an empty list when there is none.
positional: _input, on_host, architecture
options:
  _input:
    description: The result of P(hobbynet.infra.adsb_plan#filter).
    type: dict
    required: true
  on_host:
    description: The IP addresses found on the host.
    type: list
    elements: string
    required: true
  architecture:
    description: The host's Debian architecture (C(dpkg --print-architecture)).
    type: string
    required: true
"""

EXAMPLES = r"""
- name: Check the host
  ansible.builtin.assert:
    that: plan | hobbynet.infra.adsb_host_problems(addresses, 'amd64') | length == 0
# plan.binds: [{var: adsb_feeders_bind_address, address: 192.0.2.99}], addresses: [10.0.0.5]
# => ["adsb_feeders_bind_address 192.0.2.99 is not an address of this host (it has 10.0.0.5)"]
"""

RETURN = r"""
_value:
  description: One message per problem.
  type: list
  elements: string
"""


def adsb_host_problems(plan: Any, on_host: Any = None, architecture: Any = None) -> list[str]:
    """Thin shell around the pure function."""
    if not isinstance(plan, dict) or not isinstance(plan.get("binds"), list):
        raise AnsibleFilterError("adsb_host_problems: the input must be an adsb_plan result")
    if isinstance(on_host, str) or not isinstance(on_host, list):
        raise AnsibleFilterError(
            "adsb_host_problems: on_host must be the list of the host's addresses"
        )
    if not isinstance(architecture, str) or not architecture:
        raise AnsibleFilterError(
            "adsb_host_problems: architecture must be the host's Debian architecture"
        )
    return host_problems(plan, [str(a) for a in on_host], architecture)


class FilterModule:
    """hobbynet.infra.adsb_host_problems"""

    def filters(self) -> dict[str, Any]:
        return {"adsb_host_problems": adsb_host_problems}
