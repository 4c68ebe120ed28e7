"""Unit tests for plugins/plugin_utils/_galera.py (bootstrap_plan: Galera bootstrap decision)."""

from __future__ import annotations

import copy
import json

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._galera import (
    FORCE_VARIABLE,
    MODES,
    PLAN_KEYS,
    STATE_KEYS,
    ZERO_UUID,
    bootstrap_plan,
    check_state,
)
from hypothesis import given
from hypothesis import strategies as st

U1 = "6d5d7e0b-1111-11ee-8000-aabbccddeeff"
U2 = "7e6e8f1c-2222-11ee-8000-aabbccddeeff"
W3 = ["d1", "d2", "d3"]


def state(running=False, status="", comment="", safe=0, uuid="", seqno=-1, recovered=False):
    return {
        "running": running,
        "status": status,
        "comment": comment,
        "safe": safe,
        "uuid": uuid,
        "seqno": seqno,
        "recovered": recovered,
    }


def stopped(seqno=-1, uuid=U1, safe=0, recovered=False):
    return state(uuid=uuid, seqno=seqno, safe=safe, recovered=recovered)


def up(status="Primary", comment="Synced", uuid=U1, seqno=100):
    return state(running=True, status=status, comment=comment, uuid=uuid, seqno=seqno)


EMPTY = state()  # stopped, never had cluster data (no grastate.dat)
STANDALONE = state(running=True, status="Disconnected")  # MariaDB started without Galera


def plan(states, writers=None, play=None, force=None, check_mode=False):
    writers = W3 if writers is None else writers
    play = list(states) if play is None else play
    return bootstrap_plan(writers, states, play, force, check_mode)


# ------------------------------------------------------------------- scenarios

