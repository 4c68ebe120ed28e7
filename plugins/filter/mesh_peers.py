"""hobbynet.infra.mesh_peers filter: one node's tunnels from the mesh plan."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._mesh import (
    mesh_peers as _mesh_peers,
)

DOCUMENTATION = r"""
name: mesh_peers
short_description: The tunnels of one node in the mesh plan, as flat dicts for templates
version_added: 0.1.0
author: hobbynet
description:
  - Takes the result of P(hobbynet.infra.mesh_plan#filter) and a node name and returns that
    node's tunnels, sorted by peer id, one flat mapping per tunnel.
  - Own addresses are in CIDR form (what an interface is configured with); peer addresses
    are bare (what a neighbor statement or C(AllowedIPs) with /32 and /128 needs).
  - An unknown node name is an error.
positional: _input, node
options:
  _input:
    description: The plan returned by P(hobbynet.infra.mesh_plan#filter).
    type: list
    elements: dict
    required: true
  node:
    description: The node name, usually C(inventory_hostname).
    type: string
    required: true
seealso:
  - plugin: hobbynet.infra.mesh_plan
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Write one WireGuard config per tunnel
  ansible.builtin.template:
    src: wg.conf.j2
    dest: "/etc/wireguard/{{ item.interface }}.conf"
    mode: "0600"
  loop: "{{ wg_mesh | hobbynet.infra.mesh_peers(inventory_hostname) }}"
  loop_control:
    label: "{{ item.interface }}"

# With the two-node plan from the mesh_plan examples:
# "{{ wg_mesh | hobbynet.infra.mesh_peers('home') }}"
# => [{"interface": "wg_fra", "address": "10.255.0.1/31", "network": "10.255.0.0/31",
#      "peer": "fra", "peer_id": 1, "peer_address": "10.255.0.0",
#      "link_local": "fe80::1:2:2/64", "peer_link_local": "fe80::1:2:1",
#      "listen_port": 51821, "peer_listen_port": 51822,
#      "peer_endpoint": "fra.example.net:51822", "cost": 10, "index": 0}]
"""

RETURN = r"""
_value:
  description: The node's tunnels sorted by peer id.
  type: list
  elements: dict
  contains:
    interface:
      description: Name of this tunnel's interface on the node.
      type: str
    address:
      description: The node's IPv4 address on the link, CIDR form (/31).
      type: str
    network:
      description: The link's /31.
      type: str
    peer:
      description: The peer's name.
      type: str
    peer_id:
      description: The peer's id.
      type: int
    peer_address:
      description: The peer's IPv4 address on the link, without prefix length.
      type: str
    link_local:
      description: The node's IPv6 link-local address on the link, with prefix length (/64).
      type: str
    peer_link_local:
      description: The peer's IPv6 link-local address, without prefix length (a neighbor address).
      type: str
    listen_port:
      description: The port this node listens on for this tunnel.
      type: int
    peer_listen_port:
      description: The port the peer listens on for this tunnel.
      type: int
    peer_endpoint:
      description: C(host:port) to dial the peer (IPv6 hosts in brackets), or null if the peer
        has no endpoint (then the peer dials this node).
      type: str
    cost:
      description: The link's OSPF cost.
      type: int
    index:
      description: The link's index in the plan.
      type: int
"""


def mesh_peers(plan: Any, node: Any = None) -> list[dict[str, Any]]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if node is None:
        raise AnsibleFilterError(
            "mesh_peers: the node name is required, "
            "e.g. plan | hobbynet.infra.mesh_peers(inventory_hostname)"
        )
    try:
        return _mesh_peers(plan, node)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"mesh_peers: {exc}") from exc


class FilterModule:
    """hobbynet.infra.mesh_peers"""

    def filters(self) -> dict[str, Any]:
        return {"mesh_peers": mesh_peers}
