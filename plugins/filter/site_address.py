"""hobbynet.infra.site_address filter: a host's address per the DNS contract."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._addr import host_site_address

DOCUMENTATION = r"""
name: site_address
short_description: A host's address per the DNS contract (database, Galera, replication, router)
version_added: 0.1.0
author: hobbynet
description:
  - Takes the variables of one host (C(hostvars[host])) and returns its contract address, the one
    rule every role of the collection uses - C(powerdns_galera_address) when it is set (not null,
    not empty), else the address of the first IPv4 item of C(bird2_site_prefixes) without its
    prefix length, else null.
  - An explicit C(powerdns_galera_address) is returned as written; the roles check that it is an
    address of the family they need and name the variable when it is not.
  - C(bird2_site_prefixes) is only read when C(powerdns_galera_address) is not set; then a list that
    P(hobbynet.infra.site_prefixes#filter) refuses is an error naming the variable and the host
    (C(inventory_hostname) of the input).
positional: _input
options:
  _input:
    description: The host's variables, C(hostvars[host]), or any mapping with those keys.
    type: dict
    required: true
seealso:
  - plugin: hobbynet.infra.site_prefixes
    plugin_type: filter
  - plugin: hobbynet.infra.ipv4_int
    plugin_type: filter
"""

EXAMPLES = r"""
# r1 has bird2_site_prefixes: [10.64.1.1/24, "2001:db8:64:1::1/64"] and no powerdns_galera_address.
address: "{{ hostvars['r1'] | hobbynet.infra.site_address }}"
# => "10.64.1.1"

explicit: >-
  {{ {'powerdns_galera_address': '192.0.2.7', 'bird2_site_prefixes': ['10.64.1.1/24']}
     | hobbynet.infra.site_address }}
# => "192.0.2.7"

none: "{{ {'bird2_site_prefixes': ['2001:db8:64:1::1/64']} | hobbynet.infra.site_address }}"
# => null
"""

RETURN = r"""
_value:
  description: The contract address without prefix length, or null when the host has none.
  type: str
"""


def site_address(host_vars: Any) -> str | None:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    try:
        return host_site_address(host_vars)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"site_address: {exc}") from exc


class FilterModule:
    """hobbynet.infra.site_address"""

    def filters(self) -> dict[str, Any]:
        return {"site_address": site_address}
