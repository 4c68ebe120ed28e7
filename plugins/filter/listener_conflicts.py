"""hobbynet.infra.listener_conflicts filter: ports that two services of one host claim."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._firewall import (
    listener_conflicts as _listener_conflicts,
)

DOCUMENTATION = r"""
name: listener_conflicts
short_description: Messages for every port that two services of one host claim
version_added: 0.1.0
author: hobbynet
description:
  - O(_input) maps a role name to the listeners that role publishes for one host
    (C(wireguard_mesh_listeners), C(powerdns_galera_listeners), C(maxscale_listeners), ...).
  - A listener is a mapping C(service), C(proto) (tcp or udp), C(port), C(var) (the inventory
    variable that sets the port) and C(allow) (null for a port open to all, else a list of
    addresses or prefixes allowed to connect).
  - Returns one message per protocol and port claimed by more than one service, naming every
    variable involved; an empty list when there is no conflict.
positional: _input, host
options:
  _input:
    description: Role name to list of listeners, for one host.
    type: dict
    required: true
  host:
    description: The host's name, used in the messages.
    type: str
    default: this host
seealso:
  - plugin: hobbynet.infra.nft_guard
    plugin_type: filter
"""

EXAMPLES = r"""
conflicts: >-
  {{ {'wireguard_mesh': [{'service': 'WireGuard tunnel wg_r2', 'proto': 'udp', 'port': 53,
                          'var': 'wireguard_mesh_port_base', 'allow': none}],
      'powerdns_galera': [{'service': 'DNS', 'proto': 'udp', 'port': 53,
                           'var': 'powerdns_galera_pdns_local_port', 'allow': none}]}
     | hobbynet.infra.listener_conflicts('r1') }}
# => ["r1: udp/53 is claimed by more than one service: powerdns_galera_pdns_local_port
#     (DNS, role powerdns_galera); wireguard_mesh_port_base (WireGuard tunnel wg_r2,
#     role wireguard_mesh)"]
"""

RETURN = r"""
_value:
  description: One message per conflicting protocol and port, sorted; empty when none.
  type: list
  elements: str
"""


def listener_conflicts(by_role: Any, host: Any = "this host") -> list[str]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    try:
        return _listener_conflicts(by_role, str(host))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"listener_conflicts: {exc}") from exc


class FilterModule:
    """hobbynet.infra.listener_conflicts"""

    def filters(self) -> dict[str, Any]:
        return {"listener_conflicts": listener_conflicts}
