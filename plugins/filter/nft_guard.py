"""hobbynet.infra.nft_guard filter: an nftables table that guards the ports of a role."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._firewall import (
    nft_guard as _nft_guard,
)

DOCUMENTATION = r"""
name: nft_guard
short_description: An nftables script that limits a role's ports to the sources that need them
version_added: 0.1.0
author: hobbynet
description:
  - O(_input) is the list of listeners one role publishes for a host (see
    M(hobbynet.infra.listener_conflicts) for their form). Listeners with an C(allow) list are
    guarded; open ones (C(allow) null) get no rule.
  - The script, loaded with C(nft -f), replaces the table C(inet <table>) in one transaction
    (declare, flush, define; the chain's type and priority never change). Its input
    chain has policy accept and only drops packets to a guarded port from a source outside the
    port's allow list (loopback always passes), so it never widens what another table drops and
    never touches other ports.
  - Every TCP port of O(keep_open) (SSH, the Ansible connection) is accepted first; guarding one
    of them is an error.
  - With no guarded listener, the script only deletes the table.
positional: _input, table
options:
  _input:
    description: The role's listeners for one host.
    type: list
    elements: dict
    required: true
  table:
    description: Name of the nftables table (letters, digits, underscores).
    type: str
    required: true
  keep_open:
    description: TCP ports that are always accepted (SSH and the Ansible connection).
    type: list
    elements: int
    default: [22]
  comment:
    description: Who manages the file, for its first line.
    type: str
    default: hobbynet.infra
seealso:
  - plugin: hobbynet.infra.listener_conflicts
    plugin_type: filter
"""

EXAMPLES = r"""
ruleset: >-
  {{ [{'service': 'MariaDB', 'proto': 'tcp', 'port': 3306, 'var': 'powerdns_galera_port',
       'allow': ['10.64.2.1', '10.64.3.1']}]
     | hobbynet.infra.nft_guard('hobbynet_powerdns_galera', keep_open=[22]) }}
# => |
#   table inet hobbynet_powerdns_galera
#   flush table inet hobbynet_powerdns_galera
#   table inet hobbynet_powerdns_galera {
#     chain input {
#       type filter hook input priority filter - 10; policy accept;
#       tcp dport { 22 } accept
#       iifname "lo" accept
#       tcp dport 3306 ip saddr { 10.64.2.1/32, 10.64.3.1/32 } accept
#       tcp dport 3306 counter drop
#     }
#   }
"""

RETURN = r"""
_value:
  description: The nftables script (text for C(nft -f)), with a managed-file header.
  type: str
"""


def nft_guard(
    listeners: Any, table: Any, keep_open: Any = (22,), comment: Any = "hobbynet.infra"
) -> str:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    try:
        return _nft_guard(listeners, table, keep_open, comment)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"nft_guard: {exc}") from exc


class FilterModule:
    """hobbynet.infra.nft_guard"""

    def filters(self) -> dict[str, Any]:
        return {"nft_guard": nft_guard}
