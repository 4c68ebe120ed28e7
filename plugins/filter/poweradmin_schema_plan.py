"""hobbynet.infra.poweradmin_schema_plan filter: which node runs Poweradmin's SQL, and which SQL."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._poweradmin import (
    PoweradminInputError,
    schema_plan,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: poweradmin_schema_plan
short_description: Decide which node loads Poweradmin's schema and which update scripts run
version_added: 0.1.0
author: hobbynet
description:
  - Takes what every Poweradmin host read of its Galera node (Synced or not, Poweradmin's tables
    present, the role's record of applied scripts) and the release's sql/ file names, and returns
    the anchor (the first Synced host in group order), whether the structure is loaded, which
    update scripts run (newer than the record, up to the release, in version order) and what is
    recorded.
  - A fresh database gets the structure, and every update script up to the release is recorded as
    contained in it. Poweradmin tables the role never recorded need O(baseline) (the version they
    are at); a database with some tables but no users table is refused.
positional: _input, order, scripts, target
options:
  _input:
    description: Per host, C(synced) (bool), C(tables) (list) and C(history) (list of dicts).
    type: dict
    required: true
  order:
    description: The hosts in group order.
    type: list
    elements: string
    required: true
  scripts:
    description: The file names in the release's sql/ folder.
    type: list
    elements: string
    required: true
  target:
    description: The release's version, X.Y.Z.
    type: string
    required: true
  baseline:
    description: The version of an existing schema the role did not create
      (poweradmin_schema_baseline).
    type: string
"""

EXAMPLES = r"""
- name: Plan the SQL
  ansible.builtin.set_fact:
    sql: "{{ probes | hobbynet.infra.poweradmin_schema_plan(ansible_play_hosts, names, '4.3.4') }}"

# A fresh database on Synced r1 r2 r3, a 4.3.4 release
# => {anchor: r1, load_structure: true, apply: [],
#     record: [structure, update-to-4.2.0, ..., update-to-4.3.4 as "structure"]}
"""

RETURN = r"""
_value:
  description: C(anchor), C(load_structure), C(apply) (list of script, version, how), C(record),
    C(summary).
  type: dict
"""


def poweradmin_schema_plan(
    probes: Any, order: Any = None, scripts: Any = None, target: Any = None, baseline: Any = None
) -> dict[str, Any]:
    """Thin shell around the pure function; its problems become one AnsibleFilterError."""
    if not isinstance(probes, dict):
        raise AnsibleFilterError(
            "poweradmin_schema_plan: the input must map each host to what it read"
        )
    for name, value in (("order", order), ("scripts", scripts)):
        if omitted(value) or isinstance(value, str) or not isinstance(value, list):
            raise AnsibleFilterError(f"poweradmin_schema_plan: {name} must be a list")
    if omitted(target) or not isinstance(target, str):
        raise AnsibleFilterError("poweradmin_schema_plan: target must be the release's version")
    try:
        return schema_plan(
            probes,
            [str(h) for h in order],
            [str(s) for s in scripts],
            str(target),
            None if omitted(baseline) or baseline == "" else str(baseline),
        )
    except PoweradminInputError as exc:
        raise AnsibleFilterError(f"poweradmin_schema_plan: {'; '.join(exc.problems)}") from None
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"poweradmin_schema_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.poweradmin_schema_plan"""

    def filters(self) -> dict[str, Any]:
        return {"poweradmin_schema_plan": poweradmin_schema_plan}
