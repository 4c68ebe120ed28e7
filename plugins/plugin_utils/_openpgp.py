"""The fingerprint of an ASCII-armored OpenPGP public key, without gpg.

Pure functions: no Ansible imports, no I/O. A vendor's APT key is pinned by the fingerprint of its
primary key (RFC 4880 section 12.2: SHA-1 over 0x99, the two-octet length and the body of the
version 4 public-key packet), checked on the controller before any host is changed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

PUBLIC_KEY_TAG = 6
ARMOR_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
ARMOR_END = "-----END PGP PUBLIC KEY BLOCK-----"


def dearmor(text: str) -> bytes:
    """The binary packets of one armored public key block."""
    lines = [line.strip() for line in text.strip().splitlines()]
    try:
        start = lines.index(ARMOR_BEGIN)
        end = lines.index(ARMOR_END, start)
    except ValueError:
        raise ValueError("it is not an ASCII-armored public key block") from None
    body = lines[start + 1 : end]
    # Armor headers (Version:, Comment:) end at the first blank line, when there are any.
    if any(":" in line for line in body[:1]) and "" in body:
        body = body[body.index("") + 1 :]
    data = [line for line in body if line and not line.startswith("=")]
    try:
        return base64.b64decode("".join(data), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("its armored data is not valid base64") from None


def _first_packet(data: bytes) -> tuple[int, bytes]:
    """(tag, body) of the first packet."""
    if not data or not data[0] & 0x80:
        raise ValueError("it does not start with an OpenPGP packet")
    first = data[0]
    if first & 0x40:  # new format
        tag = first & 0x3F
        if len(data) < 2:
            raise ValueError("its first packet is truncated")
        octet = data[1]
        if octet < 192:
            length, offset = octet, 2
        elif octet < 224:
            length, offset = ((octet - 192) << 8) + data[2] + 192, 3
        elif octet == 255:
            length, offset = int.from_bytes(data[2:6], "big"), 6
        else:
            raise ValueError("its first packet has a partial length, which a key packet never has")
    else:  # old format
        tag = (first >> 2) & 0x0F
        kind = first & 0x03
        if kind == 3:
            raise ValueError("its first packet has an indeterminate length")
        size = (1, 2, 4)[kind]
        length, offset = int.from_bytes(data[1 : 1 + size], "big"), 1 + size
    body = data[offset : offset + length]
    if len(body) != length:
        raise ValueError("its first packet is truncated")
    return tag, body


def primary_fingerprint(armored: str) -> str:
    """The upper-case hex fingerprint of the primary key of an armored public key block."""
    tag, body = _first_packet(dearmor(armored))
    if tag != PUBLIC_KEY_TAG:
        raise ValueError(f"its first packet is not a public key (tag {tag})")
    if not body or body[0] != 4:
        version = body[0] if body else "unknown"
        raise ValueError(f"its primary key is version {version}; only version 4 keys are supported")
    digest = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body, usedforsecurity=False)
    return digest.hexdigest().upper()
