"""Unit tests for plugins/plugin_utils/_poweradmin.py (Poweradmin's inputs and its SQL plan)."""

from __future__ import annotations

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._poweradmin import (
    STRUCTURE_SCRIPT,
    PoweradminInputError,
    listen_address_problems,
    poweradmin_plan,
    schema_plan,
    update_scripts,
    version_key,
)

GOOD = {
    "poweradmin_galera_group": "galera",
    "poweradmin_version": "4.3.4",
    "poweradmin_archive_sha256": "a" * 64,
    "poweradmin_archive_path": "/srv/poweradmin-4.3.4.tar.gz",
    "poweradmin_server_name": "poweradmin.example.net",
    "poweradmin_https_port": 443,
    "poweradmin_http_port": 80,
    "poweradmin_session_key": "k" * 32,
    "poweradmin_session_store": "database",
    "poweradmin_session_lifetime": 1800,
    "poweradmin_db_name": "poweradmin",
    "poweradmin_db_user": "poweradmin",
    "poweradmin_db_password": "db-secret-0123",
    "poweradmin_pdns_db_name": "powerdns",
    "poweradmin_admin_user": "admin",
    "poweradmin_admin_password": "Admin-Secret-0123",
    "poweradmin_password_min_length": 12,
    "poweradmin_listen_addresses": [],
    "__poweradmin_site_address": "10.64.1.1",
}


def plan(**changes):
    values = dict(GOOD)
    values.update(changes)
    return poweradmin_plan("r1", values, ["r1", "r2", "r3"])


def problems(**changes):
    with pytest.raises(PoweradminInputError) as err:
        plan(**changes)
    return "; ".join(err.value.problems)


def test_good_inputs_plan_the_release_and_the_contract_address():
    result = plan()
    assert result["version"] == "4.3.4"
    assert result["target_version"] == "4.3.4"
    assert result["rollback"] is False
    assert result["listen_addresses"] == ["10.64.1.1"]
    assert result["self_signed"] is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"poweradmin_archive_sha256": None}, "poweradmin_archive_sha256 is required"),
        (
            {"poweradmin_archive_sha256": "ab" * 20},
            "poweradmin_archive_sha256 must be 64 hexadecimal digits (a SHA-256),"
            " got 40 characters",
        ),
        (
            {"poweradmin_archive_sha256": "g" * 64},
            "poweradmin_archive_sha256 must be 64 hexadecimal digits",
        ),
        ({"poweradmin_version": "3.9.0"}, "poweradmin_version 3.9.0 is not supported"),
        ({"poweradmin_version": "4.3"}, "poweradmin_version must be a version X.Y.Z"),
        (
            {"poweradmin_session_key": "short"},
            "poweradmin_session_key must be a random string of at least 32 characters"
            " from vault, got 5 characters",
        ),
        (
            {"poweradmin_admin_password": "short"},
            "poweradmin_admin_password does not meet the password policy",
        ),
        ({"poweradmin_admin_password": "alllowercase-but-long"}, "an upper-case letter"),
        ({"poweradmin_admin_password": None}, "poweradmin_admin_password is required"),
        (
            {"poweradmin_tls_key": "-----BEGIN PRIVATE KEY-----\nx\n"},
            "poweradmin_tls_key is set without poweradmin_tls_certificate",
        ),
        (
            {"poweradmin_tls_certificate": "-----BEGIN CERTIFICATE-----\nx\n"},
            "poweradmin_tls_certificate is set without poweradmin_tls_key",
        ),
        (
            {"poweradmin_archive_path": None},
            "poweradmin_archive_url or poweradmin_archive_path is required",
        ),
        ({"poweradmin_archive_url": "https://example.net/p.tar.gz"}, "set one of them, not both"),
        (
            {"poweradmin_archive_path": None, "poweradmin_archive_url": "http://example.net/p.tgz"},
            "must be an https:// URL",
        ),
        (
            {"poweradmin_listen_addresses": ["10.0.0.1", "nope"]},
            "poweradmin_listen_addresses item 1: not an IP address",
        ),
        ({"poweradmin_listen_addresses": ["0.0.0.0"]}, "listens on every address"),
        (
            {"poweradmin_listen_addresses": [], "__poweradmin_site_address": None},
            "poweradmin_listen_addresses of r1 is empty",
        ),
        (
            {"poweradmin_https_port": 80},
            "poweradmin_https_port and poweradmin_http_port must differ",
        ),
        ({"poweradmin_https_port": 70000}, "poweradmin_https_port must be a port 1..65535"),
        (
            {"poweradmin_db_name": "powerdns"},
            "poweradmin_db_name and poweradmin_pdns_db_name must differ",
        ),
        (
            {"poweradmin_session_store": "redis"},
            "poweradmin_session_store must be one of database, files",
        ),
        (
            {"poweradmin_rollback_version": "4.3.4"},
            "poweradmin_rollback_version 4.3.4 must be older than poweradmin_version",
        ),
        ({"poweradmin_server_name": "not a name"}, "poweradmin_server_name must be the DNS name"),
    ],
)
def test_bad_inputs_name_the_variable(changes, message):
    assert message in problems(**changes)


