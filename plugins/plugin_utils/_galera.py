"""The Galera bootstrap decision: which node, if any, starts a new primary component.

Pure function: no Ansible imports, no I/O, no randomness, no global state.  Used by the
``hobbynet.infra.galera_bootstrap_plan`` filter (roles/powerdns_galera/tasks/galera_plan.yml).

Bootstrapping the wrong node of a MariaDB Galera cluster loses data: the nodes that join it
afterwards are made identical to it by SST.  So the plan bootstraps only when it can prove the
choice (every writer seen, one cluster history, every position known) and otherwise refuses,
naming what the operator can do.  Modes, in the order they are decided:

- ``running``: some node is in a primary component: never bootstrap; the others join it.
- ``refuse``:  writers outside the play, a running server whose status cannot be read, or a
  forced node that cannot be bootstrapped (see below).
- ``force``:   ``powerdns_galera_force_bootstrap_node`` names the node (the operator's decision).
- ``new``:     no node holds cluster data: bootstrap the first stopped writer of the group.
- ``refuse``:  the nodes hold data of different clusters (uuids differ).
- ``unknown`` (check mode) / ``refuse``: a node with data has no known committed position.
- ``recover``: the node with the highest committed seqno, ``safe_to_bootstrap: 1`` first among
  equals, then group order (never an empty node, never a node behind another).

Stricter than the Jinja this replaced (each case was either unchecked or silently guessed):

- Primary nodes of different clusters (two primary components side by side) refuse instead of
  picking one of them as the anchor.
- A running server whose wsrep status cannot be read (``status`` empty: mariadb did not answer)
  may be in a primary component this play cannot see: refuse, like a writer outside the play
  (and, like it, not overridden by the force variable).  In check mode this refuses too
  instead of saying ``unknown``: a real run could not read it either.
- A running server outside any primary component without cluster data (a server started
  without Galera, e.g. by the package installation) is never the bootstrap node: the role
  promotes a running bootstrap node with ``pc.bootstrap=YES``, which needs a Galera member with
  state.  ``new`` takes the first *stopped* writer (the first writer, as before, when it is
  stopped) and refuses when every writer runs such a server.
- A forced node without cluster data while another node holds data (its empty database would
  replace theirs) and a forced running node without cluster data refuse.  A forced node outside
  the play refused before too (writers outside the play); the reason now names it.  A forced
  node that is not a writer at all is an input error.
- As before, the zero uuid counts as no data and seqno -1 of a node with data is unknown; a
  seqno below -1 is an input error.
- States are validated (exact keys, types, values, a stopped node reporting no wsrep status):
  a broken probe must never drive a bootstrap.  Booleans and integers may be their strings.
- Messages list nodes in group order (the Jinja's ``difference`` listed the writers outside
  the play in set order); in check mode the unknown-position message says that check mode does
  not run ``mariadbd --wsrep-recover`` instead of claiming it found nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._values import describe as _describe
from ._values import omitted as _omitted

FORCE_VARIABLE = "powerdns_galera_force_bootstrap_node"
ZERO_UUID = "00000000-0000-0000-0000-000000000000"
STATE_KEYS = ("running", "status", "comment", "safe", "uuid", "seqno", "recovered")
MODES = ("running", "new", "recover", "force", "unknown", "refuse")
PLAN_KEYS = ("mode", "bootstrap", "anchor", "reason", "summary")

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_TRUE = frozenset(("true", "yes", "on", "1"))
_FALSE = frozenset(("false", "no", "off", "0"))


# --------------------------------------------------------------------------- #
# Input validation and normalisation
# --------------------------------------------------------------------------- #


def _flag(value: Any, what: str) -> bool:
    """A boolean; also the forms set_fact templating may leave (``"True"``, ``"1"``, ``1``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{what} must be a boolean, got {_describe(value)}")
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValueError(f"{what} must be a boolean, got {_describe(value)}")
    raise TypeError(f"{what} must be a boolean, got {_describe(value)}")


def _integer(value: Any, what: str, low: int, high: int | None = None) -> int:
    """An integer in [low, high]; also its decimal string form (``"-1"``, ``"42"``)."""
    if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, int) and not isinstance(value, bool):
        number = int(value)
    else:
        raise TypeError(f"{what} must be an integer, got {_describe(value)}")
    if number < low or (high is not None and number > high):
        bound = f">= {low}" if high is None else f"from {low} to {high}"
        raise ValueError(f"{what} must be an integer {bound}, got {number}")
    return number


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, got {_describe(value)}")
    return str(value).strip()


