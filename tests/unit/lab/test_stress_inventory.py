"""inventories/stress: ten backbone sites in a full mesh for benchmarks/stress.py."""

from __future__ import annotations

import ipaddress
import itertools
import sys
from pathlib import Path

import yaml
from ansible_collections.hobbynet.infra.plugins.plugin_utils._cost import ospf_cost

REPO = Path(__file__).resolve().parents[3]
STRESS = REPO / "inventories" / "stress"
sys.path.insert(0, str(REPO / "lab" / "filter_plugins"))
from lab_net import lab_first_hops  # noqa: E402

SITES = [f"s{i}" for i in range(1, 11)]


def load(relative: str):
    return yaml.safe_load((STRESS / relative).read_text())


def test_the_platform_is_the_labs():
    lab = REPO / "inventories" / "lab" / "group_vars" / "lab" / "platform.yml"
    assert (STRESS / "group_vars" / "lab" / "platform.yml").read_bytes() == lab.read_bytes(), (
        "cp inventories/lab/group_vars/lab/platform.yml inventories/stress/group_vars/lab/"
    )


def test_ten_sites_with_their_own_ids_addresses_and_prefixes():
    hosts = load("hosts.yml")["all"]["children"]["backbone"]["hosts"]
    assert sorted(hosts) == sorted(SITES)
    host_vars = {s: load(f"host_vars/{s}.yml") for s in SITES}
    for key in ("backbone_id", "lab_host_number"):
        values = [v[key] for v in host_vars.values()]
        assert len(set(values)) == len(SITES), key
    prefixes = [p for v in host_vars.values() for p in v["bird2_site_prefixes"]]
    assert len(set(prefixes)) == 2 * len(SITES)


def test_a_full_mesh_of_45_links_whose_costs_are_not_a_metric():
    mesh = load("group_vars/backbone/mesh.yml")
    assert "wireguard_mesh_links" not in mesh  # every pair
    rtt = mesh["wireguard_mesh_rtt_ms"]
    pairs = {tuple(sorted((a, b))) for a, row in rtt.items() for b in row}
    assert pairs == {tuple(sorted(p)) for p in itertools.combinations(SITES, 2)}
    plan = [
        {"nodes": [a, b], "cost": ospf_cost(ms)} for a, row in rtt.items() for b, ms in row.items()
    ]
    hops = lab_first_hops(plan)
    indirect = [(a, b) for a in SITES for b in SITES if a != b and b not in hops[a][b]]
    assert indirect, "some two-hop path must beat a direct tunnel"


def test_its_subnet_is_apart_from_the_other_labs():
    own = ipaddress.ip_network(load("group_vars/lab/networks.yml")["lab_networks"][0]["subnet4"])
    for other in ("inventories/lab", "molecule/lab/inventory"):
        networks = yaml.safe_load((REPO / other / "group_vars/lab/networks.yml").read_text())
        for network in networks["lab_networks"]:
            assert not own.overlaps(ipaddress.ip_network(network["subnet4"]))
