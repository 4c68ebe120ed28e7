"""hobbynet.infra.wg_pubkey filter: the public key of a WireGuard private key."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._wgkeys import (
    MissingDependencyError,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._wgkeys import (
    wg_pubkey as _wg_pubkey,
)

DOCUMENTATION = r"""
name: wg_pubkey
short_description: Public key of a WireGuard private key (like wg pubkey)
version_added: 0.1.0
author: hobbynet
description:
  - Computes the X25519 public key of a base64 WireGuard private key, exactly what
    C(wg pubkey) prints for it (the private key is clamped first, as WireGuard does).
  - Uses the C(cryptography) library; nothing is run on the host.
  - The input must be the canonical base64 encoding of 32 bytes (44 characters ending in C(=)).
    Error messages never contain the key.
positional: _input
options:
  _input:
    description: The private key, base64 (44 characters), for example from C(wg genkey).
    type: string
    required: true
seealso:
  - plugin: hobbynet.infra.wg_keypair
    plugin_type: filter
"""

EXAMPLES = r"""
# RFC 7748 section 6.1, Alice's key pair, in base64
alice_public: "{{ 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=' | hobbynet.infra.wg_pubkey }}"
# => "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="

node_public: "{{ lookup('ansible.builtin.file', 'node.key') | hobbynet.infra.wg_pubkey }}"
"""

RETURN = r"""
_value:
  description: The public key, base64 (44 characters).
  type: str
"""


def wg_pubkey(private: Any) -> str:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    try:
        return _wg_pubkey(private)
    except (TypeError, ValueError, MissingDependencyError) as exc:
        raise AnsibleFilterError(f"wg_pubkey: {exc}") from exc


class FilterModule:
    """hobbynet.infra.wg_pubkey"""

    def filters(self) -> dict[str, Any]:
        return {"wg_pubkey": wg_pubkey}
