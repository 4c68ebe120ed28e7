"""hobbynet.infra.poweradmin_plan filter: a Poweradmin host's inputs, checked and planned."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._poweradmin import (
    PoweradminInputError,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._poweradmin import (
    poweradmin_plan as plan_inputs,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: poweradmin_plan
short_description: Check a Poweradmin host's inputs and plan the release and the listeners
version_added: 0.1.0
author: hobbynet
description:
  - Takes the variables of one host of the C(poweradmin) group and returns the release it runs,
    the addresses nginx listens on and the session store, or fails with every problem at once,
    each naming the variable, for example C(poweradmin_session_key must be a random string of at
    least 32 characters from vault, got 12 characters).
  - Refused among others are a missing or malformed C(poweradmin_archive_sha256), a version
    outside the supported series (4.3 and 4.4), an admin password below the policy, a TLS key
    without its certificate and a host that is not a Galera writer.
  - With O(on_host), the addresses read on the host, every listen address must be one of them
    or one of O(planned).
positional: _input, host, galera_hosts
options:
  _input:
    description: The host's variables (the C(poweradmin_*) inputs).
    type: dict
    required: true
  host:
    description: The host's inventory name.
    type: string
    required: true
  galera_hosts:
    description: The hosts of the Galera writers' group.
    type: list
    elements: string
    required: true
  on_host:
    description: The IP addresses found on the host; null skips the listen address check.
    type: list
    elements: string
  planned:
    description: Addresses the collection adds to the host (its site addresses).
    type: list
    elements: string
    default: []
"""

EXAMPLES = r"""
- name: Plan Poweradmin
  ansible.builtin.set_fact:
    plan: "{{ inputs | hobbynet.infra.poweradmin_plan(inventory_hostname, groups['galera']) }}"

# poweradmin_version: 4.3.4, poweradmin_listen_addresses: [], powerdns_galera_address: 10.64.1.1
# => {version: 4.3.4, target_version: 4.3.4, rollback: false, series: "4.3",
#     listen_addresses: [10.64.1.1], self_signed: true, session_store: database, ...}
"""

RETURN = r"""
_value:
  description:
    - C(version), C(target_version) (the rollback version when one is set), C(rollback),
      C(series), C(listen_addresses), C(self_signed), C(session_store), C(server_name).
  type: dict
"""


def poweradmin_plan(
    host_vars: Any,
    host: Any = None,
    galera_hosts: Any = None,
    on_host: Any = None,
    planned: Any = None,
) -> dict[str, Any]:
    """Thin shell around the pure function; its problems become one AnsibleFilterError."""
    if omitted(host) or not isinstance(host, str):
        raise AnsibleFilterError(
            "poweradmin_plan: the host name is required, e.g. inputs"
            " | hobbynet.infra.poweradmin_plan(inventory_hostname, groups['galera'])"
        )
    if not isinstance(host_vars, dict):
        raise AnsibleFilterError("poweradmin_plan: the input must be the host's variables")
    if omitted(galera_hosts) or isinstance(galera_hosts, str) or not isinstance(galera_hosts, list):
        raise AnsibleFilterError(
            "poweradmin_plan: galera_hosts must be the list of the Galera writers"
        )
    try:
        return plan_inputs(
            host,
            host_vars,
            [str(h) for h in galera_hosts],
            on_host=None if omitted(on_host) else [str(a) for a in on_host],
            planned=[] if omitted(planned) else [str(a) for a in planned],
        )
    except PoweradminInputError as exc:
        raise AnsibleFilterError(f"poweradmin_plan: {'; '.join(exc.problems)}") from None
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"poweradmin_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.poweradmin_plan"""

    def filters(self) -> dict[str, Any]:
        return {"poweradmin_plan": poweradmin_plan}
