"""molecule/lab/inventory is inventories/lab with its own prefix and subnets.

It used to symlink the files of inventories/lab, but the collection may hold no symlink to a
directory (ansible-test sanity, symlinks test), so it holds copies. molecule links the scenario's
hosts, group_vars and host_vars into its ephemeral inventory (.config/molecule/config.yml), so
Ansible reads exactly the same files as before. This test keeps the copies equal to their source:
after changing inventories/lab, copy the file over (the message says which).
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SOURCE = REPO / "inventories" / "lab"
SCENARIO = REPO / "molecule" / "lab" / "inventory"
# The scenario's own settings: everything else is a copy of inventories/lab.
OWN = {"group_vars/lab/networks.yml"}


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_the_scenario_inventory_is_a_copy_of_the_lab_inventory():
    assert files(SCENARIO) - OWN == files(SOURCE) - OWN, (
        "molecule/lab/inventory must hold a copy of every file of inventories/lab"
    )
    for name in sorted(files(SOURCE) - OWN):
        assert (SCENARIO / name).read_bytes() == (SOURCE / name).read_bytes(), (
            f"cp inventories/lab/{name} molecule/lab/inventory/{name}"
        )


def test_the_scenario_keeps_its_own_prefix_and_subnets():
    for name in OWN:
        assert (SCENARIO / name).read_bytes() != (SOURCE / name).read_bytes()


def test_nothing_is_a_symlink():
    links = [path for root in (SCENARIO, SOURCE) for path in root.rglob("*") if path.is_symlink()]
    assert not links
