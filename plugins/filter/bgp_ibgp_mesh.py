"""hobbynet.infra.bgp_ibgp_mesh filter: iBGP sessions between the BGP sites, the AS-wide cone."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._ibgp import (
    IbgpInputError,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._ibgp import (
    ibgp_mesh as _ibgp_mesh,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: bgp_ibgp_mesh
short_description: Plan iBGP between the BGP sites of a backbone and the cone they all announce
version_added: 0.1.0
author: hobbynet
description:
  - Takes the hosts of the bird2 group and C(hostvars); the BGP sites are those with C(bird2_asn).
  - "Every pair of BGP sites with C(bird2_bgp_ibgp) on gets one iBGP session per family both have
    a site address of (the first of C(bird2_site_prefixes)), named C(ibgp4_<peer>) or
    C(ibgp6_<peer>) (the peer's first DNS label)."
  - "Every BGP site's cone is the AS's: all C(bird2_own_prefixes) and the C(prefixes) of every
    downstream session of every BGP site, so a downstream's routes are announced wherever the AS
    has transit or peers."
  - "Fails when the BGP sites disagree on C(bird2_asn), when an iBGP session would take the name
    of another session of the host, or when a prefix one site adds to the cone (its
    C(bird2_own_prefixes), its downstreams' C(prefixes)) overlaps the peering LAN of another BGP
    site's IX (C(bird2_ixes)): the cone is announced at that IX too. A site's own IXes are checked
    by P(hobbynet.infra.bgp_plan#filter)."
  - Reads inventory variables, not facts, so the mesh does not depend on C(--limit).
positional: _input, host_vars, default_on
options:
  _input:
    description: The hosts of the group (C(groups[bird2_group])).
    type: list
    elements: string
    required: true
  host_vars:
    description: C(hostvars).
    type: dict
    required: true
  default_on:
    description: The role's default of C(bird2_bgp_ibgp) (C(hostvars) holds no role defaults).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Plan iBGP once for the backbone
  ansible.builtin.set_fact:
    ibgp: "{{ groups['backbone'] | hobbynet.infra.bgp_ibgp_mesh(hostvars, bird2_bgp_ibgp) }}"
  run_once: true

# => {r1: {ibgp: [{name: ibgp4_r2, family: 4, peer: r2, local_address: 10.64.1.1,
#                  neighbor: 10.64.2.1}, ...], cone4: [10.64.0.0/16, 198.19.64.0/24], cone6: [...]}}
"""

RETURN = r"""
_value:
  description: "C({host: {ibgp: [{name, family, peer, local_address, neighbor}], cone4, cone6}})
    for each BGP site."
  type: dict
"""


def bgp_ibgp_mesh(hosts: Any, host_vars: Any = None, default_on: Any = True) -> Any:
    """Thin shell around the pure function."""
    if omitted(host_vars) or not isinstance(hosts, list):
        raise AnsibleFilterError(
            "bgp_ibgp_mesh: the hosts and hostvars are required, e.g. groups['backbone']"
            " | hobbynet.infra.bgp_ibgp_mesh(hostvars)"
        )
    try:
        return _ibgp_mesh(hosts, host_vars, bool(default_on))
    except IbgpInputError as exc:
        raise AnsibleFilterError(f"bgp_ibgp_mesh: {'; '.join(exc.problems)}") from None


class FilterModule:
    """hobbynet.infra.bgp_ibgp_mesh"""

    def filters(self) -> dict[str, Any]:
        return {"bgp_ibgp_mesh": bgp_ibgp_mesh}
