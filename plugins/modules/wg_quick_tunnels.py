#!/usr/bin/python
# Copyright: hobbynet contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: wg_quick_tunnels
short_description: Install a set of wg-quick tunnels and bring each to its file in one call
version_added: 0.2.0
author: hobbynet contributors (@hobbynet)
description:
  - Writes one C(<name>.conf) per tunnel in O(directory) (root, mode 0600, atomically, each
    checked with C(wg-quick strip) first; the directory is created or made root-only, 0700),
    then brings every tunnel's C(wg-quick@<name>) unit to its file with the least disruption,
    all in one module call.
  - "A changed tunnel is applied live where wg allows it: a new MTU with C(ip link set mtu), new
    keys, port or peers with C(wg syncconf). It is restarted when the change needs it (Address,
    Table, hooks, or a PersistentKeepalive that the file dropped: C(wg syncconf) would leave that
    one running), so the running tunnel never differs from its file."
  - Tunnels that are not running are started, units that are not enabled are enabled.
  - With O(prune), files in O(directory) that carry O(marker) near their top and are not in
    O(tunnels) are stopped, disabled and removed. Files without the marker are never touched.
  - The diff shows the files with the values of C(PrivateKey) and C(PresharedKey) redacted.
options:
  tunnels:
    description: The tunnels this host must have.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Interface name (the file is C(<name>.conf), the unit C(wg-quick@<name>)).
        type: str
        required: true
      content:
        description: The whole wg-quick file. It holds keys, so it is never logged.
        type: str
        required: true
  directory:
    description: Where wg-quick reads the files.
    type: path
    default: /etc/wireguard
  marker:
    description:
      - A line that every file of this set starts with (within its first 5 lines).
      - Only files carrying it are candidates for O(prune).
      - Every O(tunnels[].content) must carry it.
    type: str
    required: true
  prune:
    description: Stop, disable and remove marked tunnels that are not in O(tunnels).
    type: bool
    default: true
  restart_all:
    description:
      - Restart every tunnel of O(tunnels), changed or not (for example after the unit's drop-in
        changed, which applies only when a tunnel starts).
    type: bool
    default: false
attributes:
  check_mode:
    description: Reports what would be written, applied live, restarted, started or removed.
    support: full
  diff_mode:
    description: Shows each written or removed file, its keys redacted.
    support: full
notes:
  - Needs C(wg), C(wg-quick), C(ip) and C(systemctl) on the host.
seealso:
  - module: ansible.builtin.template
"""

EXAMPLES = r"""
- name: Install the tunnels and apply them
  hobbynet.infra.wg_quick_tunnels:
    marker: "# managed by hobbynet.infra.wireguard_mesh"
    tunnels:
      - name: wg_r2
        content: "{{ lookup('template', 'wg-quick.conf.j2') }}"
"""

RETURN = r"""
directory:
  description: What was done to O(directory) (created, or made root-only); absent when nothing.
  returned: when changed
  type: str
written:
  description: Tunnels whose file was (or in check mode would be) written.
  returned: always
  type: list
  elements: str
restarted:
  description: Tunnels that were restarted.
  returned: always
  type: list
  elements: str
started:
  description: Tunnels that were started (they were not running).
  returned: always
  type: list
  elements: str
live:
  description: Tunnels whose change was applied to the running interface without a restart.
  returned: always
  type: list
  elements: str
enabled:
  description: Tunnels whose unit was enabled.
  returned: always
  type: list
  elements: str
removed:
  description: Marked tunnels that were stopped, disabled and whose file was removed.
  returned: always
  type: list
  elements: str
reasons:
  description: Why each tunnel that is acted on is restarted, started or changed live (no secrets).
  returned: always
  type: dict