# (id, states (of the writers in the play), keyword arguments, mode, bootstrap, anchor,
#  fragments of the reason)
SCENARIOS = [
    # --- new cluster
    ("new: no node has data", {"d1": EMPTY, "d2": EMPTY, "d3": EMPTY}, {}, "new", "d1", "d1", []),
    (
        "new: the zero uuid is no data",
        {"d1": stopped(uuid=ZERO_UUID), "d2": stopped(5, uuid=ZERO_UUID), "d3": EMPTY},
        {},
        "new",
        "d1",
        "d1",
        [],
    ),
    (
        "new: a running server without Galera is not the bootstrap node",
        {"d1": STANDALONE, "d2": EMPTY, "d3": EMPTY},
        {},
        "new",
        "d2",
        "d2",
        [],
    ),
    (
        "new: every writer runs a server without Galera",
        {"d1": STANDALONE, "d2": STANDALONE, "d3": up("non-Primary", "", uuid="")},
        {},
        "refuse",
        None,
        None,
        ["no node holds cluster data", "stop mariadb.service on d1"],
    ),
    # --- running cluster
    (
        "running: every node Synced",
        {"d1": up(), "d2": up(), "d3": up()},
        {},
        "running",
        None,
        "d1",
        [],
    ),
    (
        "running: a Synced primary node is the anchor before a desynced one",
        {"d1": up(comment="Donor/Desynced"), "d2": up(), "d3": EMPTY},
        {},
        "running",
        None,
        "d2",
        [],
    ),
    (
        "running: no Synced primary node, the first primary node anchors",
        {"d1": stopped(3), "d2": up(comment="Joiner"), "d3": up(comment="Donor/Desynced")},
        {},
        "running",
        None,
        "d2",
        [],
    ),
    (
        "running: the others are stopped, crashed or empty",
        {"d1": stopped(-1), "d2": EMPTY, "d3": up()},
        {},
        "running",
        None,
        "d3",
        [],
    ),
    (
        "running: the forced node is ignored",
        {"d1": stopped(500), "d2": up(), "d3": up()},
        {"force": "d1"},
        "running",
        None,
        "d2",
        [],
    ),
    (
        "running: writers outside the play do not matter",
        {"d2": up(comment="Joiner"), "d3": stopped()},
        {"play": ["d3", "d2"]},
        "running",
        None,
        "d2",
        [],
    ),
    (
        "running: a non-primary node next to a primary one joins it",
        {"d1": up("non-Primary", "Initialized", seqno=900), "d2": up(seqno=10), "d3": up(seqno=10)},
        {},
        "running",
        None,
        "d2",
        [],
    ),
    (
        "refuse: two primary components of different clusters",
        {"d1": up(), "d2": up(uuid=U2), "d3": up()},
        {"force": "d1"},
        "refuse",
        None,
        None,
        ["d1, d2, d3 are in primary components of different clusters", f"{U1}, {U2}"],
    ),
    # --- recovery
    (
        "recover: everything crashed, the recovered positions decide",
        {
            "d1": stopped(41, recovered=True),
            "d2": stopped(42, recovered=True),
            "d3": stopped(40, safe=0),
        },
        {},
        "recover",
        "d2",
        "d2",
        [],
    ),
    (
        "recover: a clean stop, the last node to leave is safe_to_bootstrap",
        {"d1": stopped(20), "d2": stopped(20), "d3": stopped(20, safe=1)},
        {},
        "recover",
        "d3",
        "d3",
        [],
    ),
    (
        "recover: equal positions without safe_to_bootstrap, group order",
        {"d1": stopped(7), "d2": stopped(7), "d3": stopped(6, safe=1)},
        {"writers": ["d2", "d1", "d3"]},
        "recover",
        "d2",
        "d2",
        [],
    ),
    (
        "recover: the highest seqno wins over safe_to_bootstrap",
        {"d1": stopped(5, safe=1), "d2": stopped(7), "d3": stopped(6)},
        {},
        "recover",
        "d2",
        "d2",
        [],
    ),
    (
        "recover: never an empty node, whatever its seqno",
        {"d1": stopped(900, uuid=ZERO_UUID), "d2": EMPTY, "d3": stopped(4)},
        {},
        "recover",
        "d3",
        "d3",
        [],
    ),
    (
        "recover: a running survivor without quorum is promoted",
        {"d1": stopped(29), "d2": up("non-Primary", "Initialized", seqno=30), "d3": stopped(28)},
        {},
        "recover",
        "d2",
        "d2",
        [],
    ),
    (
        "recover: an empty node with seqno -1 is not an unknown position",
        {"d1": EMPTY, "d2": stopped(3), "d3": stopped(3, safe=1)},
        {"check_mode": True},
        "recover",
        "d3",
        "d3",
        [],
    ),
    # --- refusals
    (
        "refuse: data of different clusters",
        {"d1": stopped(9, uuid=U2), "d2": stopped(3), "d3": stopped(4)},
        {},
        "refuse",
        None,
        None,
        [f"different clusters (uuids {U2}, {U1})", FORCE_VARIABLE],
    ),
    (
        "refuse: different clusters, also in check mode",
        {"d1": stopped(9, uuid=U2), "d2": stopped(-1), "d3": stopped(4)},
        {"check_mode": True},
        "refuse",
        None,
        None,
        ["different clusters"],
    ),
    (
        "refuse: an unknown position",
        {"d1": stopped(10), "d2": stopped(-1), "d3": stopped(-1, uuid=ZERO_UUID)},
        {},
        "refuse",
        None,
        None,
        [
            "committed position of d2 cannot be determined",
            "mariadbd --wsrep-recover found none",
            f"set {FORCE_VARIABLE} to bootstrap anyway",
        ],
    ),
    (
        "unknown: an unknown position in check mode",
        {"d1": stopped(10), "d2": stopped(-1), "d3": stopped(-1)},
        {"check_mode": True},
        "unknown",
        None,
        None,
        ["d2, d3 cannot be determined in check mode", "runs only in a real run"],
    ),
    (
        "refuse: writers outside the play",
        {"d2": stopped(50), "d3": stopped(1)},
        {"writers": ["d1", "d2", "d3", "d4", "d5"], "play": ["d3", "d2"]},
        "refuse",
        None,
        None,
        ["writers d1, d4, d5 are not in the play (--limit, unreachable or failed)"],
    ),
    (
        "refuse: writers outside the play, even forced",
        {"d1": stopped(50), "d2": stopped(1)},
        {"force": "d1"},
        "refuse",
        None,
        None,
        ["the writers d3 are not in the play"],
    ),
    (
        "refuse: the forced node is outside the play",
        {"d1": stopped(50), "d2": stopped(1)},
        {"force": "d3"},
        "refuse",
        None,
        None,
        ["the writers d3 are not in the play", f"{FORCE_VARIABLE} names d3, which this play"],
    ),
    (
        "refuse: a running server that does not answer",
        {"d1": stopped(5), "d2": state(running=True), "d3": stopped(4)},
        {"force": "d1", "check_mode": True},
        "refuse",
        None,
        None,
        ["the MariaDB server of d2 runs but did not answer", "primary component"],
    ),
    (
        "refuse: a running server that does not answer, even without data elsewhere",
        {"d1": EMPTY, "d2": EMPTY, "d3": state(running=True, uuid=U1)},
        {},
        "refuse",
        None,
        None,
        ["the MariaDB server of d3 runs but did not answer"],
    ),
    # --- forced node
    (
        "force: a node behind the others",
        {"d1": stopped(10), "d2": stopped(12), "d3": stopped(3)},
        {"force": "d3"},
        "force",
        "d3",
        "d3",
        [],
    ),
    (
        "force: data of different clusters",
        {"d1": stopped(9, uuid=U2), "d2": stopped(3), "d3": stopped(4)},
        {"force": "d2"},
        "force",
        "d2",
        "d2",
        [],
    ),
    (
        "force: unknown positions",
        {"d1": stopped(-1), "d2": stopped(-1), "d3": up("non-Primary", "", seqno=8)},
        {"force": "d1"},
        "force",
        "d1",
        "d1",
        [],
    ),
    (
        "force: a new cluster from a chosen node",
        {"d1": EMPTY, "d2": EMPTY, "d3": STANDALONE},
        {"force": "d2"},
        "force",
        "d2",
        "d2",
        [],
    ),
    (
        "refuse: the forced node is empty while others hold data",
        {"d1": EMPTY, "d2": stopped(4), "d3": stopped(5)},
        {"force": "d1"},
        "refuse",
        None,
        None,
        [f"{FORCE_VARIABLE} names d1, which holds no cluster data, while d2, d3 do"],
    ),
    (
        "refuse: the forced node runs a server without Galera",
        {"d1": EMPTY, "d2": STANDALONE, "d3": EMPTY},
        {"force": "d2"},
        "refuse",
        None,
        None,
        ["names d2, whose MariaDB server runs outside any primary component", "status Disc"],
    ),
]


