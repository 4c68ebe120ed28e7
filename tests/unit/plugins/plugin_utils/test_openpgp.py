"""Unit tests for plugins/plugin_utils/_openpgp.py (the fingerprint of an armored public key)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._openpgp import (
    dearmor,
    primary_fingerprint,
)

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "adsb"


@pytest.mark.parametrize(
    ("name", "fingerprint"),
    [
        # As gpg --with-colons --fingerprint printed them when the test keys were made.
        ("lab-vendor-key.asc", "8EBD688EFF4055A3C85B110568314F3772DB9F44"),  # ed25519
        ("rsa-test-key.asc", "0CD1C97F1935E6F933B95B69769E8C762FAC2768"),  # rsa2048
    ],
)
def test_the_fingerprint_is_gpgs(name, fingerprint):
    assert primary_fingerprint((FIXTURES / name).read_text()) == fingerprint


def test_armor_headers_and_the_checksum_line_are_skipped():
    text = (FIXTURES / "lab-vendor-key.asc").read_text()
    lines = text.splitlines()
    with_header = "\n".join(
        [lines[0], "Comment: hobbynet test", ""] + [line for line in lines[1:] if line]
    )
    assert primary_fingerprint(with_header) == primary_fingerprint(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not a key", "not an ASCII-armored public key block"),
        (
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----",
            "not valid base64",
        ),
        (
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----",
            "OpenPGP packet",
        ),
    ],
)
def test_broken_keys_are_refused_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        primary_fingerprint(text)


def test_a_signature_packet_first_is_not_a_key():
    # New-format packet, tag 2 (signature), length 1.
    import base64

    body = base64.b64encode(bytes([0xC2, 0x01, 0x04])).decode()
    text = f"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n{body}\n-----END PGP PUBLIC KEY BLOCK-----"
    with pytest.raises(ValueError, match="not a public key"):
        primary_fingerprint(text)
    assert dearmor(text) == bytes([0xC2, 0x01, 0x04])