"""

import contextlib
import os
import re
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hobbynet.infra.plugins.module_utils._systemd_units import (
    parse_systemctl_show,
)
from ansible_collections.hobbynet.infra.plugins.module_utils._wg_quick import (
    is_managed,
    plan_tunnel,
    redact,
)

# What the kernel accepts as an interface name; it is also a safe file and unit name.
_NAME = re.compile(r"^[A-Za-z0-9_=+.-]{1,15}\Z")


def _unit(name):
    return f"wg-quick@{name}.service"


@contextlib.contextmanager
def _private_copy(name, content):
    """A file <name>.conf holding content, in a directory only root can read (it holds keys)."""
    tmp = tempfile.mkdtemp(prefix="wgquick")
    try:
        path = os.path.join(tmp, name + ".conf")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
        yield path
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return None


class Tunnels:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.directory = self.params["directory"]
        self.result = dict(
            changed=False,
            written=[],
            restarted=[],
            started=[],
            live=[],
            enabled=[],
            removed=[],
            reasons={},
        )
        self.diffs = []

    def run(self, args, **kwargs):
        rc, out, err = self.module.run_command(args, **kwargs)
        if rc != 0:
            self.module.fail_json(
                msg="{} failed (rc {}): {}".format(" ".join(args), rc, (err or out).strip()),
                **self.result,
            )
        return out

    def unit_states(self, names):
        if not names:
            return {}
        out = self.run(
            ["systemctl", "show", "--property=Id,ActiveState,UnitFileState"]
            + [_unit(n) for n in names]
        )
        return parse_systemctl_show(out)

    def validate(self, name, content):
        # wg-quick only reads <interface>.conf: check a copy named after the tunnel.
        with _private_copy(name, content) as path:
            rc, _out, err = self.module.run_command(["wg-quick", "strip", path])
        if rc != 0:
            self.module.fail_json(
                msg=f"tunnel {name}: wg-quick rejects the file: {err.strip()}", **self.result
            )

    def write(self, name, content):
        path = os.path.join(self.directory, name + ".conf")
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(content)
            os.chmod(tmp, 0o600)
            os.chown(tmp, 0, 0)
            self.module.atomic_move(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        # atomic_move keeps the destination's old mode when it existed: force ours.
        os.chmod(path, 0o600)
        os.chown(path, 0, 0)

    def apply_live(self, name, plan):
        if plan["mtu"] is not None:
            self.run(["ip", "link", "set", "dev", name, "mtu", plan["mtu"]])
        if plan["syncconf"]:
            stripped = self.run(["wg-quick", "strip", name])
            with _private_copy(name, stripped) as path:
                self.run(["wg", "syncconf", name, path])

    def main(self):
        tunnels = self.params["tunnels"]
        marker = self.params["marker"]
        names = []
        for tunnel in tunnels:
            name = tunnel["name"]
            if not _NAME.match(name) or name in names:
                self.module.fail_json(
                    msg=f"tunnels: {name!r} is not a valid, unique interface name"
                )
            if not is_managed(tunnel["content"], marker):
                self.module.fail_json(msg=f"tunnels: the file of {name} does not carry the marker")
            names.append(name)
        # The directory holds keys: root only. In check mode on a fresh host it is not there yet
        # and every file is new.
        exists = os.path.isdir(self.directory)
        if not exists:
            self.result["directory"] = "created"
        else:
            st = os.stat(self.directory)
            if (st.st_mode & 0o7777, st.st_uid, st.st_gid) != (0o700, 0, 0):
                self.result["directory"] = "made root-only (0700)"
        if self.result.get("directory") and not self.module.check_mode:
            if not exists:
                os.makedirs(self.directory, 0o700)
            os.chown(self.directory, 0, 0)
            os.chmod(self.directory, 0o700)

        stale = []
        if self.params["prune"] and exists:
            for entry in sorted(os.listdir(self.directory)):
                if not entry.endswith(".conf") or entry[: -len(".conf")] in names:
                    continue
                text = _read(os.path.join(self.directory, entry))
                if text is not None and is_managed(text, marker):
                    stale.append(entry[: -len(".conf")])

        states = self.unit_states(names + stale)
        plans = {}
        for tunnel in tunnels:
            name = tunnel["name"]
            old = _read(os.path.join(self.directory, name + ".conf"))
            active = states.get(_unit(name), {}).get("ActiveState") == "active"
            plan = plan_tunnel(old, tunnel["content"], active)
            if self.params["restart_all"] and plan["action"] in ("none", "live"):
                plan.update(action="restart", reason="restart of every tunnel requested")
            plans[name] = plan
            if plan["write"]:
                self.result["written"].append(name)
                self.diffs.append(
                    dict(
                        before_header=os.path.join(self.directory, name + ".conf"),
                        after_header=os.path.join(self.directory, name + ".conf"),
                        before=redact(old),
                        after=redact(tunnel["content"]),
                    )
                )
            if plan["action"] != "none":
                self.result["reasons"][name] = plan["reason"]
            if states.get(_unit(name), {}).get("UnitFileState") != "enabled":
                self.result["enabled"].append(name)
        self.result["removed"] = stale
        for name in stale:
            self.result["reasons"][name] = "no longer in the set"
            self.diffs.append(
                dict(
                    before_header=os.path.join(self.directory, name + ".conf"),
                    after_header="(removed)",
                    before=redact(_read(os.path.join(self.directory, name + ".conf"))),
                    after="",
                )
            )
        for name, plan in plans.items():
            key = {"start": "started", "restart": "restarted", "live": "live"}.get(plan["action"])
            if key:
                self.result[key].append(name)

        self.result["changed"] = bool(
            self.result.get("directory")
            or self.result["written"]
            or self.result["restarted"]
            or self.result["started"]
            or self.result["live"]
            or self.result["enabled"]
            or stale
        )
        if self.module._diff and self.diffs:
            self.result["diff"] = self.diffs
        if self.module.check_mode or not self.result["changed"]:
            self.module.exit_json(**self.result)

        # Stale tunnels first: their ports may be reused by the new set.
        if stale:
            self.run(["systemctl", "disable", "--now"] + [_unit(n) for n in stale])
            for name in stale:
                os.unlink(os.path.join(self.directory, name + ".conf"))
        contents = dict((t["name"], t["content"]) for t in tunnels)
        for name in self.result["written"]:
            self.validate(name, contents[name])
        for name in self.result["written"]:
            self.write(name, contents[name])
        for name in self.result["live"]:
            self.apply_live(name, plans[name])
        if self.result["enabled"]:
            self.run(["systemctl", "enable"] + [_unit(n) for n in self.result["enabled"]])
        # One systemctl call per kind: systemd runs the jobs of one call in parallel.
        if self.result["restarted"]:
            self.run(["systemctl", "restart"] + [_unit(n) for n in self.result["restarted"]])
        if self.result["started"]:
            self.run(["systemctl", "start"] + [_unit(n) for n in self.result["started"]])
        if self.result["restarted"] or self.result["started"]:
            after = self.unit_states(names)
            down = [n for n in names if after.get(_unit(n), {}).get("ActiveState") != "active"]
        else:
            down = []
        if down:
            self.module.fail_json(
                msg="tunnels not running after start: {}".format(", ".join(down)), **self.result
            )
        self.module.exit_json(**self.result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tunnels=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    name=dict(type="str", required=True),
                    content=dict(type="str", required=True, no_log=True),
                ),
            ),
            directory=dict(type="path", default="/etc/wireguard"),
            marker=dict(type="str", required=True),
            prune=dict(type="bool", default=True),
            restart_all=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    Tunnels(module).main()


if __name__ == "__main__":
    main()
