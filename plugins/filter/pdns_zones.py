"""hobbynet.infra.pdns_zones filter: check declared PowerDNS zones and make them canonical."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._pdns import (
    normalize_zones as _normalize_zones,
)

DOCUMENTATION = r"""
name: pdns_zones
short_description: Check declared PowerDNS zones and return them in the form the HTTP API stores
version_added: 0.2.0
author: hobbynet
description:
  - Checks a list of zones declared as code (the role variable C(powerdns_galera_zones)) and
    returns them canonical, sorted by zone name, rrsets sorted by name and type.
  - Names become absolute, lower case, with the trailing dot; C(@) is the apex and a name without
    a trailing dot is relative to the zone (in owner names and in the targets of CNAME, NS, MX,
    SRV, PTR, SOA records).
  - Contents become the text the PowerDNS 4.7 API returns (A and AAAA canonical, TXT and SPF
    quoted and split into 255-byte strings unless already quoted), so the result compares
    equal to a GET once applied.
  - C(nameservers) becomes the apex NS rrset.
  - LUA records are checked before anything is sent, because the API accepts broken LUA and the
    name then answers SERVFAIL. The content must be C(<TYPE> "<code>") with a type a LUA record
    can produce; the code, wrapped as PowerDNS does (C(return <code>) unless it starts with
    C(;)), must have closed strings and comments, balanced brackets, and call only known
    PowerDNS or Lua functions. This is a first line; the role also compiles with luajit.
  - Errors name the zone, the rrset and the problem.
positional: _input
options:
  _input:
    description:
      - "Zones: C([{name, kind (Native|Master, default Native), ttl (default 3600), nameservers,
        rrsets: [{name, type, ttl, records}]}])."
    type: list
    elements: dict
    required: true
seealso:
  - plugin: hobbynet.infra.pdns_zones_plan
    plugin_type: filter
  - plugin: hobbynet.infra.pdns_lua_check_program
    plugin_type: filter
"""

EXAMPLES = r"""
zones: >-
  {{ [{'name': 'example.net', 'nameservers': ['ns1'],
       'rrsets': [{'name': 'www', 'type': 'A', 'ttl': 60, 'records': ['192.0.2.1']},
                  {'name': '@', 'type': 'TXT', 'records': ['v=spf1 -all']},
                  {'name': 'svc', 'type': 'LUA',
                   'records': ["A \"ifportup(443, {'192.0.2.1', '192.0.2.2'})\""]}]}]
     | hobbynet.infra.pdns_zones }}
# => [{"name": "example.net.", "kind": "Native", "rrsets": [
#      {"name": "example.net.", "type": "NS", "ttl": 3600, "records": ["ns1.example.net."]},
#      {"name": "example.net.", "type": "TXT", "ttl": 3600, "records": ["\"v=spf1 -all\""]},
#      {"name": "svc.example.net.", "type": "LUA", "ttl": 3600,
#       "records": ["A \"ifportup(443, {'192.0.2.1', '192.0.2.2'})\""]},
#      {"name": "www.example.net.", "type": "A", "ttl": 60, "records": ["192.0.2.1"]}]}]
"""

RETURN = r"""
_value:
  description: "The zones, canonical: C([{name, kind, rrsets: [{name, type, ttl, records}]}])."
  type: list
  elements: dict
"""


def pdns_zones(zones: Any) -> list[dict[str, Any]]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    try:
        return _normalize_zones(zones)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"pdns_zones: {exc}") from exc


class FilterModule:
    """hobbynet.infra.pdns_zones"""

    def filters(self) -> dict[str, Any]:
        return {"pdns_zones": pdns_zones}