@pytest.mark.parametrize(
    ("states", "kwargs", "mode", "bootstrap", "anchor", "fragments"),
    [pytest.param(*case[1:], id=case[0]) for case in SCENARIOS],
)
def test_scenarios(states, kwargs, mode, bootstrap, anchor, fragments):
    result = plan(states, **kwargs)
    assert list(result) == list(PLAN_KEYS)
    assert (result["mode"], result["bootstrap"], result["anchor"]) == (mode, bootstrap, anchor)
    for fragment in fragments:
        assert fragment in result["reason"]
    assert bool(result["reason"]) == (mode in ("refuse", "unknown"))


def test_summary_lines():
    result = plan(
        {
            "d1": up(seqno=12),
            "d2": state(running=True, uuid=U1),
            "d3": stopped(11, safe=1, recovered=True),
        },
        writers=["d1", "d2", "d3", "d4"],
        play=["d3", "d2", "d1"],
    )
    assert result["summary"] == [
        f"d1: running Primary, uuid {U1}, seqno 12, safe_to_bootstrap 0",
        f"d2: running not connected, uuid {U1}, seqno -1, safe_to_bootstrap 0",
        f"d3: stopped, uuid {U1}, seqno 11 (recovered), safe_to_bootstrap 1",
    ]
    assert plan({"d1": EMPTY}, writers=["d1"])["summary"] == [
        "d1: stopped, uuid none, seqno -1, safe_to_bootstrap 0"
    ]


