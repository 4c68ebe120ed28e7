"""Unit tests for plugins/plugin_utils/_anycast.py (anycast services of one host)."""

from __future__ import annotations

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._anycast import (
    AnycastInputError,
    anycast_plan,
)

OWN = ["10.64.0.0/16", "2001:db8:64::/48", "10.53.0.0/24", "2001:db8:53::/48"]
ANYCAST = ["10.53.0.0/24", "2001:db8:53::/48"]


def dns(**changes):
    service = {
        "name": "dns",
        "addresses": ["10.53.0.53", "2001:db8:53::53"],
        "checks": [{"dns_soa": "hobbynet.test"}, {"replication_lag": 30}],
    }
    service.update(changes)
    return service


def host(services=None, **changes):
    host_vars = {
        "bird2_own_prefixes": OWN,
        "bird2_anycast_prefixes": ANYCAST,
        "bird2_anycast_services": [dns()] if services is None else services,
        "group_names": ["edge", "dns_replicas"],
        "powerdns_galera_zones": [{"name": "hobbynet.test"}],
        "powerdns_galera_pdns_local_addresses": None,
    }
    host_vars.update(changes)
    return host_vars


def problems(host_vars):
    with pytest.raises(AnycastInputError) as caught:
        anycast_plan("e1", host_vars)
    return caught.value.problems


def test_the_lab_service_is_planned_per_family_with_defaults():
    plan = anycast_plan("e1", host())
    assert plan["prefixes4"] == ["10.53.0.0/24"]
    assert plan["prefixes6"] == ["2001:db8:53::/48"]
    assert plan["announce4"] == ["10.53.0.0/24"]
    assert plan["announce6"] == ["2001:db8:53::/48"]
    assert plan["addresses"] == ["10.53.0.53/32", "2001:db8:53::53/128"]
    (service,) = plan["services"]
    assert service["checks"] == [
        {"kind": "dns_soa", "zone": "hobbynet.test."},
        {"kind": "replication_lag", "max_lag": 30},
    ]
    assert (service["interval"], service["timeout"], service["rise"], service["fall"]) == (
        1.0,
        0.8,
        2,
        2,
    )


def test_a_host_without_services_still_knows_the_as_anycast_prefixes():
    plan = anycast_plan("r1", host(services=[], group_names=["core"]))
    assert plan["services"] == [] and plan["announce4"] == [] and plan["addresses"] == []
    assert plan["prefixes4"] == ["10.53.0.0/24"]


def test_an_anycast_prefix_must_be_an_own_prefix():
    (problem,) = problems(host(bird2_anycast_prefixes=[*ANYCAST, "10.99.0.0/24"]))
    assert problem.startswith(
        "bird2_anycast_prefixes of e1: 10.99.0.0/24 is not one of bird2_own_prefixes"
    )


def test_an_address_outside_every_anycast_prefix_is_refused_by_name():
    (problem,) = problems(host(services=[dns(addresses=["10.64.0.53"])]))
    assert problem == (
        "bird2_anycast_services[0] (dns) of e1: address 10.64.0.53 is outside every prefix of "
        "bird2_anycast_prefixes (10.53.0.0/24, 2001:db8:53::/48)"
    )


def test_the_same_address_on_two_services_is_refused():
    other = dns(name="dns2", checks=[{"command": "/bin/true"}])
    found = problems(host(services=[dns(), other]))
    assert any("the service address 10.53.0.53 is on two services (dns, dns2)" in p for p in found)
    assert any("share the anycast prefix 10.53.0.0/24" in p for p in found)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"rise": 0}, "rise must be an integer 1..100"),
        ({"fall": 0}, "fall must be an integer 1..100"),
        ({"fall": True}, "fall must be an integer 1..100"),
        ({"interval": 0}, "interval must be a number of seconds > 0"),
        ({"interval": -1}, "interval must be a number of seconds > 0"),
        ({"timeout": 2, "interval": 1}, "timeout (2) must not exceed interval (1)"),
        ({"checks": []}, "checks must be a non-empty list"),
        ({"checks": [{"ping": 1}]}, "expected a mapping with one key of dns_soa"),
        ({"checks": [{"dns_soa": ""}]}, "dns_soa needs a zone name"),
        ({"checks": [{"replication_lag": 0}]}, "replication_lag is the largest lag"),
        ({"checks": [{"command": " "}]}, "command is a command line"),
        ({"addresses": ["10.53.0.53/32"]}, "is not an IP address"),
        ({"addresses": []}, "addresses must be a non-empty list"),
        ({"colour": "red"}, "unknown keys ['colour']"),
        ({"name": "DNS"}, "name must be lower-case letters"),
    ],
)
def test_bad_service_settings_name_the_service(changes, expected):
    found = problems(host(services=[dns(**changes)]))
    assert any(expected in p for p in found), found
    assert all(p.startswith("bird2_anycast_services[0]") for p in found), found


def test_a_dns_check_needs_a_zone_the_dns_core_serves():
    (problem,) = problems(host(services=[dns(checks=[{"dns_soa": "other.test"}])]))
    assert (
        "dns_soa zone other.test. is not a zone of powerdns_galera_zones (hobbynet.test.)"
        in problem
    )


def test_a_replication_check_needs_a_replica():
    (problem,) = problems(host(group_names=["core"]))
    assert "this host is not in the replica group 'dns_replicas'" in problem


def test_powerdns_must_listen_on_the_addresses_it_is_checked_on():
    (problem,) = problems(host(powerdns_galera_pdns_local_addresses=["127.0.0.1", "10.53.0.53"]))
    assert "checks DNS on 2001:db8:53::53, but powerdns_galera_pdns_local_addresses" in problem


def test_two_ipv4_prefixes_for_one_service_are_refused():
    (problem,) = problems(
        host(
            bird2_own_prefixes=[*OWN, "10.54.0.0/24"],
            bird2_anycast_prefixes=[*ANYCAST, "10.54.0.0/24"],
            services=[dns(addresses=["10.53.0.53", "10.54.0.53"])],
        )
    )
    assert "lie in two IPv4 prefixes" in problem
