"""hobbynet.infra.ospf_cost filter: OSPF cost from a round-trip time."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._cost import (
    ospf_cost as _ospf_cost,
)

DOCUMENTATION = r"""
name: ospf_cost
short_description: OSPF cost of a link from its round-trip time
version_added: 0.1.0
author: hobbynet
description:
  - Returns the integer OSPF cost for a link whose measured round-trip time is O(_input)
    milliseconds.
  - The cost is the one-way latency in milliseconds, that is half the RTT, rounded half-up
    (exactly, without floating-point surprises) and clamped to 1..65535.
  - So 1 ms of one-way latency costs 1, and a path's total cost approximates its one-way delay.
  - Not a number (strings and booleans included), a negative number, NaN or infinity is an error.
positional: _input
options:
  _input:
    description: Round-trip time in milliseconds (integer or float, >= 0).
    type: float
    required: true
seealso:
  - plugin: hobbynet.infra.geo_rtt_ms
    plugin_type: filter
  - plugin: hobbynet.infra.mesh_plan
    plugin_type: filter
"""

EXAMPLES = r"""
cost_23ms: "{{ 23 | hobbynet.infra.ospf_cost }}"
# => 12

cost_22_9ms: "{{ 22.9 | hobbynet.infra.ospf_cost }}"
# => 11

cost_sub_ms: "{{ 0.4 | hobbynet.infra.ospf_cost }}"
# => 1

cost_clamped: "{{ 500000 | hobbynet.infra.ospf_cost }}"
# => 65535
"""

RETURN = r"""
_value:
  description: The OSPF cost, an integer from 1 to 65535.
  type: int
"""


def ospf_cost(rtt_ms: Any) -> int:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    try:
        return _ospf_cost(rtt_ms)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"ospf_cost: {exc}") from exc


class FilterModule:
    """hobbynet.infra.ospf_cost"""

    def filters(self) -> dict[str, Any]:
        return {"ospf_cost": ospf_cost}