def test_molecule_dns_outage():
    """The hard case of molecule/dns: d1 crashes, d3 stops cleanly, d2 crashes last."""
    states = {
        "d1": stopped(1041, recovered=True),
        "d2": stopped(1043, recovered=True),
        "d3": stopped(1042),
    }
    assert plan(states)["bootstrap"] == "d2"
    # Without --wsrep-recover (check mode) the crashed positions are unknown.
    blind = {"d1": stopped(-1), "d2": stopped(-1), "d3": stopped(1042)}
    assert plan(blind, check_mode=True)["mode"] == "unknown"
    assert plan(blind)["mode"] == "refuse"


# ---------------------------------------------------------- normalised types


def test_strings_from_templating_equal_native_values():
    native = {"d1": stopped(41, recovered=True), "d2": stopped(42, safe=1), "d3": up("non-Primary")}
    texts = {
        "d1": {**native["d1"], "running": "False", "recovered": "True", "seqno": "41", "safe": "0"},
        "d2": {**native["d2"], "running": "false", "recovered": "0", "seqno": " 42 ", "safe": "1"},
        "d3": {**native["d3"], "running": "yes", "recovered": 0, "seqno": "100", "safe": 0},
    }
    assert plan(texts) == plan(native)
    assert plan(native)["bootstrap"] == "d3"
    upper = {**native, "d3": {**native["d3"], "uuid": U1.upper() + " "}}
    assert plan(upper) == plan(native)
    assert plan(native, check_mode="True") == plan(native, check_mode=True)


def test_check_state_normalises():
    node = check_state("d1", {**up(), "running": "True", "seqno": "-1", "safe": "1"})
    assert (node.running, node.seqno, node.safe) == (True, -1, 1)
    assert isinstance(node.seqno, int) and not isinstance(node.seqno, bool)


# ------------------------------------------------------------------ bad input

GOOD = {"d1": EMPTY, "d2": EMPTY, "d3": EMPTY}


@pytest.mark.parametrize(
    ("args", "exc", "fragment"),
    [
        (("d1", GOOD, W3), TypeError, "writers must be a list of host names, got 'd1'"),
        (([], {}, []), ValueError, "writers must name at least one node"),
        ((["d1", "d1"], GOOD, W3), ValueError, "writers names 'd1' twice"),
        ((["d1", 2], GOOD, W3), TypeError, "writers[1] must be a non-empty string"),
        ((W3, GOOD, None), TypeError, "play_writers must be a list of host names, got None"),
        ((W3, GOOD, ["d1", "d4"]), ValueError, "play_writers names d4, not in writers"),
        ((W3, [], W3), TypeError, "states must be a mapping"),
        ((W3, {"d1": EMPTY, "d2": EMPTY}, W3), ValueError, "no entry for the writer(s) in the"),
        ((W3, {**GOOD, "d4": EMPTY}, W3), ValueError, "states has entries for 'd4'"),
        ((W3, GOOD, ["d1", "d2"]), ValueError, "states has entries for 'd3', which are not"),
        ((W3, {**GOOD, "d2": None}, W3), TypeError, "the state of 'd2' must be a mapping"),
        (
            (W3, {**GOOD, "d2": {k: v for k, v in EMPTY.items() if k != "seqno"}}, W3),
            ValueError,
            "the state of 'd2' has no key 'seqno' (a state has the keys running, status,",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "seq": 1}}, W3),
            ValueError,
            "the state of 'd2' has unknown key(s) ['seq']",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "running": "maybe"}}, W3),
            ValueError,
            "the state of 'd2': running must be a boolean, got 'maybe' (type str)",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "recovered": None}}, W3),
            TypeError,
            "recovered must be a boolean, got None",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "running": 2}}, W3),
            ValueError,
            "running must be a boolean, got 2",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "seqno": -2}}, W3),
            ValueError,
            "the state of 'd2': seqno must be an integer >= -1, got -2",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "seqno": "12a"}}, W3),
            TypeError,
            "seqno must be an integer, got '12a' (type str)",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "seqno": True}}, W3),
            TypeError,
            "seqno must be an integer, got True (type bool)",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "seqno": 3.0}}, W3),
            TypeError,
            "seqno must be an integer, got 3.0 (type float)",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "safe": 2}}, W3),
            ValueError,
            "safe (safe_to_bootstrap) must be an integer from 0 to 1, got 2",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "uuid": None}}, W3),
            TypeError,
            "the state of 'd2': uuid must be a string, got None",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "uuid": "not-a-uuid"}}, W3),
            ValueError,
            "uuid must be a Galera state uuid (8-4-4-4-12 hexadecimal digits) or empty",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "status": 1}}, W3),
            TypeError,
            "status must be a string, got 1 (type int)",
        ),
        (
            (W3, {**GOOD, "d2": {**EMPTY, "status": "Primary"}}, W3),
            ValueError,
            "the state of 'd2': a stopped node cannot report a wsrep status",
        ),
        ((W3, GOOD, W3, "d4"), ValueError, f"({FORCE_VARIABLE}) 'd4' is not a writer"),
        ((W3, GOOD, W3, ["d1"]), TypeError, "the forced node must be a host name"),
        ((W3, GOOD, W3, None, "sometimes"), ValueError, "check_mode must be a boolean"),
    ],
)
def test_bad_input(args, exc, fragment):
    with pytest.raises(exc) as info:
        bootstrap_plan(*args)
    assert fragment in str(info.value)


