"""hobbynet.infra.site_prefixes filter: site prefixes parsed into canonical host and network."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._addr import (
    site_prefixes as _site_prefixes,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: site_prefixes
short_description: Parse a site's prefixes into the address for lo and the network to announce
version_added: 0.1.0
author: hobbynet
description:
  - Takes a list of C(address/prefixlen) strings (IPv4 or IPv6, any mix, in any order) and
    returns one mapping per item, in the same order.
  - C(host) is the address with C(/32) or C(/128), what goes on C(lo); C(prefix) is the network
    with the host bits cleared, what OSPF announces (BIRD refuses a prefix with host bits set).
  - Text is canonical whatever was written - IPv4 as a dotted quad, IPv6 per RFC 5952 (lower
    case, no leading zeros, the longest run of zero groups as C(::)) - and the same on every
    Python version.
  - Accepted - an IPv4 dotted quad without leading zeros or an IPv6 address in hexadecimal
    groups, a slash and a prefix length in digits (0..32 or 0..128). Refused - a netmask after the
    slash, an IPv6 zone index (C(%eth0)), IPv4 embedded in IPv6, a missing prefix length.
  - Null is an empty list. Any item not accepted is an error that names O(name) and lists every
    bad item with its position and the reason.
positional: _input, name
options:
  _input:
    description: The prefixes, for example C(bird2_site_prefixes).
    type: list
    elements: str
    required: true
  name:
    description:
      - How the list is called in error messages, usually the variable and the host, for example
        C(bird2_site_prefixes of r1).
    type: string
    default: prefixes
seealso:
  - plugin: hobbynet.infra.site_address
    plugin_type: filter
  - plugin: hobbynet.infra.site_prefix_conflicts
    plugin_type: filter
"""

EXAMPLES = r"""
prefixes: >-
  {{ ['10.64.1.77/23', '2001:DB8:64:1:0:0:0:1/64']
     | hobbynet.infra.site_prefixes(name='bird2_site_prefixes of ' ~ inventory_hostname) }}
# => [{"family": 4, "host": "10.64.1.77/32", "prefix": "10.64.0.0/23"},
#     {"family": 6, "host": "2001:db8:64:1::1/128", "prefix": "2001:db8:64:1::/64"}]

refused: "{{ ['10.64.1.1'] | hobbynet.infra.site_prefixes(name='bird2_site_prefixes of r1') }}"
# => error: site_prefixes: bird2_site_prefixes of r1: expected a list of address/prefixlen
#    (...); not accepted: item 0: '10.64.1.1' has no /prefixlen
"""

RETURN = r"""
_value:
  description: One mapping per item, in the order given.
  type: list
  elements: dict
  contains:
    family:
      description: The address family, C(4) or C(6).
      type: int
    host:
      description: The address with the full prefix length (C(/32) or C(/128)), canonical text.
      type: str
    prefix:
      description: The network with the host bits cleared and the given length, canonical text.
      type: str
"""


def site_prefixes(prefixes: Any, name: Any = "prefixes") -> list[dict[str, Any]]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if omitted(name):
        name = "prefixes"
    if not isinstance(name, str):
        raise AnsibleFilterError(f"site_prefixes: name must be a string, got {type(name).__name__}")
    try:
        return _site_prefixes(prefixes, str(name))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"site_prefixes: {exc}") from exc


class FilterModule:
    """hobbynet.infra.site_prefixes"""

    def filters(self) -> dict[str, Any]:
        return {"site_prefixes": site_prefixes}
