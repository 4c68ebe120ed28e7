"""The filter plugin files: name mapping, error wrapping, omit handling, documentation."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

FILTER_DIR = Path(__file__).resolve().parents[4] / "plugins" / "filter"
FILTERS = [
    "mesh_plan",
    "mesh_peers",
    "ospf_cost",
    "geo_rtt_ms",
    "wg_keypair",
    "wg_pubkey",
    "wg_psk",
    "pdns_zones",
    "pdns_zones_plan",
    "pdns_lua_check_program",
    "pdns_api_key_hash",
    "galera_bootstrap_plan",
    "listener_conflicts",
    "nft_guard",
    "nft_guards_to_load",
    "site_prefixes",
    "site_address",
    "ipv4_int",
    "router_ids",
    "site_prefix_conflicts",
    "private_key_conflicts",
    "bgp_plan",
    "bgp_host_state",
    "bgp_ibgp_mesh",
    "anycast_plan",
    "ospf_live_cost_plan",
    "poweradmin_plan",
    "poweradmin_schema_plan",
    "adsb_plan",
    "adsb_host_problems",
    "adsb_map_config",
    "storage_inputs",
    "storage_plan",
    "storage_mdadm_conf",
]
SECRET = "correct horse battery staple, 32+ chars"
NODES = [{"name": "a", "id": 1, "endpoint": "a.example.net"}, {"name": "b", "id": 2}]
GALERA = ["d1", "d2", "d3"]
GALERA_STATES = {
    name: {
        "running": False,
        "status": "",
        "comment": "",
        "safe": 0,
        "uuid": "6d5d7e0b-1111-11ee-8000-aabbccddeeff",
        "seqno": seqno,
        "recovered": True,
    }
    for name, seqno in (("d1", 41), ("d2", 42), ("d3", -1))
}


def load(name):
    return importlib.import_module(f"ansible_collections.hobbynet.infra.plugins.filter.{name}")


def get_filter(name):
    return load(name).FilterModule().filters()[name]


def test_every_filter_file_is_listed():
    assert sorted(p.stem for p in FILTER_DIR.glob("*.py")) == sorted(FILTERS)


@pytest.mark.parametrize("name", FILTERS)
def test_filter_module_maps_exactly_its_name(name):
    mapping = load(name).FilterModule().filters()
    assert list(mapping) == [name]
    assert callable(mapping[name])


@pytest.mark.parametrize("name", FILTERS)
def test_documentation_matches_code(name):
    module = load(name)
    doc = yaml.safe_load(module.DOCUMENTATION)
    assert doc["name"] == name
    assert doc["short_description"]
    assert yaml.safe_load(module.RETURN)["_value"]["type"]
    assert f"hobbynet.infra.{name}" in module.EXAMPLES
    assert "# =>" in module.EXAMPLES
    params = list(inspect.signature(getattr(module, name)).parameters)
    documented = set(doc["options"])
    assert documented == {"_input", *params[1:]}
    positional = [p.strip() for p in doc["positional"].split(",")]
    assert positional[0] == "_input"
    assert positional[1:] == params[1 : len(positional)]


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "fragment"),
    [
        ("ospf_cost", ["12"], {}, "ospf_cost: rtt_ms must be a number"),
        ("ospf_cost", [True], {}, "ospf_cost: rtt_ms must be a number"),
        ("geo_rtt_ms", [{"lat": 0, "lon": 0}], {}, "geo_rtt_ms: location_b is required"),
        ("geo_rtt_ms", [{"lat": 0}, {"lat": 0, "lon": 0}], {}, "geo_rtt_ms: location_a must have"),
        ("mesh_plan", [NODES], {}, "mesh_plan: pool_v4 is required"),
        ("mesh_plan", [NODES, "10.0.0.0/33"], {}, "mesh_plan: pool_v4 '10.0.0.0/33' is not"),
        (
            "mesh_plan",
            [NODES + NODES],
            {"pool_v4": "10.0.0.0/24"},
            "mesh_plan: duplicate node name",
        ),
        ("mesh_peers", [[]], {}, "mesh_peers: the node name is required"),
        ("mesh_peers", [[], "a"], {}, "mesh_peers: node 'a' is not in the plan"),
        ("wg_keypair", [SECRET], {}, "wg_keypair: the label is required"),
        ("wg_keypair", ["short", "a"], {}, "wg_keypair: secret is too short: 5 characters"),
        ("wg_pubkey", ["nope"], {}, "wg_pubkey: private key must be 44 base64 characters"),
        ("wg_psk", [SECRET, "a"], {}, "wg_psk: two peer names are required"),
        ("wg_psk", [SECRET, "a", "a"], {}, "wg_psk: a and b must name two different peers"),
        ("galera_bootstrap_plan", [GALERA], {}, "galera_bootstrap_plan: states is required"),
        (
            "galera_bootstrap_plan",
            [GALERA, GALERA_STATES],
            {},
            "galera_bootstrap_plan: play_writers is required",
        ),
        (
            "galera_bootstrap_plan",
            [GALERA, {"d1": {}}, ["d1"]],
            {},
            "galera_bootstrap_plan: the state of 'd1' has no key 'running'",
        ),
        (
            "galera_bootstrap_plan",
            [GALERA, GALERA_STATES, GALERA],
            {"force": "d9"},
            "galera_bootstrap_plan: the forced node (powerdns_galera_force_bootstrap_node) 'd9'",
        ),
        (
            "galera_bootstrap_plan",
            [GALERA, GALERA_STATES, GALERA],
            {"check_mode": "perhaps"},
            "galera_bootstrap_plan: check_mode must be a boolean",
        ),
        (
            "mesh_plan",
            [NODES, "10.0.0.0/33"],
            {"names": {"pool_v4": "wireguard_mesh_pool_v4"}},
            "mesh_plan: wireguard_mesh_pool_v4 '10.0.0.0/33' is not",
        ),
        (
            "mesh_plan",
            [NODES, None],
            {"names": {"pool_v4": "wireguard_mesh_pool_v4"}},
            "mesh_plan: wireguard_mesh_pool_v4 is required",
        ),
        ("mesh_plan", [NODES, "10.0.0.0/24"], {"names": {"x": "y"}}, "names has unknown key"),
        (
            "site_prefixes",
            [["10.0.0.1"]],
            {"name": "bird2_site_prefixes of r1"},
            "site_prefixes: bird2_site_prefixes of r1: expected a list",
        ),
        ("site_prefixes", ["10.0.0.1/8"], {}, "site_prefixes: prefixes must be a list"),
        ("site_prefixes", [[]], {"name": 3}, "site_prefixes: name must be a string"),
        (
            "site_address",
            [{"inventory_hostname": "r1", "bird2_site_prefixes": ["x"]}],
            {},
            "site_address: bird2_site_prefixes of r1: expected a list",
        ),
        ("site_address", ["r1"], {}, "site_address: the input must be the variables of one host"),
        ("ipv4_int", ["10.0.0.1/8"], {}, "ipv4_int: address '10.0.0.1/8' is not an IPv4 address"),
        ("router_ids", [["a"]], {}, "router_ids: host_vars and plan are required"),
        ("router_ids", [["a"], {"a": {}}, []], {}, "router_ids: router id of a: none"),
        (
            "site_prefix_conflicts",
            [["a"], {"a": {}}],
            {},
            "site_prefix_conflicts: host_vars and pool_v4 are required",
        ),
        (
            "site_prefix_conflicts",
            [["a"], {"a": {}}, "10.0.0.0/33"],
            {},
            "site_prefix_conflicts: wireguard_mesh_pool_v4 '10.0.0.0/33' is not",
        ),
        ("private_key_conflicts", [["a"]], {}, "private_key_conflicts: host_vars is required"),
        ("private_key_conflicts", ["a", {}], {}, "private_key_conflicts: hosts must be a list"),
        ("bgp_plan", [{}], {}, "bgp_plan: the host name is required"),
        ("anycast_plan", [{}], {}, "anycast_plan: the host name is required"),
        ("ospf_live_cost_plan", [{}], {}, "ospf_live_cost_plan: the host name is required"),
        ("poweradmin_plan", [{}], {}, "poweradmin_plan: the host name is required"),
        ("adsb_plan", [{}], {}, "adsb_plan: the host name is required"),
        ("adsb_plan", [{}, "a1"], {}, "adsb_plan: adsb_feeders_latitude must be a number"),
        ("adsb_host_problems", [{}, []], {}, "adsb_host_problems: the input must be an adsb_plan"),
        (
            "adsb_host_problems",
            [{"binds": [], "vendor_feeders": []}, [], ""],
            {},
            "adsb_host_problems: architecture must be",
        ),
        ("adsb_map_config", [None, {}], {}, "adsb_map_config: the input must be the text"),
        ("adsb_map_config", ["x", {}], {}, "adsb_map_config: plan must be an adsb_plan result"),
        (
            "poweradmin_plan",
            [{}, "r1", "galera"],
            {},
            "poweradmin_plan: galera_hosts must be the list",
        ),
        (
            "poweradmin_plan",
            [{}, "r1", ["r1"]],
            {},
            "poweradmin_plan: poweradmin_version must be a version",
        ),
        (
            "poweradmin_schema_plan",
            [[]],
            {},
            "poweradmin_schema_plan: the input must map each host",
        ),
        (
            "poweradmin_schema_plan",
            [{}, ["r1"], ["x.sql"], "4.3.0"],
            {},
            "poweradmin_schema_plan: no Poweradmin host",
        ),
        (
            "ospf_live_cost_plan",
            [[], "r1"],
            {},
            "ospf_live_cost_plan: the input must be the host's",
        ),
        (
            "ospf_live_cost_plan",
            [
                {
                    "bird2_ospf_live_costs": "yes",
                    "bird2_ospf_links": {},
                    "wireguard_mesh_tunnels": [],
                },
                "r1",
            ],
            {},
            "ospf_live_cost_plan: bird2_ospf_live_costs of r1 must be true or false",
        ),
        (
            "anycast_plan",
            [
                {
                    "bird2_own_prefixes": ["10.53.0.0/24"],
                    "bird2_anycast_prefixes": ["10.54.0.0/24"],
                },
                "e1",
            ],
            {},
            "anycast_plan: bird2_anycast_prefixes of e1: 10.54.0.0/24 is not one of",
        ),
        (
            "bgp_plan",
            [{"bird2_asn": 23456, "bird2_own_prefixes": ["10.0.0.0/8"]}, "r1"],
            {},
            "bgp_plan: bird2_asn of r1: 23456 is AS_TRANS (RFC 6793)",
        ),
        ("bgp_host_state", [{"enabled": True}], {}, "bgp_host_state: the host name and"),
        (
            "bgp_ibgp_mesh",
            [
                ["r1", "r2"],
                {
                    "r1": {"bird2_asn": 64496, "bird2_own_prefixes": ["203.0.113.0/25"]},
                    "r2": {
                        "bird2_asn": 64496,
                        "bird2_ixes": [{"name": "ix1", "lan4": "203.0.113.0/24"}],
                    },
                },
            ],
            {},
            "bgp_ibgp_mesh: bird2_own_prefixes of r1: 203.0.113.0/25 overlaps the peering LAN of "
            "ix1",
        ),
        (
            "bgp_host_state",
            [{"enabled": True, "sessions": []}, "r1", "not json\n"],
            {},
            "bgp_host_state: cannot read the host",
        ),
        ("storage_inputs", [{}], {}, "storage_inputs: the host name is required"),
        ("storage_inputs", [[], "st1"], {}, "storage_inputs: the input must be the host's"),
        (
            "storage_inputs",
            [{"mdadm_lvmcache_volumes": [{"name": "d", "members": ["/dev/sdb"]}]}, "st1"],
            {},
            "storage_inputs: mdadm_lvmcache_volumes[0].members must be a list of at least 2",
        ),
        ("storage_plan", [[]], {}, "storage_plan: facts is required"),
        ("storage_plan", [{}, {"devices": {}}], {}, "storage_plan: the input must be the volumes"),
        (
            "storage_plan",
            [[{"name": "d"}], {"devices": {}}],
            {},
            "storage_plan: volumes must be the volumes storage_inputs returns",
        ),
        ("storage_plan", [[], {}], {}, "storage_plan: facts must be what hobbynet.infra.block"),
        ("storage_mdadm_conf", [[]], {}, "storage_mdadm_conf: facts is required"),
        (
            "storage_mdadm_conf",
            [[{"name": "d"}], {"devices": {}}],
            {},
            "storage_mdadm_conf: volumes must be the volumes storage_inputs returns",
        ),
    ],
)
def test_errors_become_ansible_filter_errors(name, args, kwargs, fragment):
    with pytest.raises(AnsibleFilterError) as info:
        get_filter(name)(*args, **kwargs)
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"{name}: ")


def test_wrapped_error_keeps_its_cause():
    with pytest.raises(AnsibleFilterError) as info:
        get_filter("ospf_cost")(-1)
    assert isinstance(info.value.__cause__, ValueError)


def test_secret_not_in_wrapped_message():
    with pytest.raises(AnsibleFilterError) as info:
        get_filter("wg_keypair")("hunter2-hunter2", "a")
    assert "hunter2" not in str(info.value)


def test_filters_return_values():
    plan = get_filter("mesh_plan")(NODES, "10.9.0.0/24")
    assert plan[0]["address"] == {"a": "10.9.0.0/31", "b": "10.9.0.1/31"}
    assert get_filter("mesh_peers")(plan, "b")[0]["peer_endpoint"] == "a.example.net:51822"
    assert get_filter("ospf_cost")(23) == 12
    fra, nyc = {"lat": 50.11, "lon": 8.68}, {"lat": 40.71, "lon": -74.01}
    assert get_filter("geo_rtt_ms")(fra, nyc) == 93.11
    assert get_filter("geo_rtt_ms")(fra, nyc, stretch=1) == 62.073
    pair = get_filter("wg_keypair")(SECRET, "fra")
    assert get_filter("wg_pubkey")(pair["private"]) == pair["public"]
    assert get_filter("wg_psk")(SECRET, "x", "y") == get_filter("wg_psk")(SECRET, "y", "x")


def test_address_filters_return_values():
    assert get_filter("site_prefixes")(["10.64.1.77/23", "2001:DB8::1/64"]) == [
        {"family": 4, "host": "10.64.1.77/32", "prefix": "10.64.0.0/23"},
        {"family": 6, "host": "2001:db8::1/128", "prefix": "2001:db8::/64"},
    ]
    host = {"inventory_hostname": "r1", "bird2_site_prefixes": ["2001:db8::1/64", "10.64.1.1/24"]}
    assert get_filter("site_address")(host) == "10.64.1.1"
    assert (
        get_filter("site_address")({**host, "powerdns_galera_address": "192.0.2.7"}) == "192.0.2.7"
    )
    assert get_filter("site_address")({"bird2_site_prefixes": ["2001:db8::1/64"]}) is None
    assert get_filter("ipv4_int")("10.64.1.1") == 171966721


def test_backbone_filters_return_values():
    plan = get_filter("mesh_plan")(NODES, "10.9.0.0/24")
    host_vars = {
        "a": {"bird2_site_prefixes": ["10.64.1.1/24"], "backbone_endpoint": "a.example.net"},
        "b": {"bird2_router_id": "192.0.2.2", "wireguard_mesh_private_key": SECRET},
    }
    assert get_filter("router_ids")(["a", "b"], host_vars, plan) == {
        "a": "10.64.1.1",
        "b": "192.0.2.2",
    }
    assert get_filter("site_prefix_conflicts")(["a", "b"], host_vars, "10.9.0.0/24") == []
    assert get_filter("site_prefix_conflicts")(["a", "b"], host_vars, "10.64.0.0/16") != []
    assert get_filter("private_key_conflicts")(["a", "b"], host_vars) == []
    shared = {"a": {"wireguard_mesh_private_key": SECRET}, "b": host_vars["b"]}
    [message] = get_filter("private_key_conflicts")(["a", "b"], shared)
    assert "of a and b is the same key" in message
    assert SECRET not in message


def _vaulted(text):
    """``text`` as ansible-core before 2.19 hands a vaulted variable to a filter."""
    from ansible.parsing.vault import VaultLib, VaultSecret
    from ansible.parsing.yaml import objects

    if not hasattr(objects.AnsibleVaultEncryptedUnicode, "from_plaintext"):
        pytest.skip("ansible-core 2.19 and later hand filters the decrypted str")
    secret = VaultSecret(b"unit-test vault password")
    return objects.AnsibleVaultEncryptedUnicode.from_plaintext(
        text, VaultLib([("default", secret)]), secret
    )


def test_filters_take_vaulted_secrets():
    secret = _vaulted(SECRET)
    assert not isinstance(secret, str)
    assert get_filter("wg_keypair")(secret, "fra") == get_filter("wg_keypair")(SECRET, "fra")
    assert get_filter("wg_psk")(secret, "a", "b") == get_filter("wg_psk")(SECRET, "a", "b")
    key = "lab-api-key-0123456789abcdef"
    hashed = get_filter("pdns_api_key_hash")
    assert hashed(_vaulted(key), "g1") == hashed(key, "g1")


# Run with `cryptography` unimportable: every filter file still loads (ansible-doc, the import
# sanity test and the other filters need that) and each key filter fails only when called.
_WITHOUT_CRYPTOGRAPHY = textwrap.dedent(
    """
    import importlib, json, sys

    sys.path.insert(0, sys.argv[1])
    sys.modules["cryptography"] = None  # `import cryptography...` now raises ImportError
    from ansible.errors import AnsibleFilterError

    calls = {
        "wg_keypair": (sys.argv[2], "fra"),
        "wg_pubkey": ("A" * 43 + "=",),
        "wg_psk": (sys.argv[2], "fra", "nyc"),
    }
    out = {}
    prefix = "ansible_collections.hobbynet.infra.plugins.filter."
    for name, args in calls.items():
        module = importlib.import_module(prefix + name)
        try:
            module.FilterModule().filters()[name](*args)
        except AnsibleFilterError as exc:
            out[name] = [str(exc), type(exc.__cause__).__name__]
    cost = importlib.import_module(prefix + "ospf_cost")
    out["ospf_cost"] = cost.FilterModule().filters()["ospf_cost"](23)
    print(json.dumps(out))
    """
)


def test_key_filters_load_without_cryptography_and_fail_when_called():
    collections = str(FILTER_DIR.parents[1] / ".cache" / "collections")
    run = subprocess.run(
        [sys.executable, "-c", _WITHOUT_CRYPTOGRAPHY, collections, SECRET],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out.pop("ospf_cost") == 12
    assert sorted(out) == ["wg_keypair", "wg_psk", "wg_pubkey"]
    for name, (message, cause) in out.items():
        assert message.startswith(f"{name}: the Python library 'cryptography' is required")
        assert "pip install cryptography" in message
        assert SECRET not in message
        assert cause == "MissingDependencyError"


def _omit_values():
    values = [None, "__omit_place_holder__0123456789abcdef"]
    try:
        from ansible._internal._templating._utils import Omit
    except ImportError:  # other ansible-core versions
        pass
    else:
        values.append(Omit)
    return values


@pytest.mark.parametrize("omit", _omit_values(), ids=repr)
def test_mesh_plan_treats_omit_as_default(omit):
    mesh_plan = get_filter("mesh_plan")
    expected = mesh_plan(NODES, "10.9.0.0/24")
    got = mesh_plan(
        NODES,
        "10.9.0.0/24",
        links=omit,
        rtt_ms=omit,
        port_base=omit,
        default_cost=omit,
        stretch=omit,
    )
    assert got == expected
    assert got[0]["listen_port"] == {"a": 51822, "b": 51821}
    with pytest.raises(AnsibleFilterError, match="pool_v4 is required"):
        mesh_plan(NODES, omit)


@pytest.mark.parametrize("omit", _omit_values()[::2], ids=repr)
def test_geo_rtt_ms_treats_omit_as_default(omit):
    geo = get_filter("geo_rtt_ms")
    fra, nyc = {"lat": 50.11, "lon": 8.68}, {"lat": 40.71, "lon": -74.01}
    assert geo(fra, nyc, stretch=omit) == geo(fra, nyc) == 93.11


@pytest.mark.parametrize("omit", _omit_values(), ids=repr)
def test_galera_bootstrap_plan_treats_omit_as_default(omit):
    plan = get_filter("galera_bootstrap_plan")
    expected = plan(GALERA, GALERA_STATES, GALERA)
    assert expected["mode"] == "refuse"
    assert "committed position of d3 cannot be determined" in expected["reason"]
    assert plan(GALERA, GALERA_STATES, GALERA, force=omit, check_mode=omit) == expected
    assert plan(GALERA, GALERA_STATES, GALERA, check_mode=True)["mode"] == "unknown"
    forced = plan(GALERA, GALERA_STATES, GALERA, "d1")
    assert (forced["mode"], forced["bootstrap"], forced["anchor"]) == ("force", "d1", "d1")
    states = {**GALERA_STATES, "d3": {**GALERA_STATES["d3"], "seqno": 40}}
    assert plan(GALERA, states, list(reversed(GALERA)))["bootstrap"] == "d2"
    with pytest.raises(AnsibleFilterError, match="states is required"):
        plan(GALERA, omit, GALERA)
    with pytest.raises(AnsibleFilterError, match="play_writers is required"):
        plan(GALERA, GALERA_STATES, omit)


@pytest.mark.parametrize("omit", _omit_values()[1:], ids=repr)
def test_address_filters_treat_omit_as_missing(omit):
    assert get_filter("site_prefixes")(["10.0.0.1/8"], omit) == get_filter("site_prefixes")(
        ["10.0.0.1/8"]
    )
    with pytest.raises(AnsibleFilterError, match="host_vars and plan are required"):
        get_filter("router_ids")(["a"], {"a": {}}, omit)
    with pytest.raises(AnsibleFilterError, match="host_vars and pool_v4 are required"):
        get_filter("site_prefix_conflicts")(["a"], {"a": {}}, omit)
    with pytest.raises(AnsibleFilterError, match="host_vars is required"):
        get_filter("private_key_conflicts")(["a"], omit)
