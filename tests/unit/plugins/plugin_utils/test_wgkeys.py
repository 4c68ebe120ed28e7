"""Unit tests for plugins/plugin_utils/_wgkeys.py (wg_keypair, wg_pubkey, wg_psk)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import shutil
import subprocess

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._wgkeys import (
    clamp,
    decode_key,
    wg_keypair,
    wg_psk,
    wg_pubkey,
)
from hypothesis import given
from hypothesis import strategies as st

SECRET = "correct horse battery staple, 32+ chars"
OTHER_SECRET = "Correct horse battery staple, 32+ chars"


def b64(hex_text: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_text)).decode()


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 written out with the standard library, independent of `cryptography`."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def test_hkdf_helper_matches_rfc5869_case_1():
    okm = hkdf_sha256(
        bytes.fromhex("0b" * 22),
        bytes.fromhex("000102030405060708090a0b0c"),
        bytes.fromhex("f0f1f2f3f4f5f6f7f8f9"),
        42,
    )
    assert okm.hex() == (
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )


# ------------------------------------------------------------------ wg_pubkey

# RFC 7748 section 6.1 (X25519 Diffie-Hellman)
ALICE_PRIVATE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
ALICE_PUBLIC = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
BOB_PRIVATE = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
BOB_PUBLIC = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"


@pytest.mark.parametrize(
    ("private", "public"), [(ALICE_PRIVATE, ALICE_PUBLIC), (BOB_PRIVATE, BOB_PUBLIC)]
)
def test_wg_pubkey_rfc7748_vectors(private, public):
    assert wg_pubkey(b64(private)) == b64(public)


def test_wg_pubkey_known_base64():
    assert wg_pubkey("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=") == (
        "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
    )


@given(st.binary(min_size=32, max_size=32))
def test_wg_pubkey_clamps_like_wireguard(raw):
    # WireGuard clamps the private key before use, so clamping first changes nothing
    public = wg_pubkey(base64.b64encode(raw).decode())
    assert public == wg_pubkey(base64.b64encode(clamp(raw)).decode())
    assert len(public) == 44
    assert len(base64.b64decode(public)) == 32


@pytest.mark.parametrize(
    ("value", "exc", "fragment"),
    [
        (None, TypeError, "type NoneType"),
        (b"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=", TypeError, "type bytes"),
        ("", ValueError, "got 0 characters"),
        ("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo", ValueError, "got 43 characters"),
        ("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo==", ValueError, "got 45 characters"),
        ("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LC!=", ValueError, "not valid base64"),
        ("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L===", ValueError, "not valid base64"),
        ("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCr=", ValueError, "not the canonical"),
        ("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo ", ValueError, "not valid base64"),
    ],
)
def test_wg_pubkey_rejects(value, exc, fragment):
    with pytest.raises(exc) as info:
        wg_pubkey(value)
    message = str(info.value)
    assert fragment in message
    assert "private key" in message
    if isinstance(value, str) and value:
        assert value.strip("= ") not in message  # the key is never echoed


def test_decode_key_roundtrip():
    assert decode_key(b64(ALICE_PRIVATE)) == bytes.fromhex(ALICE_PRIVATE)


# ------------------------------------------------------------------ wg_keypair


def test_wg_keypair_known_answer_and_derivation():
    pair = wg_keypair(SECRET, "fra")
    expected_private = clamp(
        hkdf_sha256(SECRET.encode(), b"hobbynet.infra wireguard v1", b"wg-private:fra")
    )
    assert pair == {
        "private": base64.b64encode(expected_private).decode(),
        "public": wg_pubkey(base64.b64encode(expected_private).decode()),
    }
    # pinned: any change to the derivation would rotate every key of every mesh
    assert pair == {
        "private": "WGhHYIynSp5+S6bYbnnBOabBMCg5EnNEEokWYIXWGkk=",
        "public": "caSupTqfHMCxae0hUswcL7/lhvwimflZgJ8C55DZSn0=",
    }


def test_wg_keypair_private_is_clamped_and_unicode_label():
    pair = wg_keypair(SECRET, "zürich-1")
    raw = base64.b64decode(pair["private"])
    assert raw[0] & 7 == 0
    assert raw[31] & 0x80 == 0
    assert raw[31] & 0x40 == 0x40
    expected = hkdf_sha256(
        SECRET.encode(), b"hobbynet.infra wireguard v1", "wg-private:zürich-1".encode()
    )
    assert raw == clamp(expected)


def test_wg_keypair_deterministic_and_label_bound():
    assert wg_keypair(SECRET, "fra") == wg_keypair(SECRET, "fra")
    assert wg_keypair(SECRET, "fra") != wg_keypair(SECRET, "home")
    assert wg_keypair(SECRET, "fra") != wg_keypair(OTHER_SECRET, "fra")
    assert wg_keypair(SECRET, "fra")["private"] != wg_keypair(SECRET, "fra#2")["private"]


def test_wg_keypair_secret_exactly_32_chars():
    assert len(wg_keypair("x" * 32, "a")["public"]) == 44
    # characters, not bytes: 32 multi-byte characters are fine
    assert len(wg_keypair("é" * 32, "a")["private"]) == 44


@pytest.mark.parametrize(
    ("secret", "label", "exc", "fragment"),
    [
        ("s" * 31, "fra", ValueError, "secret is too short: 31 characters, need at least 32"),
        ("", "fra", ValueError, "0 characters"),
        (None, "fra", TypeError, "secret must be a string, got a value of type NoneType"),
        (12345678901234567890123456789012345, "fra", TypeError, "type int"),
        (SECRET, "", ValueError, "label must be a non-empty string"),
        (SECRET, 7, TypeError, "label must be a non-empty string, got 7 (type int)"),
        (SECRET, None, TypeError, "label"),
    ],
)
def test_wg_keypair_rejects(secret, label, exc, fragment):
    with pytest.raises(exc) as info:
        wg_keypair(secret, label)
    assert fragment in str(info.value)
    if isinstance(secret, str) and secret:
        assert secret not in str(info.value)


def test_short_secret_not_in_message():
    secret = "hunter2-is-my-password"
    with pytest.raises(ValueError) as info:
        wg_keypair(secret, "fra")
    assert "hunter2" not in str(info.value)
    with pytest.raises(ValueError) as info:
        wg_psk(secret, "a", "b")
    assert "hunter2" not in str(info.value)


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_prop_keypair_consistent(label_a, label_b):
    pair = wg_keypair(SECRET, label_a)
    assert len(pair["private"]) == len(pair["public"]) == 44
    assert wg_pubkey(pair["private"]) == pair["public"]
    if label_a != label_b:
        assert wg_keypair(SECRET, label_b)["private"] != pair["private"]


# ------------------------------------------------------------------ wg_psk


def test_wg_psk_known_answer_and_derivation():
    info = b"wg-psk:" + (4).to_bytes(4, "big") + b"home" + (3).to_bytes(4, "big") + b"fra"
    info_sorted = b"wg-psk:" + (3).to_bytes(4, "big") + b"fra" + (4).to_bytes(4, "big") + b"home"
    expected = hkdf_sha256(SECRET.encode(), b"hobbynet.infra wireguard v1", info_sorted)
    assert wg_psk(SECRET, "fra", "home") == base64.b64encode(expected).decode()
    assert (
        wg_psk(SECRET, "fra", "home")
        != base64.b64encode(
            hkdf_sha256(SECRET.encode(), b"hobbynet.infra wireguard v1", info)
        ).decode()
    )
    assert wg_psk(SECRET, "fra", "home") == "+50mCqMVZXpTVNz7CF5nULSCson7zJ3+r6xuuuecLcE="


def test_wg_psk_unambiguous_pairs():
    # a naive join would make these equal
    assert wg_psk(SECRET, "a", "bc") != wg_psk(SECRET, "ab", "c")
    assert wg_psk(SECRET, "a:b", "c") != wg_psk(SECRET, "a", "b:c")


@pytest.mark.parametrize(
    ("a", "b", "exc", "fragment"),
    [
        ("fra", "fra", ValueError, "a and b must name two different peers, got 'fra' twice"),
        ("fra", "", ValueError, "b must be a non-empty string"),
        (1, "fra", TypeError, "a must be a non-empty string"),
        ("fra", ["home"], TypeError, "b must be a non-empty string"),
    ],
)
def test_wg_psk_rejects(a, b, exc, fragment):
    with pytest.raises(exc) as info:
        wg_psk(SECRET, a, b)
    assert fragment in str(info.value)


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_prop_psk_symmetric_and_distinct_from_private_keys(a, b):
    if a == b:
        with pytest.raises(ValueError):
            wg_psk(SECRET, a, b)
        return
    psk = wg_psk(SECRET, a, b)
    assert psk == wg_psk(SECRET, b, a)
    assert len(psk) == 44 and len(base64.b64decode(psk)) == 32
    assert psk not in {wg_keypair(SECRET, x)["private"] for x in (a, b, f"{a}{b}", f"{b}{a}")}
    assert psk != wg_psk(OTHER_SECRET, a, b)


# ------------------------------------------------------------------ wg binary


@pytest.mark.skipif(shutil.which("wg") is None, reason="wireguard-tools (wg) is not installed")
@pytest.mark.parametrize("label", ["fra", "home", "nyc"])
def test_matches_wg_pubkey_binary(label):
    pair = wg_keypair(SECRET, label)
    out = subprocess.run(
        ["wg", "pubkey"], input=pair["private"] + "\n", capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == pair["public"]
    generated = subprocess.run(["wg", "genkey"], capture_output=True, text=True, check=True)
    private = generated.stdout.strip()
    expected = subprocess.run(
        ["wg", "pubkey"], input=private + "\n", capture_output=True, text=True, check=True
    )
    assert wg_pubkey(private) == expected.stdout.strip()
