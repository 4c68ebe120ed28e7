"""hobbynet.infra.pdns_api_key_hash filter: a PowerDNS API key hashed, stable per host."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._pdns import (
    api_key_hash as _api_key_hash,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: pdns_api_key_hash
short_description: Hash a PowerDNS API key (scrypt) with a stable per-host salt
version_added: 0.2.0
author: hobbynet
description:
  - Returns the C($scrypt$ln=10,p=1,r=8$<salt>$<hash>) form PowerDNS 4.6 and later accept for
    C(api-key) (the form C(pdnsutil hash-password) prints), so the plain key is not stored in
    the configuration file.
  - The salt is derived from the key and O(salt_seed) (use the host name) instead of being
    random, so the rendered file does not change from one run to the next.
  - A key shorter than 16 characters, or one already hashed, is an error; the message never
    contains the key.
positional: _input, salt_seed
options:
  _input:
    description: The plain API key (vaulted).
    type: str
    required: true
  salt_seed:
    description: Any per-host string, e.g. C(inventory_hostname).
    type: str
    required: true
"""

EXAMPLES = r"""
api_key_line: "api-key={{ 'lab-api-key-0123456789' | hobbynet.infra.pdns_api_key_hash('g1') }}"
# => "api-key=$scrypt$ln=10,p=1,r=8$<base64 salt>$<base64 hash>"
"""

RETURN = r"""
_value:
  description: The hashed key.
  type: str
"""


def pdns_api_key_hash(key: Any, salt_seed: Any = None) -> str:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if omitted(salt_seed):
        raise AnsibleFilterError("pdns_api_key_hash: salt_seed is required")
    try:
        return _api_key_hash(key, salt_seed)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"pdns_api_key_hash: {exc}") from exc


class FilterModule:
    """hobbynet.infra.pdns_api_key_hash"""

    def filters(self) -> dict[str, Any]:
        return {"pdns_api_key_hash": pdns_api_key_hash}