def _names(value: Any, what: str) -> list[str]:
    """A list of distinct non-empty host names, in the given order."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{what} must be a list of host names, got {_describe(value)}")
    names: list[str] = []
    for pos, name in enumerate(value):
        if not isinstance(name, str) or not name:
            raise TypeError(f"{what}[{pos}] must be a non-empty string, got {_describe(name)}")
        name = str(name)
        if name in names:
            raise ValueError(f"{what} names {name!r} twice")
        names.append(name)
    return names


@dataclass(frozen=True)
class NodeState:
    """One writer's probe (roles/powerdns_galera/tasks/galera_probe.yml), normalised."""

    name: str
    running: bool  # mariadb.service is active
    status: str  # wsrep_cluster_status ('' when stopped or when mariadb did not answer)
    comment: str  # wsrep_local_state_comment
    safe: int  # safe_to_bootstrap of grastate.dat, 0 or 1
    uuid: str  # cluster state uuid (running) or grastate.dat uuid, '' when none
    seqno: int  # committed position, -1 when unknown
    recovered: bool  # seqno came from mariadbd --wsrep-recover

    @property
    def has_data(self) -> bool:
        return self.uuid not in ("", ZERO_UUID)

    @property
    def primary(self) -> bool:
        return self.status.casefold() == "primary"

    @property
    def synced(self) -> bool:
        return self.comment.casefold() == "synced"

    @property
    def unreadable(self) -> bool:
        """Running, but the wsrep status could not be read."""
        return self.running and not self.status

    def line(self) -> str:
        """The node's line of the plan's summary."""
        where = f"running {self.status or 'not connected'}" if self.running else "stopped"
        recovered = " (recovered)" if self.recovered else ""
        return (
            f"{self.name}: {where}, uuid {self.uuid or 'none'}, seqno {self.seqno}{recovered}, "
            f"safe_to_bootstrap {self.safe}"
        )


def check_state(name: str, state: Any) -> NodeState:
    """Validate and normalise the probe of writer ``name``."""
    what = f"the state of {name!r}"
    if not isinstance(state, Mapping):
        raise TypeError(
            f"{what} must be a mapping with the keys {', '.join(STATE_KEYS)}, "
            f"got {_describe(state)}"
        )
    missing = [key for key in STATE_KEYS if key not in state]
    if missing:
        raise ValueError(
            f"{what} has no key {', '.join(map(repr, missing))} "
            f"(a state has the keys {', '.join(STATE_KEYS)})"
        )
    unknown = sorted(str(key) for key in state if key not in STATE_KEYS)
    if unknown:
        raise ValueError(
            f"{what} has unknown key(s) {unknown}; a state has the keys {', '.join(STATE_KEYS)}"
        )
    running = _flag(state["running"], f"{what}: running")
    status = _text(state["status"], f"{what}: status")
    comment = _text(state["comment"], f"{what}: comment")
    uuid = _text(state["uuid"], f"{what}: uuid").lower()
    if uuid and not _UUID_RE.fullmatch(uuid):
        raise ValueError(
            f"{what}: uuid must be a Galera state uuid "
            f"(8-4-4-4-12 hexadecimal digits) or empty, got {state['uuid']!r}"
        )
    if not running and (status or comment):
        raise ValueError(
            f"{what}: a stopped node cannot report a wsrep status, got status {status!r} "
            f"and comment {comment!r}"
        )
    return NodeState(
        name=name,
        running=running,
        status=status,
        comment=comment,
        safe=_integer(state["safe"], f"{what}: safe (safe_to_bootstrap)", 0, 1),
        uuid=uuid,
        seqno=_integer(state["seqno"], f"{what}: seqno", -1),
        recovered=_flag(state["recovered"], f"{what}: recovered"),
    )


