"""hobbynet.infra.mesh_plan filter: the stable plan of the WireGuard mesh."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._cost import DEFAULT_STRETCH
from ansible_collections.hobbynet.infra.plugins.plugin_utils._mesh import (
    DEFAULT_COST,
    DEFAULT_PORT_BASE,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._mesh import (
    mesh_plan as _mesh_plan,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: mesh_plan
short_description: Plan the WireGuard mesh links (/31s, link-locals, ports, interfaces, costs)
version_added: 0.1.0
author: hobbynet
description:
  - Returns one entry per link of the mesh, sorted by (lower node id, higher node id).
  - "B(Stability): the index of a link, and so its /31, its link-local addresses, listen ports
    and interface names depend only on the two node ids (and names). They never depend on list
    order or on which other nodes or links exist: adding or removing a node, or switching from
    the full mesh to chosen O(links), leaves every surviving link unchanged."
  - "Index of the link between ids lo < hi: (hi-1)*(hi-2)/2 + (lo-1) (dense: ids 1..N use
    indexes 0..N*(N-1)/2-1). Its /31 is the pool's network address + 2*index; the lower id
    gets the even address (RFC 3021). A pool of 2^k addresses therefore bounds the largest
    node id (a /16 allows ids up to 256, a /20 up to 64, a /24 up to 16)."
  - "Listen port: on node X, the tunnel to peer Y listens on O(port_base) + id(Y). Unique per
    node because ids are unique; both ends of a link use different ports."
  - "Link-local: C(fe80::<lo>:<hi>:1/64) on the lower-id end and C(fe80::<lo>:<hi>:2/64) on the
    higher-id end, the ids written as hexadecimal 16-bit groups (ids 1 and 10 give
    C(fe80::1:a:1/64) and C(fe80::1:a:2/64))."
  - "Interface: C(wg_<peer>) when that fits the 15-character Linux limit and the peer name uses
    only C(A-Z a-z 0-9 _ -); otherwise C(wg-<peer id>-<peer name up to its first dot, other
    characters removed>) cut to 15 characters, for example C(wg-42-fra1) for peer
    C(fra1.example.net) with id 42. Unique on every node; never contains a dot."
  - "Cost: P(hobbynet.infra.ospf_cost#filter) of the measured RTT when O(rtt_ms) has the pair
    (the mean if both directions are given), else of P(hobbynet.infra.geo_rtt_ms#filter) when
    both nodes have a location, else O(default_cost). C(cost_source) says which."
  - The computation is linear in the number of links, but it is not free for big meshes;
    compute the plan once per play (C(set_fact) with C(run_once)), see the collection's
    docs/filters.md.
positional: _input, pool_v4
options:
  _input:
    description:
      - The nodes, a list of mappings with keys C(name) (inventory hostname, unique),
        C(id) (integer >= 1, unique, stable for the node's life), optional C(endpoint)
        (IPv4/IPv6 address or DNS name peers dial, without port; absent or null for a node
        that can only dial out) and optional C(location) C({lat, lon}). Other keys are an error.
    type: list
    elements: dict
    required: true
  pool_v4:
    description: IPv4 network the /31 transfer nets are cut from, for example C(10.255.0.0/16).
    type: string
    required: true
  links:
    description:
      - Links as a list of C([a, b]) node-name pairs (unordered, no duplicates, no self-links).
      - Omit (or null) for the full mesh. Every node must be in at least one link.
    type: list
    elements: list
  rtt_ms:
    description:
      - "Measured round-trip times C({a: {b: ms}}); either direction may be given,
        both are averaged."
      - Must only name known nodes. Entries for pairs that are not linked are ignored.
    type: dict
  port_base:
    description: Base of the listen ports; O(port_base) + the largest id must not exceed 65535.
    type: int
    default: 51820
  default_cost:
    description: Cost (1..65535) of a link with neither a measured RTT nor two locations.
    type: int
    default: 10
  stretch:
    description:
      - Path-stretch factor for costs estimated from locations
        (see P(hobbynet.infra.geo_rtt_ms#filter)).
    type: float
    default: 1.5
  names:
    description:
      - "What error messages call the arguments and the node keys, for a caller whose users write
        other names, for example a role passing its inventory variables -
        C({pool_v4: wireguard_mesh_pool_v4, node: host, id: backbone_id}). Only messages change."
      - "Keys: C(nodes), C(node), C(id), C(endpoint), C(location), C(pool_v4), C(links), C(rtt_ms),
        C(port_base), C(default_cost); each defaults to itself. A node's key is shown as
        C(<id name> of <node name> '<name>'), for example C(backbone_id of host 'r1')."
    type: dict
notes:
  - Errors (duplicate names or ids, id < 1, unknown or self or duplicate links, a pool that is not
    an IPv4 network or is too small, ports beyond 65535, a node in no link, malformed values) raise
    an error that names the offending value and the expected form.
seealso:
  - plugin: hobbynet.infra.mesh_peers
    plugin_type: filter
  - plugin: hobbynet.infra.ospf_cost
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Compute the mesh plan once for the whole play
  ansible.builtin.set_fact:
    wg_mesh: >-
      {{ wg_nodes | hobbynet.infra.mesh_plan(pool_v4='10.255.0.0/16',
                                             links=wg_links | default(omit),
                                             rtt_ms=wg_rtt_ms | default(omit)) }}
  run_once: true

# wg_nodes:
#   - {name: fra, id: 1, endpoint: fra.example.net}
#   - {name: home, id: 2}
#
# "{{ wg_nodes | hobbynet.infra.mesh_plan('10.255.0.0/16') }}"
# => [{"index": 0, "nodes": ["fra", "home"], "ids": [1, 2], "network": "10.255.0.0/31",
#      "address": {"fra": "10.255.0.0/31", "home": "10.255.0.1/31"},
#      "link_local": {"fra": "fe80::1:2:1/64", "home": "fe80::1:2:2/64"},
#      "listen_port": {"fra": 51822, "home": 51821},
#      "interface": {"fra": "wg_home", "home": "wg_fra"},
#      "endpoint": {"fra": "fra.example.net", "home": null},
#      "cost": 10, "cost_source": "default"}]
"""

