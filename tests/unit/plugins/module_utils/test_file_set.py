"""What file_set changes to bring each path to what the role wants, and what it refuses."""

from __future__ import annotations

import pytest
from ansible_collections.hobbynet.infra.plugins.module_utils._file_set import (
    parse_mode,
    plan_path,
    temporary_name,
    validate_command,
)


def file_(content=b"x\n", mode=0o644, uid=0, gid=0, kind="file"):
    return dict(kind=kind, content=content, mode=mode, uid=uid, gid=gid)


def want(state="file", content=b"x\n", mode=0o644, uid=0, gid=0):
    return dict(state=state, content=content, mode=mode, uid=uid, gid=gid)


@pytest.mark.parametrize(
    ("value", "mode"),
    [("0640", 0o640), ("640", 0o640), ("0755", 0o755), (0o600, 0o600), (None, None)],
)
def test_parse_mode(value, mode):
    assert parse_mode(value) == mode


@pytest.mark.parametrize("value", ["u=rw", "0968", "", "77777"])
def test_parse_mode_refuses(value):
    with pytest.raises(ValueError, match="mode"):
        parse_mode(value)


def test_equal_file_needs_nothing():
    assert plan_path(want(), file_()) == ([], None)


def test_new_path_is_created():
    assert plan_path(want(), None) == (["create"], None)
    assert plan_path(want("directory", None, 0o750), None) == (["create"], None)


def test_each_difference_is_named():
    changes, refusal = plan_path(want(content=b"y\n", mode=0o640, gid=5), file_())
    assert changes == ["content", "mode", "group"]
    assert refusal is None
    assert plan_path(want(uid=107), file_()) == (["owner"], None)


def test_unset_attributes_are_left_alone():
    assert plan_path(want(mode=None, uid=None, gid=None), file_(mode=0o600, uid=3, gid=4)) == (
        [],
        None,
    )


def test_directory_attributes_only():
    have = file_(content=None, mode=0o755, kind="directory")
    assert plan_path(want("directory", None, 0o750), have) == (["mode"], None)
    assert plan_path(want("directory", None, 0o755), have) == ([], None)


def test_symlink_is_replaced_by_the_file():
    assert plan_path(want(), file_(kind="link", content=None)) == (["create"], None)


def test_kind_mismatches_are_refused_never_replaced():
    changes, refusal = plan_path(want(), file_(kind="directory", content=None))
    assert changes == []
    assert "not a file" in refusal
    changes, refusal = plan_path(want("directory", None, 0o755), file_())
    assert changes == []
    assert "not a directory" in refusal


def test_absent():
    assert plan_path(want("absent"), None) == ([], None)
    assert plan_path(want("absent"), file_()) == (["remove"], None)
    assert plan_path(want("absent"), file_(kind="link", content=None)) == (["remove"], None)
    changes, refusal = plan_path(want("absent"), file_(kind="directory", content=None))
    assert changes == []
    assert "directory" in refusal


def test_unknown_state_is_refused():
    with pytest.raises(ValueError, match="state 'link'"):
        plan_path(want("link"), None)


def test_temporary_name_is_hidden_from_include_globs():
    name = temporary_name("hobbynet.conf", "abc")
    assert name.startswith(".")
    assert not name.endswith((".conf", ".cnf", ".nft"))


def test_validate_command():
    assert validate_command("nft -c -f %s", "/etc/x") == "nft -c -f /etc/x"
    with pytest.raises(ValueError, match="no %s"):
        validate_command("nft -c -f", "/etc/x")
