#!/usr/bin/python
# Copyright: hobbynet contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: file_set
short_description: Write a set of files and directories, and remove files, in one call
version_added: 0.2.0
author: hobbynet contributors (@hobbynet)
description:
  - Brings each path of O(files) to its wanted state in list order, in one module call per host
    instead of one per file (a role's settings, units and scripts are written by one task).
  - A file whose content changes is written to a hidden candidate next to it (with its final
    owner and mode), checked with O(files[].validate) when given, and moved over the old file
    atomically; a candidate that fails the check is removed and the task fails, naming the path.
    Files earlier in the list are in place by then, so a checker written by this call can
    validate the files after it.
  - Returns which paths changed, so a task or handler can react to one file of the set.
  - Never replaces a directory by a file or a file by a directory, and removes files only
    (O(files[].state=absent)), never directories.
options:
  files:
    description: The paths and what each must be, in the order they are handled.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path.
        type: path
        required: true
      state:
        description:
          - V(file) writes O(files[].content) or O(files[].secret_content); V(directory) creates
            the directory (parents too); V(absent) removes a file or symbolic link.
        type: str
        choices: [file, directory, absent]
        default: file
      content:
        description: The whole file (shown in diffs).
        type: str
      secret_content:
        description:
          - The whole file, when it holds a secret. Never logged; diffs only say the file
            changed.
        type: str
      owner:
        description: User name that owns the path (new paths default to root).
        type: str
      group:
        description: Group name of the path (new paths default to root).
        type: str
      mode:
        description: Octal mode as a string, for example V('0640'). Required for new paths.
        type: raw
      validate:
        description:
          - Command that checks a changed file before it replaces the old one; C(%s) is the
            candidate's path. It runs without a shell.
        type: str
      initial:
        description:
          - V(true) for a file another program keeps up to date once it exists (a state file);
            written when the path does not exist, and otherwise left as it is, content and
            attributes alike. V(state=absent) still removes it.
        type: bool
        default: false
attributes:
  check_mode:
    description: Reports what would change and writes nothing (validation is skipped).
    support: full
  diff_mode:
    description: Shows each changed file's content, except secret files, and attribute changes.
    support: full
seealso:
  - module: ansible.builtin.template
  - module: ansible.builtin.copy
  - module: ansible.builtin.file
"""

EXAMPLES = r"""
- name: Write the settings and the units in one call
  hobbynet.infra.file_set:
    files:
      - path: /etc/example
        state: directory
        mode: "0755"
      - path: /etc/example/example.conf
        content: "{{ lookup('ansible.builtin.template', 'example.conf.j2') }}"
        group: example
        mode: "0640"
        validate: example --check-config %s
      - path: /etc/example/secrets.conf
        secret_content: "{{ lookup('ansible.builtin.template', 'secrets.conf.j2') }}"
        mode: "0600"
      - path: /etc/example/old.conf
        state: absent
  register: example_files

- name: Restart when the settings changed
  ansible.builtin.systemd_service:
    name: example.service
    state: restarted
  when: "'/etc/example/example.conf' in example_files.changed_paths"
"""

RETURN = r"""
changed_paths:
  description: Paths that were (or in check mode would be) created, changed or removed.
  returned: always
  type: list
  elements: str
changes:
  description: For each changed path, what changed (create, content, mode, owner, group, remove).
  returned: always
  type: dict
"""

import grp
import os
import pwd
import secrets
import shlex
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hobbynet.infra.plugins.module_utils._file_set import (
    parse_mode,
    plan_path,
    temporary_name,
    validate_command,
)


def _have(path):
    """What is at path now, in the shape plan_path() reads; None when nothing is there."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        kind = "link"
    elif stat.S_ISDIR(st.st_mode):
        kind = "directory"
    elif stat.S_ISREG(st.st_mode):
        kind = "file"
    else:
        kind = "other"
    content = None
    if kind == "file":
        with open(path, "rb") as handle:
            content = handle.read()
    return dict(
        kind=kind, content=content, mode=stat.S_IMODE(st.st_mode), uid=st.st_uid, gid=st.st_gid
    )


def _text(data):
    return data.decode("utf-8", errors="replace") if data is not None else ""


class FileSet:
    def __init__(self, module):
        self.module = module
        self.result = dict(changed=False, changed_paths=[], changes={})
        self.diffs = []

    def fail(self, path, msg):
        self.module.fail_json(msg=f"{path}: {msg}", **self.result)

    def ids(self, item):
        """uid and gid of the item's owner and group (None: leave, or root for a new path)."""
        uid = gid = None
        if item["owner"] is not None:
            try:
                uid = pwd.getpwnam(item["owner"]).pw_uid
            except KeyError:
                if not self.module.check_mode:
                    self.fail(item["path"], f"owner {item['owner']!r} is not a user of this host")
                uid = -1  # a package of this run would create it: reported as a change
        if item["group"] is not None:
            try:
                gid = grp.getgrnam(item["group"]).gr_gid
            except KeyError:
                if not self.module.check_mode:
                    self.fail(item["path"], f"group {item['group']!r} is not a group of this host")
                gid = -1
        return uid, gid

    def diff(self, path, item, have, want, changes):
        if "remove" in changes:
            before = (
                "(secret)" if item["secret_content"] is not None else _text(have.get("content"))
            )
            self.diffs.append(
                dict(before_header=path, after_header="(absent)", before=before, after="")
            )
            return
        if "create" in changes or "content" in changes:
            if item["secret_content"] is not None:
                before, after = (
                    ("", "(secret content)\n")
                    if "create" in changes
                    else (
                        "(secret content)\n",
                        "(secret content, changed)\n",
                    )
                )
            elif item["state"] == "directory":
                before, after = "", "(directory)\n"
            else:
                before = _text(have.get("content")) if have and have["kind"] == "file" else ""
                after = _text(want["content"])
            self.diffs.append(
                dict(before_header=path, after_header=path, before=before, after=after)
            )
        attrs = [c for c in changes if c in ("mode", "owner", "group")]
        if attrs:
            # The attribute as the diff names it, which is also its key in have and want.
            keys = dict(mode="mode", owner="uid", group="gid")
            fmt = dict(mode=lambda v: f"{v:04o}", owner=str, group=str)
            self.diffs.append(
                dict(
                    before_header=path,
                    after_header=path,
                    before="".join(f"{keys[a]}: {fmt[a](have[keys[a]])}\n" for a in attrs),
                    after="".join(f"{keys[a]}: {fmt[a](want[keys[a]])}\n" for a in attrs),
                )
            )

    def write_file(self, path, item, want):
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            self.fail(path, f"its directory {directory} does not exist")
        candidate = os.path.join(
            directory, temporary_name(os.path.basename(path), secrets.token_hex(4))
        )
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(want["content"])
            os.chown(
                candidate,
                0 if want["uid"] is None else want["uid"],
                0 if want["gid"] is None else want["gid"],
            )
            os.chmod(candidate, want["mode"])
            if item["validate"]:
                command = validate_command(item["validate"], candidate)
                rc, out, err = self.module.run_command(shlex.split(command))
                if rc != 0:
                    said = (err or out).strip()
                    self.fail(
                        path,
                        f"validate ({item['validate']}) refused it (rc {rc})"
                        + (f": {said}" if said else "")
                        + "; the old file is kept",
                    )
            os.rename(candidate, path)
        finally:
            if os.path.lexists(candidate):
                os.unlink(candidate)

    @staticmethod
    def set_attributes(path, want):
        """Owner, group and mode as wanted; None leaves one as it is."""
        os.chown(
            path,
            -1 if want["uid"] is None else want["uid"],
            -1 if want["gid"] is None else want["gid"],
        )
        if want["mode"] is not None:
            os.chmod(path, want["mode"])

    def apply(self, path, item, want, changes):
        if "remove" in changes:
            os.unlink(path)
        elif item["state"] == "directory":
            if "create" in changes:
                os.makedirs(path, want["mode"])
            self.set_attributes(path, want)
        elif "create" in changes or "content" in changes:
            have = _have(path)
            if have is not None and have["kind"] == "file":
                # Unset attributes keep the old file's.
                want = dict(
                    want,
                    mode=have["mode"] if want["mode"] is None else want["mode"],
                    uid=have["uid"] if want["uid"] is None else want["uid"],
                    gid=have["gid"] if want["gid"] is None else want["gid"],
                )
            self.write_file(path, item, want)
        else:
            self.set_attributes(path, want)

    def main(self):
        seen = set()
        for item in self.module.params["files"]:
            path = item["path"]
            if not os.path.isabs(path):
                self.fail(path, "is not an absolute path")
            if path in seen:
                self.fail(path, "is listed twice")
            seen.add(path)
            if item["state"] == "file" and (item["content"] is None) == (
                item["secret_content"] is None
            ):
                self.fail(path, "give exactly one of content and secret_content")
            try:
                mode = parse_mode(item["mode"])
            except ValueError as err:
                self.fail(path, str(err))
            have = _have(path)
            if item["initial"] and item["state"] == "file" and have is not None:
                continue
            if item["state"] != "absent" and have is None and mode is None:
                self.fail(path, "a new path needs a mode")
            uid, gid = self.ids(item) if item["state"] != "absent" else (None, None)
            content = item["content"] if item["content"] is not None else item["secret_content"]
            want = dict(
                state=item["state"],
                content=content.encode("utf-8") if content is not None else None,
                mode=mode,
                uid=uid,
                gid=gid,
            )
            changes, refusal = plan_path(want, have)
            if refusal:
                self.fail(path, refusal)
            if not changes:
                continue
            if not self.module.check_mode:
                self.apply(path, item, want, changes)
            # Recorded once done, so a failure reports only what was really changed before it.
            self.result["changed"] = True
            self.result["changed_paths"].append(path)
            self.result["changes"][path] = changes
            self.diff(path, item, have, want, changes)
        if self.module._diff and self.diffs:
            self.result["diff"] = self.diffs
        self.module.exit_json(**self.result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    path=dict(type="path", required=True),
                    state=dict(type="str", choices=["file", "directory", "absent"], default="file"),
                    content=dict(type="str"),
                    secret_content=dict(type="str", no_log=True),
                    owner=dict(type="str"),
                    group=dict(type="str"),
                    mode=dict(type="raw"),
                    validate=dict(type="str"),
                    initial=dict(type="bool", default=False),
                ),
            ),
        ),
        supports_check_mode=True,
    )
    FileSet(module).main()


if __name__ == "__main__":
    main()