def _check_states(states: Any, play: list[str]) -> dict[str, NodeState]:
    if not isinstance(states, Mapping):
        raise TypeError(
            f"states must be a mapping of each writer in the play to its state, "
            f"got {_describe(states)}"
        )
    keys = [str(key) if isinstance(key, str) else key for key in states]
    missing = [name for name in play if name not in keys]
    if missing:
        raise ValueError(f"states has no entry for the writer(s) in the play {missing}")
    extra = sorted(repr(key) for key in keys if key not in play)
    if extra:
        raise ValueError(
            f"states has entries for {', '.join(extra)}, which are not writers in the play {play}"
        )
    return {name: check_state(name, states[name]) for name in play}


def _check_force(force: Any, group: list[str]) -> str | None:
    if _omitted(force) or force == "":
        return None
    if not isinstance(force, str):
        raise TypeError(f"the forced node must be a host name, got {_describe(force)}")
    force = str(force)
    if force not in group:
        raise ValueError(
            f"the forced node ({FORCE_VARIABLE}) {force!r} is not a writer; "
            f"writers: {', '.join(group)}"
        )
    return force


# --------------------------------------------------------------------------- #
# The decision
# --------------------------------------------------------------------------- #


def _unique(values: list[str]) -> list[str]:
    """Distinct values in order of first appearance."""
    return list(dict.fromkeys(values))


def _join(nodes: list[NodeState]) -> str:
    return ", ".join(node.name for node in nodes)