def test_a_host_that_is_not_a_galera_writer_is_refused():
    with pytest.raises(PoweradminInputError) as err:
        poweradmin_plan("e1", dict(GOOD), ["r1", "r2", "r3"])
    assert "e1 is in the poweradmin group but not a Galera writer" in err.value.problems[0]


def test_every_problem_is_reported_at_once_and_no_secret_is_shown():
    text = problems(
        poweradmin_session_key="tiny-secret",
        poweradmin_admin_password="weakpass",
        poweradmin_archive_sha256="",
    )
    assert (
        "poweradmin_session_key" in text
        and "poweradmin_admin_password" in text
        and "poweradmin_archive_sha256" in text
    )
    assert "tiny-secret" not in text and "weakpass" not in text


def test_ports_written_as_digits_by_older_cores_are_accepted():
    assert plan(poweradmin_https_port="443", poweradmin_http_port="80")["version"] == "4.3.4"


def test_rollback_targets_the_older_version():
    result = plan(poweradmin_rollback_version="4.3.3")
    assert result["rollback"] is True and result["target_version"] == "4.3.3"


def test_listen_addresses_must_be_on_the_host_or_planned():
    values = dict(GOOD, poweradmin_listen_addresses=["10.64.1.1", "192.0.2.7"])
    with pytest.raises(PoweradminInputError) as err:
        poweradmin_plan(
            "r1", values, ["r1"], on_host=["127.0.0.1", "198.51.100.11"], planned=["10.64.1.1"]
        )
    assert err.value.problems == [
        "poweradmin_listen_addresses: 192.0.2.7 is not an address of this host"
        " (found 10.64.1.1, 127.0.0.1, 198.51.100.11); nginx could not listen on it"
    ]
    assert listen_address_problems(["::1"], ["0:0:0:0:0:0:0:1"], []) == []


def test_update_scripts_sort_by_version_not_by_text():
    names = [
        "poweradmin-mysql-update-to-4.10.0.sql",
        "poweradmin-mysql-update-to-4.3.0.sql",
        "poweradmin-pgsql-update-to-4.3.0.sql",
        STRUCTURE_SCRIPT,
        "poweradmin-mysql-update-to-4.3.4.sql",
    ]
    assert [version for version, name in update_scripts(names)] == ["4.3.0", "4.3.4", "4.10.0"]
    assert version_key("4.10.0") > version_key("4.9.9")


SCRIPTS = [
    STRUCTURE_SCRIPT,
    "poweradmin-mysql-update-to-4.2.0.sql",
    "poweradmin-mysql-update-to-4.3.0.sql",
    "poweradmin-mysql-update-to-4.3.4.sql",
    "poweradmin-mysql-update-to-4.4.0.sql",
]
ORDER = ["r1", "r2", "r3"]


def probes(synced=("r1", "r2", "r3"), tables=(), history=()):
    return {
        h: {"synced": h in synced, "tables": list(tables), "history": list(history)} for h in ORDER
    }


