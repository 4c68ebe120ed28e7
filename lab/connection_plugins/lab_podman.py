"""Connection to the lab's containers: fast, with pipelining.

Lab-only (not shipped in the collection). The stock containers.podman.podman connection runs one
`podman exec` per step of a task (temporary directory, chmod, run, clean-up: no pipelining), and a
`podman exec` costs 0.2 s on an idle machine of this kind and several seconds when five hosts run
tasks at once. This plugin asks podman once per container start for the container's init PID,
capabilities, environment and root file system (`podman inspect` and `podman mount`), keeps the
answer in /run/hobbynet-lab/lab_podman/ while that init process lives (every task is a new worker
process with a new connection, and those two podman calls, serialised on podman's storage lock,
cost about 2 s a task on a 12-host lab), then runs every command with `nsenter` into all of the
container's namespaces, through `setpriv` so that it keeps only the container's capabilities, in
the container's environment and working directory, modules on stdin (pipelining). Files are copied
through the container's mounted root, as the stock plugin does. What it does not reproduce of
`podman exec`: the seccomp filter and the container's cgroup (commands count against this
machine's cgroup, not the container's).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile

from ansible.errors import AnsibleConnectionFailure
from ansible.module_utils.common.text.converters import to_bytes, to_native
from ansible.plugins.connection import ConnectionBase, ensure_connect
from ansible.utils.display import Display
from ansible_collections.containers.podman.plugins.connection.podman import (
    Connection as PodmanConnection,
)

DOCUMENTATION = """
    name: lab_podman
    short_description: Commands in a running podman container through nsenter (the lab's hosts)
    description:
        - Runs commands in, and copies files to and from, an existing podman container. Commands
          enter the container's namespaces with nsenter and keep only its capabilities; modules are
          sent on stdin (pipelining).
    options:
      remote_addr:
        description: The ID or name of the container.
        default: inventory_hostname
        vars:
          - name: ansible_host
          - name: inventory_hostname
          - name: ansible_podman_host
      remote_user:
        description: Must be unset or root (the lab runs everything as root).
        ini:
          - section: defaults
            key: remote_user
        env:
          - name: ANSIBLE_REMOTE_USER
        vars:
          - name: ansible_user
      podman_extra_args:
        description: Extra arguments to pass to the podman command line.
        default: ''
        vars:
          - name: ansible_podman_extra_args
        env:
          - name: ANSIBLE_PODMAN_EXTRA_ARGS
      podman_executable:
        description: Executable for podman command.
        default: podman
        vars:
          - name: ansible_podman_executable
        env:
          - name: ANSIBLE_PODMAN_EXECUTABLE
      pipelining:
        description: Send modules on stdin instead of copying them into the container.
        type: boolean
        default: true
        vars:
          - name: ansible_pipelining
"""

display = Display()
# What _inspect learnt of each container, for the next tasks' connections (root only, tmpfs).
CACHE_DIR = "/run/hobbynet-lab/lab_podman"


class Connection(PodmanConnection):
    transport = "lab_podman"
    has_pipelining = True

    def _connect(self):
        if self._connected:
            return self
        if self.user not in (None, "root", "0"):
            raise AnsibleConnectionFailure(f"lab_podman runs as root only, not as {self.user!r}")
        known = self._cached()
        if known is None:
            super()._connect()  # `podman mount`: the container's root, for put_file and fetch_file
            known = self._inspect()
        else:
            self._mount_point = to_bytes(known["mount"])  # bytes, as the stock plugin keeps it
            self._connected = True
        caps = ("+" + c.lower().removeprefix("cap_") for c in known["caps"])
        bounding = ",".join(["-all", *caps])
        self._prefix = [
            "nsenter", f"--target={known['pid']}", "--all", "--wd=/", "--",
            "setpriv", f"--bounding-set={bounding}", "--inh-caps=-all",
            "env", "-i", *known["env"],
        ]  # fmt: skip
        display.vvv(f"NSENTER PREFIX {self._prefix}", host=self._container_id)
        return self

    def _inspect(self):
        """Ask podman, and keep the answer for the next tasks (see the module's docstring)."""
        rc, out, err = self._podman(
            "inspect",
            ["--format", "{{json .State.Pid}} {{json .EffectiveCaps}} {{json .Config.Env}}"],
        )
        if rc != 0:
            raise AnsibleConnectionFailure(
                f"lab_podman: cannot inspect container {self._container_id}: {to_native(err)}"
            )
        pid, caps, env = (json.loads(part) for part in to_native(out).split(" ", 2))
        if not pid:
            raise AnsibleConnectionFailure(
                f"lab_podman: container {self._container_id} is not running"
            )
        known = {"pid": pid, "caps": caps or [], "env": env or []}
        if self._mount_point:
            known["mount"] = to_native(self._mount_point)
            known["start"] = _start_time(pid)
            path = _cache_path(self._container_id)
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(path), delete=False) as f:
                json.dump(known, f)
            os.replace(f.name, path)
        return known

    def _cached(self):
        """What _inspect kept for this container, if its init process is still the same one."""
        try:
            with open(_cache_path(self._container_id), encoding="utf-8") as f:
                known = json.load(f)
            if known.get("start") is None or _start_time(known["pid"]) != known["start"]:
                return None
            if not os.listdir(known["mount"]):  # unmounted since: ask podman again
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return known

    @ensure_connect
    def exec_command(self, cmd, in_data=None, sudoable=False):
        """The command in the container's namespaces, with its capabilities and environment."""
        # The base class's bookkeeping (verbosity output), not the stock plugin's exec.
        ConnectionBase.exec_command(self, cmd, in_data=in_data, sudoable=sudoable)
        argv = self._prefix + shlex.split(to_native(cmd, errors="surrogate_or_strict"))
        display.vvv(f"EXEC {argv}", host=self._container_id)
        proc = subprocess.Popen(
            [to_bytes(a, errors="surrogate_or_strict") for a in argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        stdout, stderr = proc.communicate(input=in_data)
        return proc.returncode, stdout, stderr


def _cache_path(container):
    return os.path.join(CACHE_DIR, container.replace("/", "_") + ".json")


def _start_time(pid):
    """The start time of process pid (field 22 of /proc/PID/stat): a reused PID has another."""
    try:
        with open(f"/proc/{int(pid)}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError, ValueError):
        return None
