"""hobbynet.infra.bgp_plan filter: a host's BGP edge, checked and planned for the templates."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._bgp import (
    BgpInputError,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._bgp import (
    bgp_plan as _bgp_plan,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: bgp_plan
short_description: Check a host's BGP sessions, own prefixes and IXes, and plan them for BIRD
version_added: 0.1.0
author: hobbynet
description:
  - Takes the variables of one host (C(hostvars[inventory_hostname])) and returns the plan that
    roles/bird2 renders, or fails with every problem at once, each naming the variable as the
    inventory wrote it, for example C(bird2_bgp_sessions[1]) and the session's name and host;
    a password is never shown.
  - "C(bird2_asn) unset means no BGP edge (C({enabled: false})); sessions without it are an error."
  - "C(bird2_asn) and each session's C(neighbor_as): never 0, 23456, 65535 or 4294967295;
    documentation, private and IANA-reserved ASNs only with C(bird2_asn_allow_reserved: true)."
  - "Sessions (C(bird2_bgp_sessions)): unique names (the BIRD protocol names) and neighbours; a
    kind of transit, ix_route_server, ix_peer, peer or downstream; neighbour and local address of
    one family; max_prefix >= 1; options of
    one kind (transit_routes, export, prefixes, ix) refused on another; a downstream needs its
    prefixes, which must not overlap C(bird2_own_prefixes), the WireGuard pool
    (C(wireguard_mesh_plan_pool_v4)) or an IX peering LAN of C(bird2_ixes); IX sessions name an IX
    of C(bird2_ixes) and both addresses lie in its peering LAN; C(bfd) true needs C(bird2_bfd)
    true (role default; false means no bfd protocol)."
  - "IXes (C(bird2_ixes)): unique names, an interface, a peering LAN per family, optional
    C(sysctls) overrides (C(ipv4.conf.NAME: 1)) of the port hygiene defaults; IXes that share an
    interface must agree on them."
  - What needs the host itself (is the local address there, what is on the IX port) is checked by
    the filter C(hobbynet.infra.bgp_host_state) against this plan.
  - C(bird2_own_prefixes) must not overlap each other, the WireGuard pool
    (C(wireguard_mesh_plan_pool_v4)) or an IX peering LAN.
  - C(bird2_krt_prefsrc4) and C(bird2_krt_prefsrc6), when set to an address, must not lie in an IX
    peering LAN of the host nor be the C(local_address) of a transit, peer or IX session (the
    preferred source of the kernel routes must be routed back to the host by the AS).
  - "The plan: C(asn), C(own4)/C(own6), the cone C(cone4)/C(cone6) (own prefixes and every
    downstream's), C(ixes), and C(sessions) with C(family), C(local_pref) (transit 50, IX 90,
    peer 100, downstream 120 unless overridden), C(community) (the kind's number in the large
    community that tags imported routes), C(enforce_first_as) (not for route servers), C(import)
    (transit: full, default or both; others all) and C(export) (cone; downstream full or default);
    C(ix_ports), one per IX interface, with the sysctls to set (C(path) under /proc/sys, C(value))."
positional: _input, host
options:
  _input:
    description: The host's variables, C(hostvars[inventory_hostname]).
    type: dict
    required: true
  host:
    description: The host's inventory name (used in messages).
    type: string
    required: true
seealso:
  - plugin: hobbynet.infra.bgp_host_state
    plugin_type: filter
  - plugin: hobbynet.infra.site_prefixes
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Plan the BGP edge
  ansible.builtin.set_fact:
    bgp: >-
      {{ hostvars[inventory_hostname] | hobbynet.infra.bgp_plan(inventory_hostname) }}

# bird2_bgp_sessions: [{name: t1, kind: upstream, ...}]
# => "bgp_plan: bird2_bgp_sessions[0] (t1) of r2: kind 'upstream' (type str) is not one of transit,
#     ix_route_server, ix_peer, peer, downstream"
"""

RETURN = r"""
_value:
  description: "The plan (see the description); C({enabled: false}) without C(bird2_asn)."
  type: dict
"""


def bgp_plan(host_vars: Any, host: Any = None) -> dict[str, Any]:
    """Thin shell around the pure function; its problems become one AnsibleFilterError."""
    if omitted(host) or not isinstance(host, str):
        raise AnsibleFilterError(
            "bgp_plan: the host name is required, e.g. hostvars[inventory_hostname]"
            " | hobbynet.infra.bgp_plan(inventory_hostname)"
        )
    try:
        return _bgp_plan(host, host_vars)
    except BgpInputError as exc:
        raise AnsibleFilterError(f"bgp_plan: {'; '.join(exc.problems)}") from None
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"bgp_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.bgp_plan"""

    def filters(self) -> dict[str, Any]:
        return {"bgp_plan": bgp_plan}