def test_fresh_database_loads_the_structure_and_records_the_contained_scripts():
    result = schema_plan(probes(), ORDER, SCRIPTS, "4.3.4")
    assert result["anchor"] == "r1"
    assert result["load_structure"] is True
    assert result["apply"] == []
    assert [r["script"] for r in result["record"]] == [
        STRUCTURE_SCRIPT,
        "poweradmin-mysql-update-to-4.2.0.sql",
        "poweradmin-mysql-update-to-4.3.0.sql",
        "poweradmin-mysql-update-to-4.3.4.sql",
    ]


def test_the_anchor_is_the_first_synced_writer():
    assert schema_plan(probes(synced=("r3", "r2")), ORDER, SCRIPTS, "4.3.4")["anchor"] == "r2"
    with pytest.raises(PoweradminInputError, match="Synced"):
        schema_plan(probes(synced=()), ORDER, SCRIPTS, "4.3.4")


def test_an_upgrade_applies_only_the_new_scripts_in_order_and_a_rerun_nothing():
    history = [{"script": s, "version": "4.3.0", "how": "structure"} for s in SCRIPTS[:3]]
    result = schema_plan(probes(tables=("users",), history=history), ORDER, SCRIPTS, "4.4.0")
    assert [a["script"] for a in result["apply"]] == [
        "poweradmin-mysql-update-to-4.3.4.sql",
        "poweradmin-mysql-update-to-4.4.0.sql",
    ]
    assert result["load_structure"] is False
    done = history + [
        {"script": a["script"], "version": a["version"], "how": "applied"} for a in result["apply"]
    ]
    again = schema_plan(probes(tables=("users",), history=done), ORDER, SCRIPTS, "4.4.0")
    assert (
        again["apply"] == []
        and again["record"] == []
        and again["summary"] == "r1: nothing to apply"
    )


def test_tables_the_role_never_recorded_need_a_baseline():
    with pytest.raises(PoweradminInputError, match="poweradmin_schema_baseline"):
        schema_plan(probes(tables=("users", "zones")), ORDER, SCRIPTS, "4.4.0")
    result = schema_plan(probes(tables=("users",)), ORDER, SCRIPTS, "4.4.0", baseline="4.3.0")
    assert [a["script"] for a in result["apply"]] == [
        "poweradmin-mysql-update-to-4.3.4.sql",
        "poweradmin-mysql-update-to-4.4.0.sql",
    ]
    assert {r["script"] for r in result["record"]} == {
        "poweradmin-mysql-update-to-4.2.0.sql",
        "poweradmin-mysql-update-to-4.3.0.sql",
    }


def test_some_tables_without_users_are_refused():
    with pytest.raises(PoweradminInputError, match="refusing to load the structure"):
        schema_plan(probes(tables=("zones",)), ORDER, SCRIPTS, "4.3.4")


def test_a_release_without_the_structure_is_refused():
    with pytest.raises(PoweradminInputError, match="not a Poweradmin release archive"):
        schema_plan(probes(), ORDER, SCRIPTS[1:], "4.3.4")


def test_an_older_version_than_the_schema_is_refused_in_favour_of_a_rollback():
    history = [{"script": s, "version": "4.4.0", "how": "structure"} for s in SCRIPTS]
    with pytest.raises(PoweradminInputError, match="set poweradmin_rollback_version"):
        schema_plan(probes(tables=("users",), history=history), ORDER, SCRIPTS[:4], "4.3.4")


def test_dns_defaults_come_from_the_first_zone_unless_set():
    zones = [
        {"name": "hobbynet.test", "nameservers": ["ns1", "ns2.other.test."]},
        {"name": "x.test"},
    ]
    result = plan(powerdns_galera_zones=zones)
    assert result["hostmaster"] == "hostmaster.hobbynet.test"
    assert result["nameservers"] == ["ns1.hobbynet.test", "ns2.other.test"]
    result = plan(
        powerdns_galera_zones=zones,
        poweradmin_dns_hostmaster="dns.example.net",
        poweradmin_dns_nameservers=["a.example.net."],
    )
    assert (result["hostmaster"], result["nameservers"]) == ("dns.example.net", ["a.example.net"])
    assert plan()["nameservers"] == [] and plan()["hostmaster"] is None
    assert "at most 4 name servers" in problems(
        poweradmin_dns_nameservers=["a.t", "b.t", "c.t", "d.t", "e.t"]
    )
