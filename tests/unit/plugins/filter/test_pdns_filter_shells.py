"""The pdns_* filter plugin files: error wrapping, secrets kept out of messages, the filter chain.

Name mapping and documentation are checked for every filter in test_filter_shells.py."""

from __future__ import annotations

import importlib

import pytest
from ansible.errors import AnsibleFilterError

KEY = "lab-api-key-0123456789abcdef"


def load(name):
    return importlib.import_module(f"ansible_collections.hobbynet.infra.plugins.filter.{name}")


def get_filter(name):
    return load(name).FilterModule().filters()[name]


@pytest.mark.parametrize(
    ("name", "args", "fragment"),
    [
        ("pdns_zones", ["nope"], "pdns_zones: zones must be a list"),
        (
            "pdns_zones",
            [[{"name": "a.test", "rrsets": [{"name": "x", "type": "LUA", "records": ['A "f("']}]}]],
            "pdns_zones: zone a.test., rrset x.a.test. LUA, record 0: unclosed '('",
        ),
        ("pdns_zones_plan", [[]], "pdns_zones_plan: server_zones is required"),
        ("pdns_zones_plan", [[], []], "pdns_zones_plan: zone_details is required"),
        ("pdns_zones_plan", [[], [], {}, "yes"], "pdns_zones_plan: prune must be a boolean"),
        ("pdns_zones_plan", [[], "x", {}], "pdns_zones_plan: server_zones must be the list"),
        (
            "pdns_lua_check_program",
            [[{"name": "a.", "rrsets": [{"name": "x.a.", "type": "LUA", "records": ["bad"]}]}]],
            "pdns_lua_check_program: LUA content must be",
        ),
        ("pdns_api_key_hash", [KEY], "pdns_api_key_hash: salt_seed is required"),
        ("pdns_api_key_hash", ["short", "g1"], "pdns_api_key_hash: the API key must be"),
    ],
)
def test_errors_become_ansible_filter_errors(name, args, fragment):
    with pytest.raises(AnsibleFilterError) as info:
        get_filter(name)(*args)
    assert fragment in str(info.value)


def test_secret_not_in_wrapped_message():
    with pytest.raises(AnsibleFilterError) as info:
        get_filter("pdns_api_key_hash")("hunter2-hunter2", "g1")
    assert "hunter2" not in str(info.value)


def test_filters_chain():
    zones = get_filter("pdns_zones")(
        [
            {
                "name": "a.test",
                "rrsets": [
                    {"name": "x", "type": "LUA", "records": ["A \"pickrandom({'192.0.2.1'})\""]}
                ],
            }
        ]
    )
    plan = get_filter("pdns_zones_plan")(zones, [], {})
    assert plan["changes"][0] == "+ zone a.test. (Native, 1 rrsets)"
    assert plan == get_filter("pdns_zones_plan")(zones, [], {}, None)
    assert "loadstring" in get_filter("pdns_lua_check_program")(zones)
    assert get_filter("pdns_api_key_hash")(KEY, "g1").startswith("$scrypt$ln=10,p=1,r=8$")
