"""hobbynet.infra.nft_guards_to_load filter: which guard files the kernel must load now."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._firewall import (
    guards_to_load as _guards_to_load,
)

DOCUMENTATION = r"""
name: nft_guards_to_load
short_description: The roles whose nftables guard must be loaded now
version_added: 0.2.0
author: hobbynet
description:
  - O(_input) maps each role to the listeners it publishes for the host (the input of
    M(hobbynet.infra.nft_guard)); the guard of role C(r) is the file C(<config_dir>/r.nft) and the
    table C(inet hobbynet_r).
  - A role is returned when its file was just written (it is in O(changed_paths)), or when the
    kernel disagrees with the file; the table is missing while the role guards a port, or left over
    while it guards none.
positional: _input, changed_paths, loaded_tables, config_dir
options:
  _input:
    description: Listeners by role.
    type: dict
    required: true
  changed_paths:
    description: Paths written in this run (C(changed_paths) of M(hobbynet.infra.file_set)).
    type: list
    elements: str
    required: true
  loaded_tables:
    description: Names of the C(inet) tables loaded now (C(nft list tables inet)).
    type: list
    elements: str
    required: true
  config_dir:
    description: Directory of the guard files.
    type: str
    required: true
seealso:
  - plugin: hobbynet.infra.nft_guard
    plugin_type: filter
"""

EXAMPLES = r"""
to_load: >-
  {{ {'bird2': [], 'maxscale': [{'service': 'router', 'proto': 'tcp', 'port': 3307,
                                 'var': 'maxscale_port', 'allow': ['127.0.0.1']}]}
     | hobbynet.infra.nft_guards_to_load([], ['hobbynet_bird2'], '/etc/hobbynet/firewall') }}
# => ['bird2', 'maxscale']
"""

RETURN = r"""
_value:
  description: Role names, in the order of O(_input).
  type: list
  elements: str
"""


def nft_guards_to_load(
    guards: Any, changed_paths: Any, loaded_tables: Any, config_dir: Any
) -> list[str]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    try:
        return _guards_to_load(guards, changed_paths, loaded_tables, config_dir)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"nft_guards_to_load: {exc}") from exc


class FilterModule:
    """hobbynet.infra.nft_guards_to_load"""

    def filters(self) -> dict[str, Any]:
        return {"nft_guards_to_load": nft_guards_to_load}
