"""hobbynet.infra.anycast_plan filter: a host's anycast services, checked and planned for BIRD."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._anycast import (
    AnycastInputError,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._anycast import (
    anycast_plan as _anycast_plan,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: anycast_plan
short_description: Check a host's anycast services and plan their announcement for BIRD
version_added: 0.1.0
author: hobbynet
description:
  - Takes the variables of one host (C(hostvars[inventory_hostname])) and returns the plan that
    roles/bird2 renders, or fails with every problem at once, each naming the variable as the
    inventory wrote it, for example C(bird2_anycast_services[0] (dns) of e1).
  - C(bird2_anycast_prefixes) (AS-wide) must each be one of C(bird2_own_prefixes); they are never
    originated unconditionally, only where a service in them is healthy.
  - "Services (C(bird2_anycast_services)): a unique name; addresses (no prefix length) inside the
    anycast prefixes, one prefix per family, never on two services; a prefix belongs to one
    service; C(interval) and C(timeout) in seconds > 0 with timeout <= interval; C(rise) and
    C(fall) 1..100; at least one check."
  - "Checks: C({dns_soa: ZONE}) (an authoritative SOA answer on every service address; the zone
    must be one of C(powerdns_galera_zones) when that is set), C({replication_lag: SECONDS})
    (the local MariaDB replica's threads run and it lags at most that; the host must be in the
    replica group), C({command: LINE}) (exit 0 means healthy)."
  - A service with a dns_soa check needs its addresses in C(powerdns_galera_pdns_local_addresses)
    when that is set.
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
  - plugin: hobbynet.infra.bgp_plan
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Plan the anycast services
  ansible.builtin.set_fact:
    anycast: "{{ hostvars[inventory_hostname] | hobbynet.infra.anycast_plan(inventory_hostname) }}"

# bird2_anycast_services: [{name: dns, addresses: [192.0.2.53], checks: [{dns_soa: example.net}]}]
# with bird2_anycast_prefixes: [198.51.100.0/24]
# => "anycast_plan: bird2_anycast_services[0] (dns) of e1: address 192.0.2.53 is outside every
#     prefix of bird2_anycast_prefixes (198.51.100.0/24)"
"""

RETURN = r"""
_value:
  description:
    - C(prefixes4)/C(prefixes6) (the AS's anycast prefixes), C(services) (name, addresses4,
      addresses6, prefix4, prefix6, checks, interval, timeout, rise, fall),
      C(announce4)/C(announce6) (the prefixes this host announces while healthy), C(addresses)
      (for lo, with /32 or /128).
  type: dict
"""


def anycast_plan(host_vars: Any, host: Any = None) -> dict[str, Any]:
    """Thin shell around the pure function; its problems become one AnsibleFilterError."""
    if omitted(host) or not isinstance(host, str):
        raise AnsibleFilterError(
            "anycast_plan: the host name is required, e.g. hostvars[inventory_hostname]"
            " | hobbynet.infra.anycast_plan(inventory_hostname)"
        )
    try:
        return _anycast_plan(host, host_vars)
    except AnycastInputError as exc:
        raise AnsibleFilterError(f"anycast_plan: {'; '.join(exc.problems)}") from None
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"anycast_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.anycast_plan"""

    def filters(self) -> dict[str, Any]:
        return {"anycast_plan": anycast_plan}
