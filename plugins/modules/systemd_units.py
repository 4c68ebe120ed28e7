#!/usr/bin/python
# Copyright: hobbynet contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: systemd_units
short_description: Bring a set of systemd units to their wanted state in one call
version_added: 0.2.0
author: hobbynet contributors (@hobbynet)
description:
  - Reads every unit of O(units) with one C(systemctl show), then makes one C(systemctl) call per
    kind of action (disable, enable, stop, start, restart, reload) for the units that need it,
    instead of one module call per unit. systemd runs the jobs of one call in parallel.
  - Units that were started, restarted or reloaded must be running afterwards, or the task fails
    naming them.
options:
  units:
    description: The units and their wanted state.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Full unit name, for example V(pdns.service).
        type: str
        required: true
      enabled:
        description: Whether the unit starts at boot; unset leaves it as it is.
        type: bool
      state:
        description:
          - V(started) and V(stopped) act only when needed; V(restarted) always restarts;
            V(reloaded) reloads a running unit and starts a stopped one. Unset leaves it as it is.
        type: str
        choices: [started, stopped, restarted, reloaded]
  daemon_reload:
    description: Run C(systemctl daemon-reload) first (after unit files changed).
    type: bool
    default: false
attributes:
  check_mode:
    description: Reports what would be done; a unit systemd does not know yet is reported as to
      be started, since a file of this run would create it.
    support: full
  diff_mode:
    description: Not supported.
    support: none
seealso:
  - module: ansible.builtin.systemd_service
"""

EXAMPLES = r"""
- name: Run the daemon and its helper
  hobbynet.infra.systemd_units:
    daemon_reload: "{{ units_written is changed }}"
    units:
      - name: example.service
        enabled: true
        state: started
      - name: example-helper.timer
        enabled: true
        state: "{{ 'restarted' if helper_changed else 'started' }}"
"""

RETURN = r"""
actions:
  description: Units acted on, by action (enable, disable, stop, start, restart, reload).
  returned: always
  type: dict
states:
  description:
    - What systemd said of each unit before any action (C(LoadState), C(ActiveState),
      C(UnitFileState)). A unit listed with neither O(units[].enabled) nor O(units[].state) is only
      read, so a later task can decide from its state.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hobbynet.infra.plugins.module_utils._systemd_units import (
    PROPERTIES,
    RUNNING_STATES,
    parse_systemctl_show,
    plan_units,
)

ORDER = ("disable", "enable", "stop", "start", "restart", "reload")


def main():
    module = AnsibleModule(
        argument_spec=dict(
            units=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    name=dict(type="str", required=True),
                    enabled=dict(type="bool"),
                    state=dict(type="str", choices=["started", "stopped", "restarted", "reloaded"]),
                ),
            ),
            daemon_reload=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    units = module.params["units"]
    result = dict(changed=False, actions={})

    def systemctl(*args):
        rc, out, err = module.run_command(["systemctl", *args])
        if rc != 0:
            module.fail_json(
                msg="systemctl {} failed (rc {}): {}".format(
                    " ".join(args), rc, (err or out).strip()
                ),
                **result,
            )
        return out

    def show(names):
        return parse_systemctl_show(systemctl("show", "--property=" + ",".join(PROPERTIES), *names))

    names = [u["name"] for u in units]
    if len(set(names)) != len(names):
        module.fail_json(
            msg="units: a unit is listed twice: "
            + ", ".join(sorted(set(n for n in names if names.count(n) > 1)))
        )
    if module.params["daemon_reload"] and not module.check_mode:
        systemctl("daemon-reload")
    shown = show(names) if names else {}
    result["states"] = {
        n: {k: shown.get(n, {}).get(k, "") for k in PROPERTIES if k != "Id"} for n in names
    }
    actions, missing = plan_units(units, shown)
    if missing and not module.check_mode:
        module.fail_json(msg="systemd has no unit file for: " + ", ".join(missing), **result)
    if missing:
        actions["start"].extend(missing)
    result["actions"] = {k: v for k, v in actions.items() if v}
    result["changed"] = bool(result["actions"])
    if module.check_mode or not result["changed"]:
        module.exit_json(**result)
    for action in ORDER:
        if actions[action]:
            systemctl(action, *actions[action])
    wanted_running = actions["start"] + actions["restart"] + actions["reload"]
    if wanted_running:
        after = show(wanted_running)
        down = [
            n for n in wanted_running if after.get(n, {}).get("ActiveState") not in RUNNING_STATES
        ]
        if down:
            module.fail_json(msg="not running after start: " + ", ".join(down), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
