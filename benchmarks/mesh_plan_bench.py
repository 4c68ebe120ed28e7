#!/usr/bin/env python
"""Benchmark hobbynet.infra.mesh_plan on full meshes.

Prints, for full meshes of 25..400 nodes, the best-of-N wall time of:

* ``pure``:    the pure function ``plugin_utils._mesh.mesh_plan``;
* ``filter``:  the filter plugin function (``FilterModule().filters()['mesh_plan']``);
* ``templar``: the expression ``{{ nodes | hobbynet.infra.mesh_plan(pool) }}`` rendered by
  Ansible's Templar, which adds Ansible's handling of the 20k-dict result;
* ``peers``:   one host's ``mesh_peers`` on that plan, called directly and through the
  Templar (``{{ plan | hobbynet.infra.mesh_peers(host) }}``, where Ansible wraps the plan in
  lazy containers): what each host pays per evaluation.

and the microseconds per link, which stay about constant when the work is linear in the
number of links.  Every node has an endpoint and a location, so every link pays for a
great-circle cost estimate (the most expensive cost path).

Run from the repository root:  .venv/bin/python benchmarks/mesh_plan_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
COLLECTIONS = REPO / ".cache" / "collections"
if not (COLLECTIONS / "ansible_collections" / "hobbynet" / "infra").exists():
    sys.exit(
        f"{COLLECTIONS}/ansible_collections/hobbynet/infra is missing: link it to {REPO} "
        "(for example by running the unit tests once) and rerun"
    )
try:
    # Ansible's collection loader must own ``ansible_collections`` before the first import
    # from it, or the Templar column cannot resolve ``hobbynet.infra.mesh_plan``.
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
except ImportError:  # another ansible-core version: plain namespace-package imports
    sys.path.insert(0, str(COLLECTIONS))
else:
    _AnsibleCollectionFinder(paths=[str(COLLECTIONS)])._install()

from ansible_collections.hobbynet.infra.plugins.plugin_utils._mesh import (  # noqa: E402
    mesh_peers,
    mesh_plan,
)

# A /14 holds 131,072 /31s: node ids up to 512, enough for the 400-node mesh.
POOL = "10.64.0.0/14"


def make_nodes(count: int) -> list[dict[str, Any]]:
    """``count`` nodes with endpoints and locations spread deterministically over the globe."""
    golden = math.pi * (3 - math.sqrt(5))
    nodes = []
    for i in range(1, count + 1):
        lat = math.degrees(math.asin(1 - 2 * (i - 0.5) / count))
        lon = math.degrees((i * golden) % (2 * math.pi)) - 180
        nodes.append(
            {
                "name": f"node{i:03d}",
                "id": i,
                "endpoint": f"node{i:03d}.example.net",
                "location": {"lat": round(lat, 4), "lon": round(lon, 4)},
            }
        )
    return nodes


def best_of(repeat: int, func: Callable[[], Any]) -> float:
    """Best wall time of ``repeat`` calls, with the garbage collector paused during each."""
    best = math.inf
    for _run in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            func()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def make_templar_runner(variables: dict[str, Any], expression: str) -> Callable[[], Any] | None:
    """A callable rendering ``expression`` with Ansible's Templar, or None without it."""
    try:
        from ansible.parsing.dataloader import DataLoader
        from ansible.template import Templar, trust_as_template
    except ImportError:  # another ansible-core version: skip this column
        return None
    templar = Templar(loader=DataLoader(), variables=variables)
    trusted = trust_as_template(expression)
    return lambda: templar.template(trusted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 400-node mesh")
    parser.add_argument("--no-templar", action="store_true", help="skip the Ansible Templar column")
    args = parser.parse_args()

    sizes = [25, 50, 100, 200] if args.quick else [25, 50, 100, 200, 400]
    repeat = 3 if args.quick else 7

    from ansible_collections.hobbynet.infra.plugins.filter.mesh_plan import FilterModule

    filter_func = FilterModule().filters()["mesh_plan"]

    print(f"python {platform.python_version()} on {platform.machine()}, best of {repeat}")
    header = (
        f"{'nodes':>5} {'links':>6} {'pure s':>8} {'us/link':>8} {'filter s':>9} "
        f"{'templar s':>10} {'us/link':>8} {'peers ms':>9} {'peers(templar) ms':>18}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for count in sizes:
        nodes = make_nodes(count)
        links = count * (count - 1) // 2
        plan = mesh_plan(nodes, POOL)  # warm-up, and the input for mesh_peers
        assert len(plan) == links
        pure = best_of(repeat, lambda nodes=nodes: mesh_plan(nodes, POOL))
        via_filter = best_of(repeat, lambda nodes=nodes: filter_func(nodes, POOL))
        host = nodes[count // 2]["name"]
        peers = best_of(repeat, lambda plan=plan, host=host: mesh_peers(plan, host))
        templar_time = peers_templar = math.nan
        if not args.no_templar:
            runner = make_templar_runner(
                {"nodes": nodes, "pool": POOL}, "{{ nodes | hobbynet.infra.mesh_plan(pool) }}"
            )
            peers_runner = make_templar_runner(
                {"plan": plan, "host": host}, "{{ plan | hobbynet.infra.mesh_peers(host) }}"
            )
            if runner is not None and peers_runner is not None:
                runner()  # warm-up (loads the plugin)
                templar_time = best_of(max(1, repeat // 2), runner)
                peers_runner()
                peers_templar = best_of(max(1, repeat // 2), peers_runner)
        rows.append((count, links, pure))
        templar_cells = (
            f"{templar_time:>10.3f} {templar_time / links * 1e6:>8.1f}"
            if not math.isnan(templar_time)
            else f"{'-':>10} {'-':>8}"
        )
        print(
            f"{count:>5} {links:>6} {pure:>8.3f} {pure / links * 1e6:>8.1f} {via_filter:>9.3f} "
            f"{templar_cells} {peers * 1e3:>9.2f} {peers_templar * 1e3:>18.1f}"
        )

    # Linearity: least-squares fit of time = a + b * links, and the time ratio between
    # consecutive sizes against the link ratio.
    n = len(rows)
    mean_x = sum(r[1] for r in rows) / n
    mean_y = sum(r[2] for r in rows) / n
    sxx = sum((r[1] - mean_x) ** 2 for r in rows)
    sxy = sum((r[1] - mean_x) * (r[2] - mean_y) for r in rows)
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    ss_res = sum((r[2] - intercept - slope * r[1]) ** 2 for r in rows)
    ss_tot = sum((r[2] - mean_y) ** 2 for r in rows)
    print()
    print(
        f"linear fit (pure): time = {intercept * 1e3:.2f} ms + {slope * 1e6:.2f} us x links, "
        f"R^2 = {1 - ss_res / ss_tot:.5f}"
    )
    for (c0, l0, t0), (c1, l1, t1) in itertools.pairwise(rows):
        print(
            f"{c0:>3} -> {c1:>3} nodes: links x{l1 / l0:.2f}, pure time x{t1 / t0:.2f} "
            "(linear in links when the two ratios match)"
        )
    target = next((t for c, _links, t in rows if c == 200), None)
    if target is not None:
        verdict = "met" if target < 2 else "MISSED"
        print(f"target: 200 nodes under 2 s (pure function): {target:.3f} s, {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
