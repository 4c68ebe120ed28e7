"""hobbynet.infra.wg_keypair filter: a WireGuard key pair derived from a vaulted secret."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._wgkeys import (
    MissingDependencyError,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._wgkeys import (
    wg_keypair as _wg_keypair,
)

DOCUMENTATION = r"""
name: wg_keypair
short_description: Deterministic WireGuard key pair from a secret and a label
version_added: 0.1.0
author: hobbynet
description:
  - Derives a WireGuard key pair from a secret (keep it in ansible-vault) and a label, usually
    the inventory hostname. The same secret and label always give the same keys, so re-runs
    never rotate keys and no key state is stored anywhere.
  - "Derivation: HKDF-SHA256 with input key material the UTF-8 secret, salt
    C(hobbynet.infra wireguard v1) and info C(wg-private:) + the UTF-8 label, 32 bytes,
    then X25519 clamping. The public key is computed with the C(cryptography) library and equals
    what C(wg pubkey) prints for the private key."
  - Anyone with the secret can derive every private key of the mesh; treat it like a root key
    and use C(no_log) on tasks that show private keys.
  - To rotate one node's keys, change its label (for example C(fra#2)).
  - A secret shorter than 32 characters is an error. Error messages never contain the secret.
positional: _input, label
options:
  _input:
    description: The secret, at least 32 characters (for example C(openssl rand -base64 48)).
    type: string
    required: true
  label:
    description: What the key pair is for, usually C(inventory_hostname). Non-empty.
    type: string
    required: true
seealso:
  - plugin: hobbynet.infra.wg_pubkey
    plugin_type: filter
  - plugin: hobbynet.infra.wg_psk
    plugin_type: filter
"""

EXAMPLES = r"""
- name: This node's WireGuard keys
  ansible.builtin.set_fact:
    wg_keys: "{{ wg_mesh_secret | hobbynet.infra.wg_keypair(inventory_hostname) }}"
  no_log: true

# "{{ 'correct horse battery staple, 32+ chars' | hobbynet.infra.wg_keypair('fra') }}"
# => {"private": "WGhHYIynSp5+S6bYbnnBOabBMCg5EnNEEokWYIXWGkk=",
#     "public": "caSupTqfHMCxae0hUswcL7/lhvwimflZgJ8C55DZSn0="}

- name: A peer's public key, computed on the controller from the same secret
  ansible.builtin.set_fact:
    peer_public: "{{ (wg_mesh_secret | hobbynet.infra.wg_keypair(item.peer)).public }}"
"""

RETURN = r"""
_value:
  description: The key pair.
  type: dict
  contains:
    private:
      description: The private key, base64 (44 characters), clamped like C(wg genkey) output.
      type: str
    public:
      description: The public key, base64 (44 characters).
      type: str
"""


def wg_keypair(secret: Any, label: Any = None) -> dict[str, str]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if label is None:
        raise AnsibleFilterError(
            "wg_keypair: the label is required, "
            "e.g. secret | hobbynet.infra.wg_keypair(inventory_hostname)"
        )
    try:
        return _wg_keypair(secret, label)
    except (TypeError, ValueError, MissingDependencyError) as exc:
        raise AnsibleFilterError(f"wg_keypair: {exc}") from exc


class FilterModule:
    """hobbynet.infra.wg_keypair"""

    def filters(self) -> dict[str, Any]:
        return {"wg_keypair": wg_keypair}
