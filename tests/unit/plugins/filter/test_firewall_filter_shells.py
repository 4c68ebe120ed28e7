"""The listener_conflicts and nft_guard filter files: error wrapping and the value they return.

Name mapping and documentation are checked for every filter in test_filter_shells.py."""

from __future__ import annotations

import importlib

import pytest
from ansible.errors import AnsibleFilterError

MARIADB = {"service": "MariaDB", "proto": "tcp", "port": 3306, "var": "powerdns_galera_port"}


def get_filter(name):
    module = importlib.import_module(f"ansible_collections.hobbynet.infra.plugins.filter.{name}")
    return module.FilterModule().filters()[name]


@pytest.mark.parametrize(
    ("name", "args", "fragment"),
    [
        ("listener_conflicts", [[]], "listener_conflicts: listeners must be a mapping"),
        ("listener_conflicts", [{"r": [{**MARIADB, "port": 0}]}], "powerdns_galera_port (MariaDB)"),
        ("nft_guard", [[MARIADB], "bad-name"], "nft_guard: table must be a letter"),
        ("nft_guard", [[{**MARIADB, "allow": ["x"]}], "t"], "is not an IPv4 or IPv6 address"),
    ],
)
def test_errors_become_ansible_filter_errors(name, args, fragment):
    with pytest.raises(AnsibleFilterError) as info:
        get_filter(name)(*args)
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"{name}: ")
    assert isinstance(info.value.__cause__, (TypeError, ValueError))


def test_filters_return_values():
    dns = {"service": "DNS", "proto": "tcp", "port": 3306, "var": "powerdns_galera_pdns_local_port"}
    assert get_filter("listener_conflicts")({"a": [MARIADB], "b": [dns]}, "r1") == [
        "r1: tcp/3306 is claimed by more than one service: powerdns_galera_pdns_local_port "
        "(DNS, role b); powerdns_galera_port (MariaDB, role a)"
    ]
    script = get_filter("nft_guard")([{**MARIADB, "allow": []}], "t", keep_open=[22, 2222])
    assert "tcp dport { 22, 2222 } accept" in script
    assert "tcp dport 3306 counter drop" in script