@pytest.mark.parametrize("force", [None, "", "__omit_place_holder__0123"])
def test_no_force(force):
    assert plan(GOOD, force=force) == plan(GOOD)


# ----------------------------------------------------------------- properties

NAMES = ["d1", "d2", "d3", "d4", "d5", "d6"]
UUIDS = ["", ZERO_UUID, U1, U1, U1, U2]


@st.composite
def node_states(draw):
    running = draw(st.booleans())
    if running:
        status = draw(st.sampled_from(["Primary", "non-Primary", "Disconnected", ""]))
        comment = draw(st.sampled_from(["Synced", "Donor/Desynced", "Joiner", "Initialized", ""]))
    else:
        status = comment = ""
    return state(
        running=running,
        status=status,
        comment=comment,
        safe=draw(st.integers(0, 1)),
        uuid=draw(st.sampled_from(UUIDS)),
        seqno=draw(st.integers(-1, 6) | st.integers(-1, 2**63 - 1)),
        recovered=draw(st.booleans()),
    )


@st.composite
def clusters(draw):
    """(writers, states, play_writers, force, check_mode) of a random cluster."""
    writers = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    play = draw(st.lists(st.sampled_from(writers), unique=True))
    if draw(st.integers(0, 3)):  # mostly every writer is in the play
        play = draw(st.permutations(writers))
    # Often one cluster history and no unreadable server, so that the plan can decide.
    tame = draw(st.booleans())
    states = {}
    for name in play:
        node = draw(node_states())
        if tame:
            node["uuid"] = U1 if node["uuid"] == U2 else node["uuid"]
            node["status"] = node["status"] or ("non-Primary" if node["running"] else "")
        states[name] = node
    force = draw(st.none() | st.sampled_from(writers))
    return writers, states, list(play), force, draw(st.booleans())


def _has_data(node):
    return node["uuid"] not in ("", ZERO_UUID)


@given(clusters())
def test_property_plan_is_well_formed(cluster):
    writers, states, play, force, check_mode = cluster
    before = copy.deepcopy(cluster)
    result = bootstrap_plan(writers, states, play, force, check_mode)
    assert cluster == before  # inputs untouched
    assert json.loads(json.dumps(result)) == result  # plain JSON data
    assert list(result) == list(PLAN_KEYS)
    assert result["mode"] in MODES
    assert [line.split(":")[0] for line in result["summary"]] == [w for w in writers if w in play]
    mode, bootstrap, anchor = result["mode"], result["bootstrap"], result["anchor"]
    if mode in ("new", "recover", "force"):
        assert bootstrap is not None and anchor == bootstrap and not result["reason"]
    elif mode == "running":
        assert bootstrap is None and anchor is not None and not result["reason"]
    else:
        assert bootstrap is None and anchor is None and result["reason"]
    if mode == "unknown":
        assert check_mode


