"""Unit tests for plugins/plugin_utils/_values.py (values in error messages)."""

from __future__ import annotations

from collections import OrderedDict, UserDict, UserList

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import (
    describe,
    type_name,
    unvault,
)


class TaggedStr(str):
    """Like Ansible's _AnsibleTaggedStr."""


class LazyList(list):
    """Like Ansible's _AnsibleLazyTemplateList."""


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "NoneType"),
        (True, "bool"),
        (3, "int"),
        (3.5, "float"),
        ("x", "str"),
        (TaggedStr("x"), "str"),
        (b"x", "bytes"),
        (LazyList([1]), "list"),
        ((1,), "tuple"),
        (OrderedDict(), "dict"),
        (UserDict(), "dict"),
        (UserList(), "list"),
        (object(), "object"),
    ],
)
def test_type_name(value, name):
    assert type_name(value) == name


def test_describe():
    assert describe(TaggedStr("12")) == "'12' (type str)"
    assert describe(None) == "None (type NoneType)"
    long = describe("x" * 100)
    assert long.startswith("'xxx") and "..." in long and long.endswith("(type str)")
    assert len(long.split(" (type")[0]) == 60


class AnsibleVaultEncryptedUnicode:
    """Like ansible-core's (before 2.19): not a str, decrypts itself on str()."""

    def __str__(self):
        return "decrypted secret"


def test_unvault_decrypts_vaulted_values_and_passes_others_through():
    assert unvault(AnsibleVaultEncryptedUnicode()) == "decrypted secret"
    assert isinstance(unvault(AnsibleVaultEncryptedUnicode()), str)
    value = TaggedStr("plain")
    assert unvault(value) is value
    assert unvault(None) is None
