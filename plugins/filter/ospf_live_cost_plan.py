"""hobbynet.infra.ospf_live_cost_plan filter: a host's live OSPF costs, checked and planned."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._livecost import (
    LiveCostInputError,
    live_cost_plan,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: ospf_live_cost_plan
short_description: Check a host's live OSPF cost settings and plan which links are measured
version_added: 0.1.0
author: hobbynet
description:
  - Takes the variables of one backbone host and returns which of its tunnels get their OSPF cost
    from live RTT measurements and the hysteresis settings, or fails with every problem at once,
    each naming the variable, for example C(bird2_ospf_live_cost_min_change_percent (100) must be
    below 100).
  - A link is live when C(bird2_ospf_live_costs) is true, unless C(bird2_ospf_links.<peer>) pins
    it with C(cost) or C(live=false); C(live=true) makes one link live on a host whose default is
    off. Every link starts from the inventory's cost.
  - "Settings refused because no cost could ever change: C(bird2_ospf_live_cost_min_change)
    above 65534, C(bird2_ospf_live_cost_min_change_percent) of 100 or more; also an interval
    shorter than one round of pings, and a minimum change of 0 (every jitter would change a
    cost)."
positional: _input, host
options:
  _input:
    description:
      - The host's variables; C(bird2_ospf_live_costs), C(bird2_ospf_links), the six
        C(bird2_ospf_live_cost_*) settings and C(wireguard_mesh_tunnels) are read.
    type: dict
    required: true
  host:
    description: The host's inventory name (used in messages).
    type: string
    required: true
seealso:
  - plugin: hobbynet.infra.ospf_cost
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Plan the live costs
  ansible.builtin.set_fact:
    live: "{{ inputs | hobbynet.infra.ospf_live_cost_plan(inventory_hostname) }}"

# bird2_ospf_live_costs: true, bird2_ospf_links: {r2: {cost: 10}}
# => the tunnel to r2 keeps cost 10; every other one starts at its inventory cost and is measured.
"""

RETURN = r"""
_value:
  description:
    - C(enabled) (some link is live), C(links) (interface, peer, peer_id, peer_link_local, cost,
      live, symbol), C(settings), C(include) (the BIRD include file) and C(config) (what the
      host's timer reads).
  type: dict
"""


def ospf_live_cost_plan(host_vars: Any, host: Any = None) -> dict[str, Any]:
    """Thin shell around the pure function; its problems become one AnsibleFilterError."""
    if omitted(host) or not isinstance(host, str):
        raise AnsibleFilterError(
            "ospf_live_cost_plan: the host name is required, e.g. inputs"
            " | hobbynet.infra.ospf_live_cost_plan(inventory_hostname)"
        )
    if not isinstance(host_vars, dict):
        raise AnsibleFilterError("ospf_live_cost_plan: the input must be the host's variables")
    try:
        return live_cost_plan(host, host_vars)
    except LiveCostInputError as exc:
        raise AnsibleFilterError(f"ospf_live_cost_plan: {'; '.join(exc.problems)}") from None
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"ospf_live_cost_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.ospf_live_cost_plan"""

    def filters(self) -> dict[str, Any]:
        return {"ospf_live_cost_plan": ospf_live_cost_plan}
