"""hobbynet.infra.ipv4_int filter: an IPv4 address as a 32-bit integer."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._addr import ipv4_int as _ipv4_int

DOCUMENTATION = r"""
name: ipv4_int
short_description: An IPv4 address as an unsigned 32-bit integer (ids derived from addresses)
version_added: 0.1.0
author: hobbynet
description:
  - Returns the IPv4 address O(_input) (a dotted quad without prefix length) as the integer
    C(a*2^24 + b*2^16 + c*2^8 + d), 0..4294967295.
  - The collection derives per-host ids from the contract address with it (MariaDB
    C(gtid_domain_id) and replica C(server_id)), unique when the addresses are and stable
    when the inventory grows.
  - Anything else (a prefix length, leading zeros, IPv6, not a string) is an error.
positional: _input
options:
  _input:
    description: An IPv4 address such as C(10.64.1.1).
    type: string
    required: true
seealso:
  - plugin: hobbynet.infra.site_address
    plugin_type: filter
"""

EXAMPLES = r"""
gtid_domain_id: "{{ '10.64.1.1' | hobbynet.infra.ipv4_int }}"
# => 171966721

server_id: "{{ hostvars['e1'] | hobbynet.infra.site_address | hobbynet.infra.ipv4_int }}"
# => 171967489 (e1's site address is 10.64.4.1)
"""

RETURN = r"""
_value:
  description: The address as an integer 0..4294967295.
  type: int
"""


def ipv4_int(address: Any) -> int:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    try:
        return _ipv4_int(address)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"ipv4_int: {exc}") from exc


class FilterModule:
    """hobbynet.infra.ipv4_int"""

    def filters(self) -> dict[str, Any]:
        return {"ipv4_int": ipv4_int}
