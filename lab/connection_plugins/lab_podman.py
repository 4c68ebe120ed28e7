"""Connection to the lab's containers: containers.podman.podman with pipelining.

Lab-only (not shipped in the collection). The stock podman connection runs `podman exec` without
`-i`, so it cannot send a module on stdin and declares no pipelining: every task costs a
temporary directory, a copy, a chmod, the run and a clean-up, four or five `podman exec` of
0.3-0.6 s each on this machine kind. With `-i` the module goes to the container's python on stdin
in one `podman exec`, as over SSH with pipelining. Files (copy, template) still go through the
container's mounted root, as in the stock plugin.
"""

from __future__ import annotations

import shlex

from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.connection import ensure_connect
from ansible_collections.containers.podman.plugins.connection.podman import (
    Connection as PodmanConnection,
)

DOCUMENTATION = """
    name: lab_podman
    short_description: containers.podman.podman with pipelining (the lab's containers)
    description:
        - Run commands in, and copy files to and from, an existing podman container; modules are
          sent on stdin (pipelining) instead of through a temporary file.
    options:
      remote_addr:
        description: The ID or name of the container.
        default: inventory_hostname
        vars:
          - name: ansible_host
          - name: inventory_hostname
          - name: ansible_podman_host
      remote_user:
        description: User to run commands as inside the container.
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


class Connection(PodmanConnection):
    transport = "lab_podman"
    has_pipelining = True

    @ensure_connect
    def exec_command(self, cmd, in_data=None, sudoable=False):
        """`podman exec`, interactive when there is data for the command's stdin."""
        # The base class's bookkeeping (verbosity output), not the stock plugin's exec.
        super(PodmanConnection, self).exec_command(cmd, in_data=in_data, sudoable=sudoable)
        args = ["exec"]
        if in_data is not None:
            args.append("-i")
        if self.user:
            args.extend(("--user", self.user))
        argv = shlex.split(to_native(cmd, errors="surrogate_or_strict"))
        return self._podman(args, argv, in_data)
