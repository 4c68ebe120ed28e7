# Copyright: hobbynet contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a set of files needs to match what a role wants: pure functions, unit-tested.

The module hobbynet.infra.file_set reads each path, asks plan_path() what to change and does only
that. Nothing here touches the file system.
"""

from __future__ import annotations

KINDS = ("file", "directory", "absent")


def parse_mode(value):
    """An octal mode given as a string ("0640", "640") or an int already in octal; None stays None.

    Raises ValueError with a message naming the value.
    """
    if value is None:
        return None
    if isinstance(value, int):
        mode = value
    else:
        text = str(value).strip()
        if not text or any(c not in "01234567" for c in text):
            raise ValueError(f"mode {value!r} is not an octal number such as '0640'")
        mode = int(text, 8)
    if not 0 <= mode <= 0o7777:
        raise ValueError(f"mode {value!r} is out of range")
    return mode


def plan_path(want, have):
    """The changes that bring a path from `have` to `want`, in the order they are made.

    want: dict(state="file"|"directory"|"absent", content=bytes or None, mode=int or None,
               uid=int or None, gid=int or None); None means "leave as it is".
    have: None when the path does not exist, else dict(kind="file"|"directory"|"link"|"other",
          content=bytes or None (files only), mode=int, uid=int, gid=int).

    Returns (changes, refusal): changes is a list of "create", "content", "mode", "owner", "group",
    "remove"; refusal is None or a sentence saying why the path is left alone (a directory where a
    file is wanted, or the reverse: replacing one would lose what it holds).
    """
    state = want["state"]
    if state not in KINDS:
        raise ValueError(f"state {state!r} is not one of {', '.join(KINDS)}")
    if state == "absent":
        if have is None:
            return [], None
        if have["kind"] == "directory":
            return [], "is a directory; only files are removed"
        return ["remove"], None
    if have is not None:
        if state == "file" and have["kind"] not in ("file", "link"):
            return [], f"is a {have['kind']}, not a file; it is left as it is"
        if state == "directory" and have["kind"] != "directory":
            return [], f"is a {have['kind']}, not a directory; it is left as it is"
    if have is None or have["kind"] == "link":
        # A symbolic link is replaced by the file itself (as ansible.builtin.copy does by default).
        return ["create"], None
    changes = []
    if (
        state == "file"
        and want.get("content") is not None
        and have.get("content") != want["content"]
    ):
        changes.append("content")
    if want.get("mode") is not None and have["mode"] != want["mode"]:
        changes.append("mode")
    if want.get("uid") is not None and have["uid"] != want["uid"]:
        changes.append("owner")
    if want.get("gid") is not None and have["gid"] != want["gid"]:
        changes.append("group")
    return changes, None


def temporary_name(basename, token):
    """The name of the candidate written next to the destination before it replaces it.

    It starts with a dot and ends with .hobbynet-new, so the include globs of the daemons whose
    drop-in directories it lands in (*.conf, *.cnf, *.nft) never read a half-written candidate.
    """
    return f".{basename}.{token}.hobbynet-new"


def validate_command(template, path):
    """The validate command with %s replaced by path; a template without %s is refused."""
    if "%s" not in template:
        raise ValueError(f"validate {template!r} has no %s for the candidate file")
    return template.replace("%s", path)
