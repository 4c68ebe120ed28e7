"""hobbynet.infra.wg_psk filter: a WireGuard preshared key for a pair of peers."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._wgkeys import (
    MissingDependencyError,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._wgkeys import (
    wg_psk as _wg_psk,
)

DOCUMENTATION = r"""
name: wg_psk
short_description: Deterministic WireGuard preshared key for a pair of peers
version_added: 0.1.0
author: hobbynet
description:
  - Derives the preshared key of the tunnel between peers O(a) and O(b) from a secret
    (keep it in ansible-vault). Both ends get the same key whichever order they pass the names in.
  - "Derivation: HKDF-SHA256 with input key material the UTF-8 secret, salt
    C(hobbynet.infra wireguard v1) and info C(wg-psk:) followed by the two UTF-8 names in
    sorted order, each preceded by its length as 4 bytes big-endian, 32 bytes, base64.
    The info differs from the one of P(hobbynet.infra.wg_keypair#filter), so preshared keys are
    independent of (and distinct from) every private key."
  - A secret shorter than 32 characters, an empty name or twice the same name is an error.
    Error messages never contain the secret.
positional: _input, a, b
options:
  _input:
    description: The secret, at least 32 characters.
    type: string
    required: true
  a:
    description: One peer's name.
    type: string
    required: true
  b:
    description: The other peer's name.
    type: string
    required: true
seealso:
  - plugin: hobbynet.infra.wg_keypair
    plugin_type: filter
"""

EXAMPLES = r"""
psk: "{{ wg_mesh_secret | hobbynet.infra.wg_psk(inventory_hostname, item.peer) }}"

# "{{ 'correct horse battery staple, 32+ chars' | hobbynet.infra.wg_psk('fra', 'home') }}"
# => "+50mCqMVZXpTVNz7CF5nULSCson7zJ3+r6xuuuecLcE="
# and the same for wg_psk('home', 'fra')
"""

RETURN = r"""
_value:
  description: The preshared key, base64 (44 characters).
  type: str
"""


def wg_psk(secret: Any, a: Any = None, b: Any = None) -> str:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if a is None or b is None:
        raise AnsibleFilterError(
            "wg_psk: two peer names are required, "
            "e.g. secret | hobbynet.infra.wg_psk(inventory_hostname, peer)"
        )
    try:
        return _wg_psk(secret, a, b)
    except (TypeError, ValueError, MissingDependencyError) as exc:
        raise AnsibleFilterError(f"wg_psk: {exc}") from exc


class FilterModule:
    """hobbynet.infra.wg_psk"""

    def filters(self) -> dict[str, Any]:
        return {"wg_psk": wg_psk}
