"""Deterministic WireGuard keys derived from one (vaulted) secret.

Pure functions: no Ansible imports, no I/O, no randomness, no global state.
Used by the ``hobbynet.infra.wg_keypair``, ``hobbynet.infra.wg_pubkey`` and
``hobbynet.infra.wg_psk`` filters.

Derivation (version 1; changing any constant below rotates every key):

* private key of ``label``: ``HKDF-SHA256(ikm=secret, salt=SALT,
  info=b"wg-private:" + label, length=32)``, then X25519 clamping (exactly what
  ``wg genkey`` output looks like).
* preshared key of a pair: ``HKDF-SHA256(ikm=secret, salt=SALT, info=b"wg-psk:" +
  lp(min(a, b)) + lp(max(a, b)), length=32)`` where ``lp(x)`` is the 4-byte
  big-endian length of the UTF-8 bytes of ``x`` followed by those bytes.  The
  two info prefixes differ, so preshared keys and private keys come from
  independent HKDF outputs.

Error messages never contain a secret or a private key, only its type and length.

The ``cryptography`` library is needed only when a key is computed: without it this module (and
the three filters) still load, so ``ansible-doc`` and the other filters work, and each call raises
:class:`MissingDependencyError` naming what to install.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ._values import describe, type_name, unvault

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
except ImportError as exc:
    CRYPTOGRAPHY_IMPORT_ERROR: ImportError | None = exc
else:
    CRYPTOGRAPHY_IMPORT_ERROR = None

SALT = b"hobbynet.infra wireguard v1"
INFO_PRIVATE = b"wg-private:"
INFO_PSK = b"wg-psk:"
MIN_SECRET_CHARS = 32
KEY_BYTES = 32
KEY_B64_CHARS = 44


class MissingDependencyError(RuntimeError):
    """A library the key derivation needs is not installed on the controller."""


def _require_cryptography() -> None:
    if CRYPTOGRAPHY_IMPORT_ERROR is not None:
        raise MissingDependencyError(
            "the Python library 'cryptography' is required on the controller to compute "
            "WireGuard keys; install it into the Python that runs Ansible "
            f"(pip install cryptography): {CRYPTOGRAPHY_IMPORT_ERROR}"
        ) from CRYPTOGRAPHY_IMPORT_ERROR


def _check_secret(secret: Any) -> bytes:
    secret = unvault(secret)
    if isinstance(secret, bytes):
        raw = bytes(secret)
        length = len(raw)
    elif isinstance(secret, str):
        raw = str(secret).encode("utf-8")
        length = len(secret)
    else:
        raise TypeError(f"secret must be a string, got a value of type {type_name(secret)}")
    if length < MIN_SECRET_CHARS:
        raise ValueError(
            f"secret is too short: {length} characters, need at least {MIN_SECRET_CHARS} "
            "(use e.g. `openssl rand -base64 48` and keep it in ansible-vault)"
        )
    return raw


def _check_label(label: Any, what: str) -> bytes:
    if not isinstance(label, str):
        raise TypeError(f"{what} must be a non-empty string, got {describe(label)}")
    if not label:
        raise ValueError(f"{what} must be a non-empty string, got ''")
    return str(label).encode("utf-8")


def _hkdf(secret: bytes, info: bytes) -> bytes:
    _require_cryptography()
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=SALT, info=info).derive(secret)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def clamp(raw: bytes) -> bytes:
    """X25519 clamping (RFC 7748 section 5) of a 32-byte scalar."""
    if len(raw) != KEY_BYTES:
        raise ValueError(f"a key is {KEY_BYTES} bytes, got {len(raw)}")
    key = bytearray(raw)
    key[0] &= 248
    key[31] &= 127
    key[31] |= 64
    return bytes(key)


def decode_key(value: Any, what: str = "key") -> bytes:
    """Decode a WireGuard key: canonical base64 of 32 bytes (44 characters, one '=')."""
    if not isinstance(value, str):
        raise TypeError(
            f"{what} must be a base64 string of {KEY_B64_CHARS} characters, "
            f"got a value of type {type_name(value)}"
        )
    text = str(value)
    if len(text) != KEY_B64_CHARS:
        raise ValueError(
            f"{what} must be {KEY_B64_CHARS} base64 characters encoding {KEY_BYTES} bytes "
            f"(as printed by `wg genkey`), got {len(text)} characters"
        )
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            f"{what} is not valid base64 ({KEY_B64_CHARS} characters from A-Z a-z 0-9 + / "
            "ending in '=')"
        ) from None
    if len(raw) != KEY_BYTES or _b64(raw) != text:
        raise ValueError(f"{what} is not the canonical base64 encoding of {KEY_BYTES} bytes")
    return raw


def public_from_private_bytes(private: bytes) -> bytes:
    """X25519 public key (the base point multiplied by the clamped scalar)."""
    _require_cryptography()
    key = X25519PrivateKey.from_private_bytes(private)
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def wg_pubkey(private: Any) -> str:
    """Public key of a base64 WireGuard private key, exactly as ``wg pubkey`` prints it."""
    return _b64(public_from_private_bytes(decode_key(private, "private key")))


def wg_keypair(secret: Any, label: Any) -> dict[str, str]:
    """``{private, public}`` for ``label`` derived from ``secret`` (base64, 44 chars each)."""
    ikm = _check_secret(secret)
    info = INFO_PRIVATE + _check_label(label, "label")
    private = clamp(_hkdf(ikm, info))
    return {"private": _b64(private), "public": _b64(public_from_private_bytes(private))}


def _length_prefixed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def wg_psk(secret: Any, a: Any, b: Any) -> str:
    """Preshared key for the unordered pair ``{a, b}`` derived from ``secret`` (base64)."""
    ikm = _check_secret(secret)
    raw_a = _check_label(a, "a")
    raw_b = _check_label(b, "b")
    if raw_a == raw_b:
        raise ValueError(f"a and b must name two different peers, got {a!r} twice")
    lo, hi = sorted((raw_a, raw_b))
    return _b64(_hkdf(ikm, INFO_PSK + _length_prefixed(lo) + _length_prefixed(hi)))
