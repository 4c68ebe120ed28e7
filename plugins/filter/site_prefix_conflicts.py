"""hobbynet.infra.site_prefix_conflicts filter: site prefixes that clash with the mesh."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._backbone import (
    site_prefix_conflicts as _site_prefix_conflicts,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: site_prefix_conflicts
short_description: Site prefixes that overlap the WireGuard pool, an endpoint or another site
version_added: 0.1.0
author: hobbynet
description:
  - Takes the hosts of the backbone and returns one message per conflict, in the order of the
    hosts; an empty list means none.
  - A site prefix (C(bird2_site_prefixes) of a host) must not overlap the WireGuard pool
    O(pool_v4) (C(wireguard_mesh_pool_v4), the tunnels' /31s).
  - It must not contain the address of any host's C(backbone_endpoint), the underlay of the
    tunnels - announced into OSPF, the tunnel's own packets would be routed into the tunnels.
    Endpoints given as IP literals are checked (C(192.0.2.1), C(2001:db8::1), also with a port,
    C(192.0.2.1:51820), C([2001:db8::1]:51820)); DNS names cannot be checked here.
  - It must not overlap a site prefix of another host (IPv4 and IPv6, nested as well as equal).
  - It must not overlap one of the host's C(bird2_anycast_prefixes) (every site serving an anycast
    prefix announces it).
  - Messages name the variable and the host and show the prefix as written (with its network when
    that differs).
  - A C(bird2_site_prefixes) that P(hobbynet.infra.site_prefixes#filter) refuses, or a pool that is
    not an IPv4 network, is an error.
positional: _input, host_vars, pool_v4
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
  pool_v4:
    description: The WireGuard pool, C(wireguard_mesh_pool_v4), in CIDR form.
    type: string
    required: true
seealso:
  - plugin: hobbynet.infra.site_prefixes
    plugin_type: filter
  - plugin: hobbynet.infra.mesh_plan
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Require site prefixes apart from the pool, the endpoints and each other
  ansible.builtin.assert:
    that: conflicts | length == 0
    fail_msg: "{{ conflicts | join('; ') }}"
  vars:
    conflicts: >-
      {{ groups['backbone'] | hobbynet.infra.site_prefix_conflicts(hostvars, '10.255.0.0/24') }}

# r1: bird2_site_prefixes [10.64.0.1/16]; r2: [10.64.2.1/24]
# => ["bird2_site_prefixes of r1 and of r2 overlap: '10.64.0.1/16' (network 10.64.0.0/16) and
#     '10.64.2.1/24' (network 10.64.2.0/24); every site announces its own prefixes"]
"""

RETURN = r"""
_value:
  description: One message per conflict; empty when there is none.
  type: list
  elements: str
"""


def site_prefix_conflicts(hosts: Any, host_vars: Any = None, pool_v4: Any = None) -> list[str]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if omitted(host_vars) or omitted(pool_v4):
        raise AnsibleFilterError(
            "site_prefix_conflicts: host_vars and pool_v4 are required, e.g. groups['backbone']"
            " | hobbynet.infra.site_prefix_conflicts(hostvars, wireguard_mesh_pool_v4)"
        )
    try:
        return _site_prefix_conflicts(hosts, host_vars, pool_v4)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"site_prefix_conflicts: {exc}") from exc


class FilterModule:
    """hobbynet.infra.site_prefix_conflicts"""

    def filters(self) -> dict[str, Any]:
        return {"site_prefix_conflicts": site_prefix_conflicts}
