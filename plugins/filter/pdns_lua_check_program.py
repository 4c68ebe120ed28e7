"""hobbynet.infra.pdns_lua_check_program filter: a Lua program that compiles every LUA record."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._pdns import (
    lua_check_program as _lua_check_program,
)

DOCUMENTATION = r"""
name: pdns_lua_check_program
short_description: A Lua program that compiles the LUA records of declared PowerDNS zones
version_added: 0.2.0
author: hobbynet
description:
  - Returns the source of a Lua 5.1 program that compiles (C(loadstring), nothing is run) the
    chunk PowerDNS would run for every LUA record of O(_input) (C(return <code>), or the code
    after a leading C(;)), prints one line naming the zone, the rrset and the compiler's error
    for each that does not compile, and exits 1 if any failed.
  - Feed it to C(luajit -) (PowerDNS 4.7 on Debian links LuaJIT) on stdin.
  - The record texts are embedded as decimal escapes, so no content can break out of the program.
positional: _input
options:
  _input:
    description: Zones made canonical by P(hobbynet.infra.pdns_zones#filter).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
program: "{{ zones | hobbynet.infra.pdns_zones | hobbynet.infra.pdns_lua_check_program }}"
# => "local failed = 0\nlocal records = {\n  {\"zone\\032example\\046net...\", ...},\n}\n..."
"""

RETURN = r"""
_value:
  description: Lua source; exit status 0 when every record compiles.
  type: str
"""


def pdns_lua_check_program(zones: Any) -> str:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    try:
        return _lua_check_program(zones)
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"pdns_lua_check_program: {exc}") from exc


class FilterModule:
    """hobbynet.infra.pdns_lua_check_program"""

    def filters(self) -> dict[str, Any]:
        return {"pdns_lua_check_program": pdns_lua_check_program}
