"""hobbynet.infra.pdns_zones_plan filter: the API calls that bring PowerDNS to the zones."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._pdns import (
    zones_plan as _zones_plan,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: pdns_zones_plan
short_description: Plan the PowerDNS HTTP API calls that bring a server to the declared zones
version_added: 0.2.0
author: hobbynet
description:
  - Compares zones made canonical by P(hobbynet.infra.pdns_zones#filter) with what the API
    returned (C(GET /api/v1/servers/localhost/zones) and, per existing declared zone,
    C(GET /api/v1/servers/localhost/zones/<id>)) and returns the calls to make.
  - A zone that is missing is created (POST with all its rrsets). In an existing zone only the
    rrsets whose TTL or set of records differ are sent (PATCH, C(changetype REPLACE)). A
    different kind is changed with PUT.
  - The SOA serial is PowerDNS' business (SOA-EDIT-API); it is ignored in the comparison and a
    changed SOA is sent with the current serial plus one.
  - Nothing that is not declared is deleted unless O(prune) is true; then undeclared rrsets of
    declared zones (never the apex SOA, nor the apex NS unless the zone declares it) and
    undeclared zones are deleted.
  - An empty plan (no C(changes)) means the server already holds the zones.
positional: _input, server_zones, zone_details, prune
options:
  _input:
    description: Declared zones, the output of P(hobbynet.infra.pdns_zones#filter).
    type: list
    elements: dict
    required: true
  server_zones:
    description: The JSON list returned by C(GET /api/v1/servers/localhost/zones).
    type: list
    elements: dict
    required: true
  zone_details:
    description: Zone name (canonical) to the JSON of C(GET /api/v1/servers/localhost/zones/<id>).
    type: dict
    required: true
  prune:
    description: Delete undeclared rrsets and zones.
    type: bool
    default: false
"""

EXAMPLES = r"""
plan: "{{ declared | hobbynet.infra.pdns_zones_plan(server_zones, {}) }}"
# with declared = [{name: example.net., kind: Native, rrsets: [{name: www.example.net., type: A,
#   ttl: 60, records: [192.0.2.1]}]}] and server_zones = []:
# => {"create": [{"name": "example.net.", "kind": "Native", "nameservers": [],
#                 "soa_edit_api": "DEFAULT", "rrsets": [{"name": "www.example.net.", "type": "A",
#                 "ttl": 60, "records": [{"content": "192.0.2.1", "disabled": false}]}]}],
#     "put": [], "patch": [], "delete": [],
#     "changes": ["+ zone example.net. (Native, 1 rrsets)",
#                 "+ example.net. www.example.net. A: ttl 60 ['192.0.2.1']"]}
"""

RETURN = r"""
_value:
  description:
    - C(create) POST bodies; C(put) C({id, name, body}) for PUT; C(patch) C({id, name, body})
      for PATCH; C(delete) C({id, name}); C(changes) one readable line per change.
  type: dict
"""


def pdns_zones_plan(
    declared: Any, server_zones: Any = None, zone_details: Any = None, prune: Any = False
) -> dict[str, Any]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if omitted(server_zones):
        raise AnsibleFilterError("pdns_zones_plan: server_zones is required")
    if omitted(zone_details):
        raise AnsibleFilterError("pdns_zones_plan: zone_details is required")
    if omitted(prune):
        prune = False
    if not isinstance(prune, bool):
        raise AnsibleFilterError(f"pdns_zones_plan: prune must be a boolean, got {prune!r}")
    try:
        return _zones_plan(declared, server_zones, zone_details, prune)
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"pdns_zones_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.pdns_zones_plan"""

    def filters(self) -> dict[str, Any]:
        return {"pdns_zones_plan": pdns_zones_plan}