def _decide(
    group: list[str], nodes: list[NodeState], force: str | None, check_mode: bool
) -> tuple[str, str | None, str | None, str]:
    """(mode, bootstrap, anchor, reason) for the play's nodes, in group order."""
    primary = [node for node in nodes if node.primary]
    if primary:
        primary_uuids = _unique([node.uuid for node in primary if node.has_data])
        if len(primary_uuids) > 1:
            return (
                "refuse",
                None,
                None,
                f"the nodes {_join(primary)} are in primary components of different clusters "
                f"(uuids {', '.join(primary_uuids)}): two clusters run side by side and neither "
                "can join the other; stop the nodes of the cluster whose data must not survive",
            )
        synced = [node for node in primary if node.synced]
        return "running", None, (synced + primary)[0].name, ""

    in_play = {node.name for node in nodes}
    missing = [name for name in group if name not in in_play]
    if missing:
        reason = (
            "no node of this play is in a primary component and the writers "
            f"{', '.join(missing)} are not in the play (--limit, unreachable or failed): "
            "their positions are unknown, so no node can be chosen to bootstrap"
        )
        if force in missing:
            reason += f"; {FORCE_VARIABLE} names {force}, which this play cannot bootstrap"
        return "refuse", None, None, reason

    unreadable = [node for node in nodes if node.unreadable]
    if unreadable:
        return (
            "refuse",
            None,
            None,
            f"the MariaDB server of {_join(unreadable)} runs but did not answer the wsrep status "
            "query: it may be in a primary component this play cannot see, so no node can be "
            "chosen to bootstrap; make it answer (or stop mariadb.service on it) and run again",
        )

    data = [node for node in nodes if node.has_data]
    if force is not None:
        forced = next(node for node in nodes if node.name == force)
        if not forced.has_data and data:
            return (
                "refuse",
                None,
                None,
                f"{FORCE_VARIABLE} names {force}, which holds no cluster data, while "
                f"{_join(data)} do: bootstrapping it would replace their data with an empty "
                f"database; set {FORCE_VARIABLE} to a node that holds data",
            )
        if forced.running and not forced.has_data:
            return (
                "refuse",
                None,
                None,
                f"{FORCE_VARIABLE} names {force}, whose MariaDB server runs outside any primary "
                f"component without cluster data (status {forced.status}): it cannot be promoted "
                f"to a primary component; stop mariadb.service on {force} and run again",
            )
        return "force", force, force, ""

    if not data:
        stopped = [node for node in nodes if not node.running]
        if not stopped:
            return (
                "refuse",
                None,
                None,
                "no node holds cluster data, but every writer runs a MariaDB server outside any "
                "primary component (a server started without Galera, e.g. by the package "
                f"installation), which cannot be promoted; stop mariadb.service on {nodes[0].name} "
                "and run again to bootstrap a new cluster from it",
            )
        return "new", stopped[0].name, stopped[0].name, ""

    uuids = _unique([node.uuid for node in data])
    if len(uuids) > 1:
        return (
            "refuse",
            None,
            None,
            f"the nodes hold data of different clusters (uuids {', '.join(uuids)}); "
            f"set {FORCE_VARIABLE} to the node whose data must win",
        )

    unknown = [node for node in data if node.seqno < 0]
    if unknown:
        if check_mode:
            return (
                "unknown",
                None,
                None,
                f"the committed position of {_join(unknown)} cannot be determined in check mode "
                "(grastate.dat seqno -1; mariadbd --wsrep-recover runs only in a real run, "
                f"which then decides, or refuses unless {FORCE_VARIABLE} is set)",
            )
        return (
            "refuse",
            None,
            None,
            f"the committed position of {_join(unknown)} cannot be determined (grastate.dat "
            "seqno -1 and mariadbd --wsrep-recover found none); "
            f"set {FORCE_VARIABLE} to bootstrap anyway",
        )

    top = max(node.seqno for node in data)
    best = [node for node in data if node.seqno == top]
    chosen = ([node for node in best if node.safe == 1] + best)[0]
    return "recover", chosen.name, chosen.name, ""


def bootstrap_plan(
    writers: Sequence[str],
    states: Mapping[str, Mapping[str, Any]],
    play_writers: Sequence[str],
    force: str | None = None,
    check_mode: bool = False,
) -> dict[str, Any]:
    """The plan of the Galera cluster start: ``{mode, bootstrap, anchor, reason, summary}``.

    ``writers`` is the Galera group in inventory order (it breaks ties); ``play_writers`` the
    writers still in the play (any order); ``states`` maps each of them to its probe
    ``{running, status, comment, safe, uuid, seqno, recovered}``; ``force`` is
    ``powerdns_galera_force_bootstrap_node`` (None or '' for none).  ``bootstrap`` is the node
    to bootstrap (None: none), ``anchor`` the node that runs the cluster-wide statements (the
    bootstrap node, or a Synced node of the running primary component), ``reason`` why the plan
    refuses (or why check mode cannot tell), ``summary`` one line per writer in the play.
    """
    group = _names(writers, "writers")
    if not group:
        raise ValueError("writers must name at least one node (the Galera group is empty)")
    in_play = _names(play_writers, "play_writers")
    outsiders = [name for name in in_play if name not in group]
    if outsiders:
        raise ValueError(
            f"play_writers names {', '.join(outsiders)}, not in writers ({', '.join(group)})"
        )
    play = [name for name in group if name in in_play]
    by_name = _check_states(states, play)
    forced = _check_force(force, group)
    check = _flag(check_mode, "check_mode")

    nodes = [by_name[name] for name in play]
    mode, bootstrap, anchor, reason = _decide(group, nodes, forced, check)
    return {
        "mode": mode,
        "bootstrap": bootstrap,
        "anchor": anchor,
        "reason": reason,
        "summary": [node.line() for node in nodes],
    }