RETURN = r"""
_value:
  description: The links, sorted by (lower id, higher id). Per-end values are keyed by node name.
  type: list
  elements: dict
  contains:
    index:
      description: The link's index, a function of the two ids only.
      type: int
    nodes:
      description: The two node names, lower id first.
      type: list
      elements: str
    ids:
      description: The two node ids, lower first.
      type: list
      elements: int
    network:
      description: The link's /31 in CIDR form.
      type: str
    address:
      description: Each end's IPv4 address in CIDR form (/31); the lower id has the even one.
      type: dict
    link_local:
      description: Each end's IPv6 link-local address with prefix length (/64).
      type: dict
    listen_port:
      description: Each end's WireGuard listen port for this link.
      type: dict
    interface:
      description: Each end's interface name for this link (at most 15 characters).
      type: dict
    endpoint:
      description: Each end's endpoint host (address or DNS name), or null.
      type: dict
    cost:
      description: The OSPF cost of the link (1..65535).
      type: int
    cost_source:
      description: Where the cost came from, C(rtt), C(geo) or C(default).
      type: str
"""


def mesh_plan(
    nodes: Any,
    pool_v4: Any = None,
    links: Any = None,
    rtt_ms: Any = None,
    port_base: Any = DEFAULT_PORT_BASE,
    default_cost: Any = DEFAULT_COST,
    stretch: Any = DEFAULT_STRETCH,
    names: Any = None,
) -> list[dict[str, Any]]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if omitted(pool_v4):
        pool_name = "pool_v4"
        if isinstance(names, Mapping) and isinstance(names.get("pool_v4"), str):
            pool_name = str(names["pool_v4"])
        raise AnsibleFilterError(
            f"mesh_plan: {pool_name} is required, an IPv4 network such as '10.255.0.0/16'"
        )
    try:
        return _mesh_plan(
            nodes,
            pool_v4,
            links=None if omitted(links) else links,
            rtt_ms=None if omitted(rtt_ms) else rtt_ms,
            port_base=DEFAULT_PORT_BASE if omitted(port_base) else port_base,
            default_cost=DEFAULT_COST if omitted(default_cost) else default_cost,
            stretch=DEFAULT_STRETCH if omitted(stretch) else stretch,
            names=None if omitted(names) else names,
        )
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"mesh_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.mesh_plan"""

    def filters(self) -> dict[str, Any]:
        return {"mesh_plan": mesh_plan}
