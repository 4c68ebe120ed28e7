"""Describing user-supplied values in error messages.

Pure functions: no Ansible imports, no I/O, no global state.  Ansible hands
plugins subclasses of the builtin types (tagged strings, lazy lists and dicts);
messages name the builtin type the user wrote, never an internal class.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_BUILTINS: tuple[type, ...] = (bool, int, float, str, bytes, list, tuple, dict, set, frozenset)


def type_name(value: Any) -> str:
    """The name of the builtin type ``value`` is an instance of (``str`` for a str subclass)."""
    if value is None:
        return "NoneType"
    for kind in _BUILTINS:
        if isinstance(value, kind):
            return kind.__name__
    if isinstance(value, Mapping):
        return "dict"
    if isinstance(value, Sequence):
        return "list"
    return type(value).__name__


def describe(value: Any, limit: int = 60) -> str:
    """``repr`` of a value (truncated to ``limit`` characters) and its type, for messages."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{text} (type {type_name(value)})"


def omitted(value: Any) -> bool:
    """True for null and for Ansible's ``omit`` (2.19 sentinel or the older placeholder string).

    Recognised by name, so this module stays free of Ansible imports.
    """
    if value is None or type(value).__name__ == "_OmitType":
        return True
    return isinstance(value, str) and value.startswith("__omit_place_holder__")


def unvault(value: Any) -> Any:
    """The text of a value encrypted with ansible-vault; any other value as it is.

    Before ansible-core 2.19 a vaulted variable reaches a filter as an
    ``AnsibleVaultEncryptedUnicode`` (a Sequence, not a str) that decrypts itself on ``str()``;
    2.19 hands over the decrypted str.  Recognised by name, so this module stays free of Ansible
    imports.
    """
    if type(value).__name__ == "AnsibleVaultEncryptedUnicode":
        return str(value)
    return value


def templated_int(value: Any, digits: int, signed: bool = False) -> Any:
    """An integer as written, or as the digits older ansible-core lines template it to.

    A str of at most ``digits`` digits (with a leading ``-`` when ``signed``) becomes an int;
    anything else is returned as it is, for the caller's own check and message.
    """
    sign = "-?" if signed else ""
    pattern = rf"^{sign}[0-9]{{1,{digits}}}\Z"
    if isinstance(value, str) and re.match(pattern, value):
        return int(value)
    return value