@given(clusters())
def test_property_never_bootstrap_beside_a_primary_component(cluster):
    writers, states, play, force, check_mode = cluster
    result = bootstrap_plan(writers, states, play, force, check_mode)
    primary = [w for w in writers if w in play and states[w]["status"] == "Primary"]
    if primary:
        assert result["bootstrap"] is None
        assert result["mode"] in ("running", "refuse")
        uuids = {states[name]["uuid"] for name in primary if _has_data(states[name])}
        assert (result["mode"] == "refuse") == (len(uuids) > 1)
        if result["mode"] == "running":
            synced = [name for name in primary if states[name]["comment"] == "Synced"]
            assert result["anchor"] == (synced + primary)[0]
    else:
        assert result["mode"] != "running"


@given(clusters())
def test_property_bootstrap_one_writer_of_the_play(cluster):
    writers, states, play, force, check_mode = cluster
    result = bootstrap_plan(writers, states, play, force, check_mode)
    bootstrap = result["bootstrap"]
    if bootstrap is None:
        return
    assert isinstance(bootstrap, str)  # one node, never a list
    assert bootstrap in writers and bootstrap in play
    assert set(writers) == set(play)  # never while a writer is outside the play
    node = states[bootstrap]
    assert node["status"] != "Primary"
    assert not node["running"] or _has_data(node)  # pc.bootstrap only for a member with state
    if any(_has_data(states[name]) for name in play):
        assert _has_data(node)  # never an empty node while another holds data
    if result["mode"] == "force":
        assert bootstrap == force
    if result["mode"] == "new":
        assert not any(_has_data(states[name]) for name in play)
        assert not node["running"]


@given(clusters())
def test_property_recover_picks_the_most_advanced_node(cluster):
    writers, states, play, force, check_mode = cluster
    result = bootstrap_plan(writers, states, play, force, check_mode)
    if result["mode"] != "recover":
        return
    assert force is None
    data = [name for name in writers if name in play and _has_data(states[name])]
    chosen = states[result["bootstrap"]]
    assert _has_data(chosen)
    top = max(states[name]["seqno"] for name in data)
    assert chosen["seqno"] == top >= 0
    assert all(states[name]["seqno"] >= 0 for name in data)
    assert len({states[name]["uuid"] for name in data}) == 1
    best = [name for name in data if states[name]["seqno"] == top]
    safe = [name for name in best if states[name]["safe"] == 1]
    assert result["bootstrap"] == (safe + best)[0]


@given(clusters())
def test_property_refuse_when_the_histories_or_positions_are_unclear(cluster):
    writers, states, play, force, check_mode = cluster
    result = bootstrap_plan(writers, states, play, force, check_mode)
    nodes = [states[name] for name in play]
    if any(node["status"] == "Primary" for node in nodes):
        return
    data = [node for node in nodes if _has_data(node)]
    differ = len({node["uuid"] for node in data}) > 1
    unknown = any(node["seqno"] < 0 for node in data)
    blind = set(play) != set(writers) or any(n["running"] and not n["status"] for n in nodes)
    if blind:
        assert result["mode"] == "refuse"
    if (differ or unknown) and force is None:
        assert result["bootstrap"] is None
        assert result["mode"] in ("refuse", "unknown")
        if differ or not check_mode:
            assert result["mode"] == "refuse"
    if result["mode"] == "force":
        assert not blind and force is not None


@given(clusters(), st.randoms(use_true_random=False))
def test_property_deterministic_and_order_independent(cluster, rnd):
    writers, states, play, force, check_mode = cluster
    result = bootstrap_plan(writers, states, play, force, check_mode)
    assert bootstrap_plan(writers, states, play, force, check_mode) == result
    names = list(states)
    rnd.shuffle(names)
    shuffled = {name: dict(reversed(list(states[name].items()))) for name in names}
    play_shuffled = list(play)
    rnd.shuffle(play_shuffled)
    assert bootstrap_plan(writers, shuffled, play_shuffled, force, check_mode) == result


@given(clusters())
def test_property_strings_from_templating_change_nothing(cluster):
    writers, states, play, force, check_mode = cluster
    texts = {
        name: {
            key: str(value) if key in ("running", "recovered", "safe", "seqno") else value
            for key, value in node.items()
        }
        for name, node in states.items()
    }
    assert bootstrap_plan(writers, texts, play, force, str(check_mode)) == bootstrap_plan(
        writers, states, play, force, check_mode
    )


def test_state_keys_are_the_probe_keys():
    assert set(STATE_KEYS) == set(EMPTY)
