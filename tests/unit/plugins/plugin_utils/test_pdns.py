"""Unit tests for plugins/plugin_utils/_pdns.py (zones as code, LUA checks, plan, API key)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import shutil
import subprocess

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._pdns import (
    api_key_hash,
    canonical_name,
    check_lua_code,
    lua_check_program,
    lua_chunk,
    lua_code,
    normalize_zones,
    zones_plan,
)

ZONE = {
    "name": "Example.NET",
    "nameservers": ["ns1", "ns2.example.org."],
    "rrsets": [
        {"name": "@", "type": "SOA", "records": ["ns1 hostmaster 1 10800 3600 604800 300"]},
        {"name": "www", "type": "a", "ttl": 60, "records": ["192.0.2.2", "192.0.2.1"]},
        {"name": "www", "type": "AAAA", "records": "2001:DB8::0001"},
        {"name": "@", "type": "TXT", "records": ["v=spf1 -all", '"a" "b"']},
        {"name": "@", "type": "MX", "records": ["10 mail"]},
        {"name": "alias", "type": "CNAME", "records": ["www"]},
        {"name": "svc", "type": "LUA", "records": ["A \"ifportup(443, {'192.0.2.1'})\""]},
    ],
}


def by_key(zone):
    return {(r["name"], r["type"]): r for r in zone["rrsets"]}


def api_zone(zone):
    """What GET /zones/<id> returns once ``zone`` (normalised) is applied."""
    rrsets = []
    for r in zone["rrsets"]:
        records = [{"content": c, "disabled": False} for c in r["records"]]
        if r["type"] == "SOA":
            fields = r["records"][0].split()
            fields[2] = "2026112201"
            records = [{"content": " ".join(fields), "disabled": False}]
        rrsets.append({"name": r["name"], "type": r["type"], "ttl": r["ttl"], "records": records})
    return {"name": zone["name"], "id": zone["name"], "kind": zone["kind"], "rrsets": rrsets}


# ------------------------------------------------------------------------- normalisation


def test_normalize_zone():
    (zone,) = normalize_zones([ZONE])
    assert zone["name"] == "example.net."
    assert zone["kind"] == "Native"
    rr = by_key(zone)
    assert rr[("example.net.", "NS")]["records"] == ["ns1.example.net.", "ns2.example.org."]
    assert rr[("example.net.", "SOA")]["records"] == [
        "ns1.example.net. hostmaster.example.net. 1 10800 3600 604800 300"
    ]
    assert rr[("www.example.net.", "A")] == {
        "name": "www.example.net.",
        "type": "A",
        "ttl": 60,
        "records": ["192.0.2.1", "192.0.2.2"],
    }
    assert rr[("www.example.net.", "AAAA")]["records"] == ["2001:db8::1"]
    assert rr[("www.example.net.", "AAAA")]["ttl"] == 3600
    assert rr[("example.net.", "TXT")]["records"] == ['"a" "b"', '"v=spf1 -all"']
    assert rr[("example.net.", "MX")]["records"] == ["10 mail.example.net."]
    assert rr[("alias.example.net.", "CNAME")]["records"] == ["www.example.net."]
    assert rr[("svc.example.net.", "LUA")]["records"] == ["A \"ifportup(443, {'192.0.2.1'})\""]


def test_normalize_is_deterministic_and_sorted():
    reordered = dict(ZONE, rrsets=list(reversed(ZONE["rrsets"])))
    other = {"name": "a.test", "rrsets": []}
    assert normalize_zones([ZONE, other]) == normalize_zones([other, reordered])
    assert [z["name"] for z in normalize_zones([ZONE, other])] == ["a.test.", "example.net."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", ['"hello"']),
        ('say "hi"\\', ['"say \\"hi\\"\\\\"']),
        ("x" * 300, ['"' + "x" * 255 + '" "' + "x" * 45 + '"']),
        ('"quoted"   "twice"', ['"quoted" "twice"']),
    ],
)
def test_txt_quoting(text, expected):
    (zone,) = normalize_zones(
        [{"name": "t.test", "rrsets": [{"name": "@", "type": "TXT", "records": [text]}]}]
    )
    assert zone["rrsets"][0]["records"] == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("@", "example.net."),
        ("www", "www.example.net."),
        ("WWW.example.net.", "www.example.net."),
        ("*.dyn", "*.dyn.example.net."),
        ("_sip._tcp", "_sip._tcp.example.net."),
    ],
)
def test_canonical_name(name, expected):
    assert canonical_name(name, "example.net.", "name") == expected


@pytest.mark.parametrize(
    ("zones", "fragment"),
    [
        ("nope", "zones must be a list"),
        ([{"rrsets": []}], "zones[0]: 'name' is required"),
        ([{"name": "a.test", "color": 1}], "zone a.test.: unknown keys ['color']"),
        ([{"name": "a.test"}, {"name": "A.test."}], "zone a.test. is declared twice"),
        ([{"name": "a.test", "kind": "Slave"}], "kind must be one of Native, Master"),
        ([{"name": "a..test"}], "label '' is not a valid DNS label"),
        (
            [{"name": "a.test", "rrsets": [{"name": "x", "type": "A", "records": ["300.1.1.1"]}]}],
            "zone a.test., rrset x.a.test. A, record 0: '300.1.1.1' is not an IPv4 address",
        ),
        (
            [{"name": "a.test", "rrsets": [{"name": "x", "type": "BOGUS", "records": ["1"]}]}],
            "zone a.test., rrset x.a.test. BOGUS: unknown record type 'BOGUS'",
        ),
        (
            [
                {
                    "name": "a.test",
                    "rrsets": [{"name": "x.b.test.", "type": "A", "records": ["192.0.2.1"]}],
                }
            ],
            "rrset x.b.test. A: the name is not inside the zone",
        ),
        (
            [{"name": "a.test", "rrsets": [{"name": "x", "type": "A", "records": []}]}],
            "records must be a non-empty list",
        ),
        (
            [
                {
                    "name": "a.test",
                    "rrsets": [{"name": "x", "type": "A", "ttl": -1, "records": ["192.0.2.1"]}],
                }
            ],
            "ttl must be an integer from 0",
        ),
        (
            [{"name": "a.test", "rrsets": [{"name": "x", "type": "CNAME", "records": ["a", "b"]}]}],
            "exactly one record is allowed",
        ),
        (
            [
                {
                    "name": "a.test",
                    "rrsets": [
                        {"name": "x", "type": "CNAME", "records": ["a"]},
                        {"name": "x", "type": "TXT", "records": ["t"]},
                    ],
                }
            ],
            "rrset x.a.test. CNAME: other data (TXT) at the same name",
        ),
        (
            [
                {
                    "name": "a.test",
                    "nameservers": ["ns1"],
                    "rrsets": [{"name": "@", "type": "NS", "records": ["ns2"]}],
                }
            ],
            "also declared by 'nameservers'",
        ),
        (
            [
                {
                    "name": "a.test",
                    "rrsets": [{"name": "x", "type": "SOA", "records": ["a b 1 2 3 4 5"]}],
                }
            ],
            "SOA is allowed only at the zone apex",
        ),
        (
            [{"name": "a.test", "rrsets": [{"name": "x", "type": "MX", "records": ["mail"]}]}],
            "MX content must be '<preference> <exchange>'",
        ),
        (
            [{"name": "a.test", "rrsets": [{"name": "x", "type": "TXT", "records": ['"open']}]}],
            "unterminated double-quoted string",
        ),
    ],
)
def test_normalize_errors(zones, fragment):
    with pytest.raises((TypeError, ValueError)) as info:
        normalize_zones(zones)
    assert fragment in str(info.value)


# ---------------------------------------------------------------------------------- LUA


@pytest.mark.parametrize(
    "content",
    [
        "A \"ifportup(443, {'192.0.2.1', '192.0.2.2'})\"",
        "AAAA \"ifurlup('https://example.net/', {{'2001:db8::1'}, {'2001:db8::2'}},"
        " {stringmatch='ok'})\"",
        "A \"pickclosest({'192.0.2.1', '198.51.100.1'})\"",
        "A \"pickwrandom({{100, '192.0.2.1'}, {50, '192.0.2.2'}})\"",
        "TXT \";local s = string.format('%s-%d', 'a', 1) return s\"",
        "CNAME \"(country('NL') and 'nl.example.net.') or 'www.example.net.'\"",
        "A \"view({{{'192.0.2.0/24'}, {'192.0.2.1'}}, {{'0.0.0.0/0'}, {'192.0.2.2'}}})\"",
        "TXT \";function f(x) return x .. '!' end return f('a')\"",
        "A \"ifportup(443, {'192.0.2.1'}) -- comment with ( unbalanced\"",
    ],
)
def test_lua_accepted(content):
    rtype, code = lua_code(content)
    check_lua_code(code)
    assert rtype in ("A", "AAAA", "TXT", "CNAME")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("ifportup(443)", "LUA content must be '<TYPE> \"<lua code>\"'"),
        (
            "FOO \"ifportup(443, {'192.0.2.1'})\"",
            "'FOO' is not a record type a LUA record can produce",
        ),
        ("A ifportup(443)", "expected a double-quoted string"),
        ("A \"ifportup(443, {'192.0.2.1'}\"", "unclosed '('"),
        ("A \"ifportup(443, {'192.0.2.1')}\"", "unbalanced ')'"),
        ('A "ifportup(443, {\'192.0.2.1})"', "unterminated string"),
        ("A \"ifprotup(443, {'192.0.2.1'})\"", "unknown function ifprotup()"),
        ('A ""', "LUA code is empty"),
        ('A "if true then return 1 end"', "starts with the statement keyword 'if'"),
        ("TXT \";local s = 'x'\"", "must return a value"),
        ('A "a" "b"', "the code must be one double-quoted string"),
    ],
)
def test_lua_refused_with_zone_and_rrset(content, fragment):
    zone = {"name": "lua.test", "rrsets": [{"name": "svc", "type": "LUA", "records": [content]}]}
    with pytest.raises(ValueError) as info:
        normalize_zones([zone])
    message = str(info.value)
    assert message.startswith("zone lua.test., rrset svc.lua.test. LUA, record 0: ")
    assert fragment in message


@pytest.mark.parametrize("code", ["é", "x + ²", "ñame(1)", "'é'"])
def test_lua_check_of_non_ascii_letters_and_digits_ends_in_a_verdict(code):
    # Names and numerals are ASCII in Lua: other letters and digits are plain characters, so
    # the check decides (accepts, or refuses with ValueError) rather than crashing.
    with contextlib.suppress(ValueError):
        check_lua_code(code)


def test_lua_chunk_wraps_like_powerdns():
    assert lua_chunk("pickrandom({'a'})") == "return pickrandom({'a'})"
    assert lua_chunk(";return 1") == "return 1"


def test_lua_escapes_roundtrip():
    rtype, code = lua_code('TXT "\\"quoted\\" \\\\ \\065"')
    assert (rtype, code) == ("TXT", '"quoted" \\ A')


def test_lua_check_program_embeds_every_record_safely():
    zones = normalize_zones(
        [
            {
                "name": "lua.test",
                "rrsets": [
                    {"name": "a", "type": "LUA", "records": ["A \"pickrandom({'192.0.2.1'})\""]},
                    {"name": "b", "type": "LUA", "records": ['TXT ";return \']] \\" x\'"']},
                    {"name": "c", "type": "A", "records": ["192.0.2.1"]},
                ],
            }
        ]
    )
    program = lua_check_program(zones)
    assert program.count("\n  {") == 2
    assert "]]" not in program.split("local records")[1].split("for _, r")[0]
    assert "os.exit(failed == 0 and 0 or 1)" in program


@pytest.mark.skipif(shutil.which("luajit") is None, reason="luajit is not installed")
def test_lua_check_program_runs_in_luajit():
    zones = [
        {
            "name": "lua.test.",
            "kind": "Native",
            "rrsets": [
                {
                    "name": "a.lua.test.",
                    "type": "LUA",
                    "ttl": 1,
                    "records": ["A \"pickrandom({'x'})\""],
                },
                {"name": "b.lua.test.", "type": "LUA", "ttl": 1, "records": ['A "1 +"']},
            ],
        }
    ]
    run = subprocess.run(
        ["luajit", "-"],
        input=lua_check_program(zones),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "zone lua.test., rrset b.lua.test. LUA, record 0: lua:1:" in run.stdout
    assert "compiled 1 of 2 LUA records" in run.stdout


# --------------------------------------------------------------------------------- plan


def test_plan_creates_missing_zone():
    declared = normalize_zones([ZONE])
    plan = zones_plan(declared, [], {})
    assert [z["name"] for z in plan["create"]] == ["example.net."]
    body = plan["create"][0]
    assert body["nameservers"] == []
    assert len(body["rrsets"]) == 8
    assert plan["patch"] == plan["delete"] == plan["put"] == []
    assert plan["changes"][0] == "+ zone example.net. (Native, 8 rrsets)"


def test_plan_is_empty_when_the_server_holds_the_zone():
    declared = normalize_zones([ZONE])
    current = api_zone(declared[0])
    plan = zones_plan(declared, [current], {"example.net.": current})
    assert plan == {"create": [], "put": [], "patch": [], "delete": [], "changes": []}
    # ... also with prune: nothing undeclared
    assert zones_plan(declared, [current], {"example.net.": current}, prune=True)["changes"] == []


def test_plan_patches_only_what_differs():
    declared = normalize_zones([ZONE])
    current = api_zone(declared[0])
    for r in current["rrsets"]:
        if r["type"] == "A":
            r["records"] = [{"content": "192.0.2.9", "disabled": False}]
        if r["type"] == "MX":
            r["ttl"] = 1
    extra = {
        "name": "old.example.net.",
        "type": "A",
        "ttl": 5,
        "records": [{"content": "192.0.2.3"}],
    }
    current["rrsets"].append(extra)
    plan = zones_plan(declared, [current], {"example.net.": current})
    (patch,) = plan["patch"]
    assert patch["id"] == "example.net."
    assert [(r["name"], r["type"], r["changetype"]) for r in patch["body"]["rrsets"]] == [
        ("example.net.", "MX", "REPLACE"),
        ("www.example.net.", "A", "REPLACE"),
    ]
    assert plan["delete"] == []
    pruned = zones_plan(declared, [current], {"example.net.": current}, prune=True)
    assert pruned["patch"][0]["body"]["rrsets"][-1] == {
        "name": "old.example.net.",
        "type": "A",
        "changetype": "DELETE",
    }


def test_plan_ignores_the_soa_serial_and_bumps_it_on_change():
    declared = normalize_zones([ZONE])
    current = api_zone(declared[0])
    assert zones_plan(declared, [current], {"example.net.": current})["patch"] == []
    for r in current["rrsets"]:
        if r["type"] == "SOA":
            r["records"] = [{"content": "ns1.example.net. hostmaster.example.net. 7 1 1 1 1"}]
    (patch,) = zones_plan(declared, [current], {"example.net.": current})["patch"]
    assert patch["body"]["rrsets"][0]["records"][0]["content"] == (
        "ns1.example.net. hostmaster.example.net. 8 10800 3600 604800 300"
    )


def test_plan_rewrites_disabled_records():
    declared = normalize_zones(
        [{"name": "a.test", "rrsets": [{"name": "x", "type": "A", "records": ["192.0.2.1"]}]}]
    )
    current = api_zone(declared[0])
    current["rrsets"][0]["records"][0]["disabled"] = True
    assert len(zones_plan(declared, [current], {"a.test.": current})["patch"]) == 1


def test_prune_keeps_soa_and_undeclared_apex_ns_and_deletes_undeclared_zones():
    declared = normalize_zones(
        [{"name": "a.test", "rrsets": [{"name": "x", "type": "A", "records": ["192.0.2.1"]}]}]
    )
    current = api_zone(declared[0])
    current["rrsets"] += [
        {
            "name": "a.test.",
            "type": "SOA",
            "ttl": 3600,
            "records": [{"content": "a. b. 1 2 3 4 5"}],
        },
        {"name": "a.test.", "type": "NS", "ttl": 3600, "records": [{"content": "ns.a.test."}]},
    ]
    other = {"name": "b.test.", "id": "b.test.", "kind": "Native"}
    plan = zones_plan(declared, [current, other], {"a.test.": current}, prune=True)
    assert plan["patch"] == []
    assert plan["delete"] == [{"id": "b.test.", "name": "b.test."}]
    assert zones_plan(declared, [current, other], {"a.test.": current})["delete"] == []


def test_plan_changes_kind():
    declared = normalize_zones([{"name": "a.test", "kind": "Master"}])
    current = {"name": "a.test.", "id": "a.test.", "kind": "Native", "rrsets": []}
    plan = zones_plan(declared, [current], {"a.test.": current})
    assert plan["put"] == [{"id": "a.test.", "name": "a.test.", "body": {"kind": "Master"}}]


@pytest.mark.parametrize(
    ("server", "details", "fragment"),
    [
        ("x", {}, "server_zones must be the list"),
        ([], [], "zone_details must be a mapping"),
        ([{"name": "a.test."}], {}, "not a zone of the API"),
        (
            [{"name": "a.test.", "id": "a.test."}],
            {},
            "zone_details has no entry for the existing zone a.test.",
        ),
    ],
)
def test_plan_errors(server, details, fragment):
    declared = normalize_zones([{"name": "a.test"}])
    with pytest.raises((TypeError, ValueError)) as info:
        zones_plan(declared, server, details)
    assert fragment in str(info.value)


# ------------------------------------------------------------------------------ API key


def test_api_key_hash_is_stable_per_host_and_verifiable():
    key = "lab-api-key-0123456789abcdef"
    first = api_key_hash(key, "g1")
    assert first == api_key_hash(key, "g1")
    assert first != api_key_hash(key, "g2")
    prefix, scheme, params, salt, digest = first.split("$")
    assert (prefix, scheme, params) == ("", "scrypt", "ln=10,p=1,r=8")
    expected = hashlib.scrypt(key.encode(), salt=base64.b64decode(salt), n=1024, r=8, p=1, dklen=32)
    assert base64.b64decode(digest) == expected
    assert key not in first


def test_api_key_hash_matches_pdnsutil_for_its_salt():
    # `echo -n secret | pdnsutil hash-password` printed this on PowerDNS 4.7.3 (lab).
    salt = base64.b64decode("jKSMuiAaBsUWQBQUKuZnlg==")
    digest = hashlib.scrypt(b"secret", salt=salt, n=1024, r=8, p=1, dklen=32)
    assert base64.b64encode(digest).decode() == "zvI45Q1e1TZcBUgveFP27W1+/Ww7linaWgDbcMZgmtA="


@pytest.mark.parametrize(
    ("key", "seed", "fragment"),
    [
        ("short", "g1", "at least 16 characters"),
        ("$scrypt$ln=10,p=1,r=8$abcdefgh$ijkl", "g1", "already hashed"),
        ("lab-api-key-0123456789abcdef", "", "salt_seed must be a non-empty string"),
    ],
)
def test_api_key_hash_errors(key, seed, fragment):
    with pytest.raises((TypeError, ValueError)) as info:
        api_key_hash(key, seed)
    assert fragment in str(info.value)
    assert key not in str(info.value) or len(key) < 16
