"""Finds when each Galera writer was out of the cluster, and whether two were out at once.

Reads a JSON list of "<epoch> <host> <wsrep_local_state_comment|down>" lines (every writer's
samples, any order) on stdin and prints, as JSON, each host's windows outside the cluster
(consecutive samples neither Synced nor Donor/Desynced, from the first to the last such sample)
and every pair of windows of different hosts that overlap. A rolling restart that waits for
Synced leaves disjoint windows: a node's last unsynced sample precedes the moment it is Synced,
which precedes the next node's restart, which precedes that node's first unsynced sample."""

import itertools
import json
import sys

IN_CLUSTER = {"Synced", "Donor/Desynced"}

samples = sorted(
    (float(t), host, state)
    for t, host, state in (line.split(None, 2) for line in json.load(sys.stdin) if line.strip())
)
windows: dict[str, list[list[float]]] = {}
open_window: dict[str, list[float] | None] = {}
for t, host, state in samples:
    state = state.strip()
    current = open_window.get(host)
    if state in IN_CLUSTER:
        open_window[host] = None
    elif current is None:
        open_window[host] = [t, t]
        windows.setdefault(host, []).append(open_window[host])
    else:
        current[1] = t
overlaps = [
    [a, wa, b, wb]
    for (a, was), (b, wbs) in itertools.combinations(sorted(windows.items()), 2)
    for wa in was
    for wb in wbs
    if wa[0] <= wb[1] and wb[0] <= wa[1]
]
print(
    json.dumps(
        {
            "hosts_sampled": sorted({host for _t, host, _state in samples}),
            "samples": len(samples),
            "windows": windows,
            "overlaps": overlaps,
        }
    )
)
