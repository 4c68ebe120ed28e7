"""hobbynet.infra.galera_bootstrap_plan filter: which Galera node, if any, is bootstrapped."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._galera import (
    bootstrap_plan as _bootstrap_plan,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: galera_bootstrap_plan
short_description: Decide how a MariaDB Galera cluster starts (which node, if any, is bootstrapped)
version_added: 0.1.0
author: hobbynet
description:
  - Returns the plan of roles/powerdns_galera/tasks/galera_plan.yml from the probes of the
    writers, C(mode), C(bootstrap) (the node to bootstrap or null), C(anchor) (the node that
    runs the cluster-wide statements), C(reason) (why it refuses) and C(summary).
  - "C(running): some node is in a primary component: nothing is bootstrapped; the anchor is
    its first Synced node, else its first node. Primary nodes of different clusters refuse."
  - "Otherwise it refuses when a writer is outside the play (C(--limit), unreachable, failed) or
    a running server does not answer the wsrep status query: that node could be in a primary
    component the play cannot see."
  - "C(force): the node O(force) names (V(powerdns_galera_force_bootstrap_node)), whatever the
    positions say; refused if it holds no cluster data while another node does, or if it runs
    a server without cluster data."
  - "C(new): no node holds cluster data (the zero uuid counts as none): the first stopped
    writer in O(_input) order; refused if every writer runs a server without cluster data."
  - "C(refuse) when the nodes hold data of different clusters (uuids differ); when a node with
    data has seqno -1, C(refuse), or C(unknown) with O(check_mode) (check mode does not run
    C(mariadbd --wsrep-recover))."
  - "C(recover): one cluster history (one uuid) and every position known: the node with the
    highest seqno, C(safe_to_bootstrap: 1) first among equals, then O(_input) order. Never an
    empty node or one behind another."
  - Same input, same plan, whatever the order of O(states) and O(play_writers).
positional: _input, states, play_writers, force, check_mode
options:
  _input:
    description: The writers (the Galera group), in inventory order; it breaks ties.
    type: list
    elements: str
    required: true
  states:
    description:
      - Each writer in the play to its probe C({running, status, comment, safe, uuid, seqno,
        recovered}) (booleans and integers also as their strings).
      - C(status) is C(wsrep_cluster_status) (empty when stopped or not answering), C(comment)
        C(wsrep_local_state_comment), C(safe) C(safe_to_bootstrap) (0 or 1), C(uuid) the
        cluster state uuid (empty when none), C(seqno) the committed position (-1 unknown),
        C(recovered) whether it came from C(mariadbd --wsrep-recover).
    type: dict
    required: true
  play_writers:
    description: The writers still in the play (any order).
    type: list
    elements: str
    required: true
  force:
    description: The node to bootstrap whatever the positions say; null or empty for none.
    type: str
  check_mode:
    description: The play runs in check mode (positions of crashed nodes are not recovered).
    type: bool
    default: false
"""

EXAMPLES = r"""
plan: >-
  {{ ['d1', 'd2', 'd3'] | hobbynet.infra.galera_bootstrap_plan(states, ['d1', 'd2', 'd3']) }}
# with states = {d1: {running: false, status: '', comment: '', safe: 0, uuid: U, seqno: 41,
#   recovered: true}, d2: {... seqno: 42, recovered: true}, d3: {... seqno: 40}}:
# => {"mode": "recover", "bootstrap": "d2", "anchor": "d2", "reason": "",
#     "summary": ["d1: stopped, uuid U, seqno 41 (recovered), safe_to_bootstrap 0", ...]}

plan_in_a_role: >-
  {{ writers | hobbynet.infra.galera_bootstrap_plan(
       dict(play_writers | zip(play_writers | map('extract', hostvars, 'galera_state'))),
       play_writers, force=powerdns_galera_force_bootstrap_node, check_mode=ansible_check_mode) }}
# => with d3 outside the play and no primary component:
#    {"mode": "refuse", "bootstrap": null, "anchor": null, "reason": "no node of this play is in
#     a primary component and the writers d3 are not in the play ...", "summary": [...]}
"""

RETURN = r"""
_value:
  description:
    - C(mode) one of C(running), C(new), C(recover), C(force), C(unknown), C(refuse);
      C(bootstrap) the node to bootstrap or null; C(anchor) the node for cluster-wide
      statements or null; C(reason) empty unless C(refuse) or C(unknown); C(summary) one line
      per writer in the play.
  type: dict
"""


def galera_bootstrap_plan(
    writers: Any,
    states: Any = None,
    play_writers: Any = None,
    force: Any = None,
    check_mode: Any = False,
) -> dict[str, Any]:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if omitted(states):
        raise AnsibleFilterError("galera_bootstrap_plan: states is required")
    if omitted(play_writers):
        raise AnsibleFilterError("galera_bootstrap_plan: play_writers is required")
    if omitted(check_mode):
        check_mode = False
    try:
        return _bootstrap_plan(writers, states, play_writers, force, check_mode)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"galera_bootstrap_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.galera_bootstrap_plan"""

    def filters(self) -> dict[str, Any]:
        return {"galera_bootstrap_plan": galera_bootstrap_plan}
