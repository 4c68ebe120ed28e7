"""PowerDNS zones as code: declared zones -> API rrsets, LUA record checks, plan against the API.

Pure functions: no Ansible imports, no I/O, no randomness, no global state.  Used by the
``hobbynet.infra.pdns_zones``, ``hobbynet.infra.pdns_zones_plan``,
``hobbynet.infra.pdns_lua_check_program`` and ``hobbynet.infra.pdns_api_key_hash`` filters.

Names are canonical: lower case, absolute, with the trailing dot.  Record contents are the text the
PowerDNS 4.7 HTTP API stores and returns for them, so a declared rrset compares equal to what a GET
returns once it has been applied.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._values import describe as _describe
from ._values import unvault as _unvault


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ZONE_KINDS = ("Native", "Master")
DEFAULT_TTL = 3600

# Record types a declared rrset may have (what PowerDNS 4.7 serves from a gmysql backend).
RECORD_TYPES = _words(
    "A AAAA AFSDB ALIAS CAA CDNSKEY CDS CERT CNAME CSYNC DHCID DNAME DNSKEY DS HINFO HTTPS KEY "
    "LOC LUA MX NAPTR NS NSEC NSEC3 NSEC3PARAM OPENPGPKEY PTR RP RRSIG SMIMEA SOA SPF SRV SSHFP "
    "SVCB TLSA TXT URI ZONEMD"
)
# Types a LUA record may produce (its first word).
LUA_RESULT_TYPES = _words(
    "A AAAA CAA CNAME DNAME HINFO HTTPS LOC MX NAPTR NS PTR RP SOA SPF SRV SSHFP SVCB TLSA TXT URI"
)
# Types whose whole content is one domain name.
_NAME_TYPES = frozenset(("CNAME", "NS", "PTR", "DNAME", "ALIAS"))

# Functions and globals of PowerDNS 4.7 LUA records (docs: "LUA Reference" / "LUA Records"),
# plus the Lua 5.1 builtins a record may call.  A call to any other bare name is refused: the
# API would accept it and every query for the name would then SERVFAIL.
LUA_FUNCTIONS = _words(
    # record functions
    "ifportup ifurlup ifurlextup pickrandom pickrandomsample pickhashed pickwhashed "
    "pickwrandom pickclosest latlon latlonloc closestMagic latlonMagic createReverse "
    "createReverse6 createForward createForward6 filterForward asnum continent "
    "continentCode country countryCode region regionCode netmask view all include "
    "dblookup pickchashed "
    # helpers available in the record environment
    "newCA newDN newDNSName newNMG newComboAddress newNetmask newSuffixMatchNode "
    "newDNSNameSet "
    # Lua 5.1 builtins
    "assert error ipairs next pairs pcall select tonumber tostring type unpack "
    "rawequal rawget rawset setmetatable getmetatable xpcall print"
)
_LUA_KEYWORDS = _words(
    "and break do else elseif end false for function if in local nil not or repeat return "
    "then true until while goto"
)

_LABEL_RE = re.compile(r"^(?:\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$")
_RRSET_KEYS = frozenset(("name", "type", "ttl", "records"))
_ZONE_KEYS = frozenset(("name", "kind", "ttl", "nameservers", "rrsets"))


# ------------------------------------------------------------------------------------ names


def canonical_name(value: Any, origin: str, what: str) -> str:
    """Absolute lower-case name with the trailing dot.

    ``@`` is the origin; a name without a trailing dot is relative to ``origin`` (zone-file
    convention).  ``origin`` must itself be canonical, or empty for the root.
    """
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{what} must be a non-empty string, got {_describe(value)}")
    name = value.strip().lower()
    if name == "@":
        name = origin
    elif not name.endswith("."):
        name = f"{name}.{origin}" if origin != "." else f"{name}."
    if name == ".":
        return name
    labels = name[:-1].split(".")
    for label in labels:
        if not _LABEL_RE.match(label):
            raise ValueError(
                f"{what} {value!r}: label {label!r} is not a valid DNS label "
                "(letters, digits, '-' and '_', 1 to 63 characters, or '*')"
            )
    if "*" in labels[1:]:
        raise ValueError(f"{what} {value!r}: '*' is allowed only as the leftmost label")
    if len(name) > 254:
        raise ValueError(f"{what} {value!r} is longer than 253 characters")
    return name


def zone_name(value: Any, what: str = "zone name") -> str:
    """Canonical zone name (a relative name is taken as absolute)."""
    if isinstance(value, str) and value.strip() and not value.strip().endswith("."):
        value = value.strip() + "."
    name = canonical_name(value, ".", what)
    if "*" in name:
        raise ValueError(f"{what} {value!r} must not contain '*'")
    return name


def _in_zone(name: str, zone: str) -> bool:
    return zone == "." or name == zone or name.endswith("." + zone)


# ------------------------------------------------------------------------------ TXT / LUA text


def _quote(text: str) -> str:
    """One DNS character-string in presentation form."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _split_quoted(text: str, what: str) -> list[str]:
    """The quoted strings of ``"a" "b"`` (escapes kept as written); raise on anything else."""
    strings = []
    i = 0
    while i < len(text):
        if text[i] in " \t":
            i += 1
            continue
        if text[i] != '"':
            raise ValueError(f"{what}: expected a double-quoted string at {text[i:][:20]!r}")
        j = i + 1
        while j < len(text) and text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        if j >= len(text):
            raise ValueError(f"{what}: unterminated double-quoted string {text[i:][:40]!r}")
        strings.append(text[i + 1 : j])
        i = j + 1
    if not strings:
        raise ValueError(f"{what}: empty content")
    return strings


def _unescape(text: str, what: str) -> str:
    """Presentation-form escapes (``\\"``, ``\\\\``, ``\\DDD``) -> the raw string."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            if text[i + 1 : i + 4].isdigit() and len(text[i + 1 : i + 4]) == 3:
                code = int(text[i + 1 : i + 4])
                if code > 255:
                    raise ValueError(f"{what}: escape \\{code} is above \\255")
                out.append(chr(code))
                i += 4
                continue
            if i + 1 >= len(text):
                raise ValueError(f"{what}: trailing backslash")
            out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _txt_content(value: str, what: str) -> str:
    """TXT/SPF content: an unquoted value is quoted (split into 255-byte strings)."""
    text = value.strip()
    if text.startswith('"'):
        strings = _split_quoted(text, what)
        for s in strings:
            if len(_unescape(s, what).encode()) > 255:
                raise ValueError(f"{what}: a character-string is longer than 255 bytes")
        return " ".join(f'"{s}"' for s in strings)
    raw = value.encode()
    chunks = [raw[i : i + 255] for i in range(0, len(raw), 255)] or [b""]
    return " ".join(_quote(c.decode(errors="strict")) for c in chunks)


# -------------------------------------------------------------------------------- LUA checks


def lua_code(content: str) -> tuple[str, str]:
    """``<TYPE> "<lua>"`` -> (TYPE, lua source) with escapes undone; raise on other forms."""
    text = content.strip()
    match = re.match(r"^([A-Za-z0-9]+)\s+(.*)$", text, re.DOTALL)
    if not match:
        raise ValueError(
            "LUA content must be '<TYPE> \"<lua code>\"', e.g. "
            "'A \"ifportup(443, {\\'192.0.2.1\\', \\'192.0.2.2\\'})\"'"
        )
    rtype = match.group(1).upper()
    if rtype not in LUA_RESULT_TYPES:
        raise ValueError(
            f"LUA content: {match.group(1)!r} is not a record type a LUA record can produce "
            f"({', '.join(sorted(LUA_RESULT_TYPES))})"
        )
    strings = _split_quoted(match.group(2), "LUA content")
    if len(strings) != 1:
        raise ValueError("LUA content: the code must be one double-quoted string")
    return rtype, _unescape(strings[0], "LUA content")


def lua_chunk(code: str) -> str:
    """The Lua chunk PowerDNS runs for a snippet: ``;code`` as is, else ``return code``."""
    return code[1:] if code.startswith(";") else "return " + code


_LUA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LUA_NUMBER = re.compile(r"[0-9][0-9A-Za-z_.]*")


def _lua_tokens(chunk: str) -> list[tuple[str, str, int]]:
    """Tokens (kind, text, offset) of a Lua chunk: names, brackets, other.  Strings and
    comments are skipped; unterminated ones raise ValueError."""
    tokens = []
    i = 0
    n = len(chunk)
    while i < n:
        ch = chunk[i]
        if chunk.startswith("--", i):
            long = re.match(r"--\[(=*)\[", chunk[i:])
            if long:
                end = chunk.find("]" + long.group(1) + "]", i)
                if end < 0:
                    raise ValueError(f"unterminated long comment at offset {i}")
                i = end + len(long.group(1)) + 2
            else:
                end = chunk.find("\n", i)
                i = n if end < 0 else end + 1
            continue
        long = re.match(r"\[(=*)\[", chunk[i:])
        if long:
            end = chunk.find("]" + long.group(1) + "]", i)
            if end < 0:
                raise ValueError(f"unterminated long string at offset {i}")
            tokens.append(("string", "", i))
            i = end + len(long.group(1)) + 2
            continue
        if ch in "'\"":
            j = i + 1
            while j < n and chunk[j] != ch:
                if chunk[j] == "\n":
                    break
                j += 2 if chunk[j] == "\\" else 1
            if j >= n or chunk[j] != ch:
                raise ValueError(f"unterminated string {chunk[i:][:30]!r}")
            tokens.append(("string", "", i))
            i = j + 1
            continue
        # Lua names and numerals are ASCII; any other character is an "op" token below.
        word = _LUA_NAME.match(chunk, i) or _LUA_NUMBER.match(chunk, i)
        if word:
            tokens.append(("name" if word.re is _LUA_NAME else "number", word.group(0), i))
            i = word.end()
            continue
        if ch in "()[]{}.:,;=":
            tokens.append((ch, ch, i))
        elif not ch.isspace():
            tokens.append(("op", ch, i))
        i += 1
    return tokens


def check_lua_code(code: str) -> None:
    """Cheap static check of a LUA record snippet, as PowerDNS wraps it.

    Strings and comments closed, brackets balanced, and every call of a bare name is a known
    PowerDNS or Lua function (or one the chunk defines itself).  Not a compiler: luajit on the
    writer does the real compile (tasks/zones.yml).
    """
    if not code.strip() or code.strip() == ";":
        raise ValueError("LUA code is empty")
    chunk = lua_chunk(code)
    tokens = _lua_tokens(chunk)
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[tuple[str, int]] = []
    for kind, _text, pos in tokens:
        if kind in "([{":
            stack.append((kind, pos))
        elif kind in pairs:
            if not stack or stack[-1][0] != pairs[kind]:
                raise ValueError(f"unbalanced {kind!r} at offset {pos} of {chunk!r}")
            stack.pop()
    if stack:
        raise ValueError(f"unclosed {stack[-1][0]!r} at offset {stack[-1][1]} of {chunk!r}")
    defined = set()
    for idx, (kind, text, _pos) in enumerate(tokens):
        prev = tokens[idx - 1][1] if idx else ""
        if kind == "name" and prev in ("function", "local"):
            defined.add(text)
        if kind == "name" and idx + 1 < len(tokens) and tokens[idx + 1][0] == "=":
            defined.add(text)
    for idx, (kind, text, _pos) in enumerate(tokens):
        if kind != "name" or text in _LUA_KEYWORDS:
            continue
        following = tokens[idx + 1][0] if idx + 1 < len(tokens) else ""
        before = tokens[idx - 1][0] if idx else ""
        if following not in ("(", "{", "string") or before in (".", ":"):
            continue
        if idx and tokens[idx - 1][1] == "function":
            continue
        if text not in LUA_FUNCTIONS and text not in defined:
            raise ValueError(
                f"unknown function {text}() (PowerDNS 4.7 LUA record functions: "
                "ifportup, ifurlup, pickrandom, pickwrandom, pickclosest, view, all, ... "
                "see LUA_FUNCTIONS in plugins/plugin_utils/_pdns.py)"
            )
    if code.startswith(";"):
        if not any(kind == "name" and text == "return" for kind, text, _pos in tokens):
            raise ValueError("a LUA snippet starting with ';' must return a value (no 'return')")
    elif tokens[1:] and tokens[1][1] in _LUA_KEYWORDS - {"function", "nil", "not", "true", "false"}:
        # tokens[0] is the 'return' PowerDNS puts in front of the snippet.
        raise ValueError(
            f"the snippet starts with the statement keyword {tokens[1][1]!r}: PowerDNS runs "
            "'return <snippet>', so write an expression, or start the snippet with ';' and "
            "return the result yourself"
        )


def _lua_content(value: str, what: str) -> str:
    try:
        rtype, code = lua_code(value)
        check_lua_code(code)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None
    return f"{rtype} {_quote(code)}"


# -------------------------------------------------------------------------------- contents


def _record_content(rtype: str, value: Any, zone: str, what: str) -> str:
    """Declared record -> the content text the PowerDNS API stores for it."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{what} must be a string, got {_describe(value)}")
    text = str(value).strip()
    if not text:
        raise ValueError(f"{what} is empty")
    if rtype == "A":
        try:
            return str(ipaddress.IPv4Address(text))
        except ValueError:
            raise ValueError(f"{what}: {text!r} is not an IPv4 address") from None
    if rtype == "AAAA":
        try:
            return ipaddress.IPv6Address(text).compressed
        except ValueError:
            raise ValueError(f"{what}: {text!r} is not an IPv6 address") from None
    if rtype in _NAME_TYPES:
        return canonical_name(text, zone, what)
    if rtype == "MX":
        parts = text.split()
        if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) > 65535:
            raise ValueError(f"{what}: MX content must be '<preference> <exchange>', got {text!r}")
        return f"{int(parts[0])} {canonical_name(parts[1], zone, what)}"
    if rtype == "SRV":
        parts = text.split()
        if len(parts) != 4 or not all(p.isdigit() and int(p) <= 65535 for p in parts[:3]):
            raise ValueError(
                f"{what}: SRV content must be '<priority> <weight> <port> <target>', got {text!r}"
            )
        target = "." if parts[3] == "." else canonical_name(parts[3], zone, what)
        return " ".join([*(str(int(p)) for p in parts[:3]), target])
    if rtype == "SOA":
        parts = text.split()
        if len(parts) != 7 or not all(p.isdigit() for p in parts[2:]):
            raise ValueError(
                f"{what}: SOA content must be '<mname> <rname> <serial> <refresh> <retry> "
                f"<expire> <minimum>', got {text!r}"
            )
        names = [canonical_name(p, zone, what) for p in parts[:2]]
        return " ".join([*names, *(str(int(p)) for p in parts[2:])])
    if rtype in ("TXT", "SPF"):
        return _txt_content(str(value), what)
    if rtype == "LUA":
        return _lua_content(text, what)
    return " ".join(text.split())


# ---------------------------------------------------------------------------------- zones


def _check_keys(value: Mapping, allowed: frozenset, what: str) -> None:
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise ValueError(f"{what}: unknown keys {unknown} (allowed: {', '.join(sorted(allowed))})")


def _ttl(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**31 - 1:
        raise ValueError(f"{what} must be an integer from 0 to 2147483647, got {_describe(value)}")
    return value


def normalize_zones(zones: Any) -> list[dict[str, Any]]:
    """Check declared zones and return them canonical, sorted by name.

    Input: ``[{name, kind?, ttl?, nameservers?, rrsets?: [{name, type, ttl?, records}]}]``.
    Output: ``[{name, kind, rrsets: [{name, type, ttl, records: [sorted contents]}]}]`` where
    ``nameservers`` has become the apex NS rrset.  Errors name the zone, the rrset and the problem.
    """
    if not isinstance(zones, Sequence) or isinstance(zones, (str, bytes)):
        raise TypeError(f"zones must be a list of mappings, got {_describe(zones)}")
    out = []
    seen_zones: set[str] = set()
    for index, zone in enumerate(zones):
        if not isinstance(zone, Mapping):
            raise TypeError(f"zones[{index}] must be a mapping, got {_describe(zone)}")
        if "name" not in zone:
            raise ValueError(f"zones[{index}]: 'name' is required")
        name = zone_name(zone["name"], f"zones[{index}].name")
        where = f"zone {name}"
        _check_keys(zone, _ZONE_KEYS, where)
        if name in seen_zones:
            raise ValueError(f"{where} is declared twice")
        seen_zones.add(name)
        kind = zone.get("kind", "Native")
        if kind not in ZONE_KINDS:
            raise ValueError(f"{where}: kind must be one of {', '.join(ZONE_KINDS)}, got {kind!r}")
        default_ttl = _ttl(zone.get("ttl", DEFAULT_TTL), f"{where}: ttl")
        rrsets: dict[tuple[str, str], dict[str, Any]] = {}
        declared = list(zone.get("rrsets") or [])
        nameservers = zone.get("nameservers")
        if nameservers is not None:
            if not isinstance(nameservers, Sequence) or isinstance(nameservers, (str, bytes)):
                raise TypeError(f"{where}: nameservers must be a list of names")
            declared.insert(0, {"name": "@", "type": "NS", "records": list(nameservers)})
        for rindex, rrset in enumerate(declared):
            if not isinstance(rrset, Mapping):
                raise TypeError(
                    f"{where}: rrsets[{rindex}] must be a mapping, got {_describe(rrset)}"
                )
            for key in ("name", "type", "records"):
                if key not in rrset:
                    raise ValueError(f"{where}: rrsets[{rindex}]: '{key}' is required")
            rname = canonical_name(rrset["name"], name, f"{where}: rrset name")
            rtype = str(rrset["type"]).upper()
            what = f"{where}, rrset {rname} {rtype}"
            _check_keys(rrset, _RRSET_KEYS, what)
            if not _in_zone(rname, name):
                raise ValueError(f"{what}: the name is not inside the zone")
            if rtype not in RECORD_TYPES:
                raise ValueError(f"{what}: unknown record type {rrset['type']!r}")
            if rtype == "SOA" and rname != name:
                raise ValueError(f"{what}: SOA is allowed only at the zone apex")
            if (rname, rtype) in rrsets:
                what_dup = "(also declared by 'nameservers')" if rtype == "NS" else ""
                raise ValueError(f"{what} is declared twice {what_dup}".rstrip())
            records = rrset["records"]
            if isinstance(records, (str, int)) and not isinstance(records, bool):
                records = [records]
            if not isinstance(records, Sequence) or not records:
                raise ValueError(f"{what}: records must be a non-empty list")
            contents = sorted(
                {
                    _record_content(rtype, r, name, f"{what}, record {i}")
                    for i, r in enumerate(records)
                }
            )
            if rtype in ("CNAME", "SOA", "DNAME") and len(contents) != 1:
                raise ValueError(f"{what}: exactly one record is allowed")
            rrsets[(rname, rtype)] = {
                "name": rname,
                "type": rtype,
                "ttl": _ttl(rrset.get("ttl", default_ttl), f"{what}: ttl"),
                "records": contents,
            }
        cnames = {n for n, t in rrsets if t == "CNAME"}
        for n, t in rrsets:
            if n in cnames and t != "CNAME":
                raise ValueError(f"{where}, rrset {n} CNAME: other data ({t}) at the same name")
        out.append({"name": name, "kind": kind, "rrsets": [rrsets[k] for k in sorted(rrsets)]})
    return sorted(out, key=lambda z: z["name"])


def lua_records(zones: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Every LUA record of normalised zones as ``{where, chunk}`` (the chunk PowerDNS runs)."""
    out = []
    for zone in zones:
        for rrset in zone["rrsets"]:
            if rrset["type"] != "LUA":
                continue
            for i, content in enumerate(rrset["records"]):
                _rtype, code = lua_code(content)
                where = f"zone {zone['name']}, rrset {rrset['name']} LUA, record {i}"
                out.append({"where": where, "chunk": lua_chunk(code)})
    return out


def _lua_literal(text: str) -> str:
    """A Lua 5.1 string literal for any text: every byte but [A-Za-z0-9 ] as \\DDD."""
    out = []
    for byte in text.encode():
        ch = chr(byte)
        out.append(ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def lua_check_program(zones: list[dict[str, Any]]) -> str:
    """A Lua program that compiles every LUA record chunk of ``zones`` with ``loadstring``
    (no code is run), prints one line per failure and exits 1 if any failed."""
    lines = ["local failed = 0", "local records = {"]
    for record in lua_records(zones):
        lines.append(f"  {{{_lua_literal(record['where'])}, {_lua_literal(record['chunk'])}}},")
    lines += [
        "}",
        "for _, r in ipairs(records) do",
        "  local ok, err = loadstring(r[2], '=lua')",
        "  if not ok then",
        "    failed = failed + 1",
        "    io.write(r[1], ': ', err, '\\n')",
        "  end",
        "end",
        "io.write('compiled ', #records - failed, ' of ', #records, ' LUA records\\n')",
        "os.exit(failed == 0 and 0 or 1)",
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------ plan


def _soa_fields(content: str) -> list[str]:
    return content.split()


def _rrsets_differ(want: dict[str, Any], have: dict[str, Any] | None) -> bool:
    if have is None:
        return True
    enabled = sorted(r["content"] for r in have.get("records", []) if not r.get("disabled", False))
    if len(enabled) != len(have.get("records", [])) or have.get("ttl") != want["ttl"]:
        return True
    if want["type"] == "SOA" and len(enabled) == 1:
        # The serial belongs to PowerDNS (SOA-EDIT-API bumps it on every change).
        mine, theirs = _soa_fields(want["records"][0]), _soa_fields(enabled[0])
        return len(theirs) != 7 or mine[:2] + mine[3:] != theirs[:2] + theirs[3:]
    return enabled != want["records"]


def _api_rrset(want: dict[str, Any], have: dict[str, Any] | None) -> dict[str, Any]:
    records = want["records"]
    if want["type"] == "SOA":
        fields = _soa_fields(records[0])
        current = _soa_fields(have["records"][0]["content"]) if have and have["records"] else []
        if len(current) == 7 and current[2].isdigit():
            fields[2] = str((int(current[2]) + 1) % 2**32)
        records = [" ".join(fields)]
    return {
        "name": want["name"],
        "type": want["type"],
        "ttl": want["ttl"],
        "changetype": "REPLACE",
        "records": [{"content": c, "disabled": False} for c in records],
    }


def _show(rrset: Mapping[str, Any] | None) -> str:
    if rrset is None:
        return "(absent)"
    records = [r["content"] if isinstance(r, Mapping) else r for r in rrset.get("records", [])]
    return f"ttl {rrset.get('ttl')} {records}"


def zones_plan(
    declared: list[dict[str, Any]],
    server_zones: Any,
    zone_details: Any,
    prune: bool = False,
) -> dict[str, Any]:
    """What to send to the API so the server holds ``declared`` (from :func:`normalize_zones`).

    ``server_zones`` is the answer of ``GET /servers/localhost/zones``; ``zone_details`` maps a
    zone name to the answer of ``GET /servers/localhost/zones/<id>`` (every declared zone the
    server has).  Returns ``{create, put, patch, delete, changes}``: POST bodies, PUT bodies
    (kind), PATCH bodies per zone id, zone ids to DELETE (``prune`` only) and one readable
    line per change.  Without ``prune`` nothing undeclared is deleted; with it, undeclared
    rrsets (never the apex SOA, nor the apex NS unless declared) and zones are.
    """
    if not isinstance(server_zones, Sequence) or isinstance(server_zones, (str, bytes)):
        raise TypeError(
            f"server_zones must be the list GET /zones returns, got {_describe(server_zones)}"
        )
    if not isinstance(zone_details, Mapping):
        raise TypeError(
            "zone_details must be a mapping of zone name to GET /zones/<id>, "
            f"got {_describe(zone_details)}"
        )
    existing = {}
    for zone in server_zones:
        if not isinstance(zone, Mapping) or "name" not in zone or "id" not in zone:
            raise ValueError(f"server_zones: not a zone of the API: {_describe(zone)}")
        existing[str(zone["name"]).lower()] = zone
    plan: dict[str, Any] = {"create": [], "put": [], "patch": [], "delete": [], "changes": []}
    declared_names = set()
    for zone in declared:
        name = zone["name"]
        declared_names.add(name)
        if name not in existing:
            plan["create"].append(
                {
                    "name": name,
                    "kind": zone["kind"],
                    "nameservers": [],
                    "soa_edit_api": "DEFAULT",
                    "rrsets": [
                        {
                            "name": r["name"],
                            "type": r["type"],
                            "ttl": r["ttl"],
                            "records": [{"content": c, "disabled": False} for c in r["records"]],
                        }
                        for r in zone["rrsets"]
                    ],
                }
            )
            plan["changes"].append(f"+ zone {name} ({zone['kind']}, {len(zone['rrsets'])} rrsets)")
            for r in zone["rrsets"]:
                plan["changes"].append(f"+ {name} {r['name']} {r['type']}: {_show(r)}")
            continue
        zone_id = existing[name]["id"]
        if name not in zone_details:
            raise ValueError(f"zone_details has no entry for the existing zone {name}")
        detail = zone_details[name]
        if not isinstance(detail, Mapping) or not isinstance(detail.get("rrsets"), list):
            raise ValueError(
                f"zone_details[{name!r}] is not a zone with rrsets: {_describe(detail)}"
            )
        if existing[name].get("kind", zone["kind"]) != zone["kind"]:
            plan["put"].append({"id": zone_id, "name": name, "body": {"kind": zone["kind"]}})
            plan["changes"].append(
                f"~ zone {name}: kind {existing[name].get('kind')} -> {zone['kind']}"
            )
        have = {(str(r["name"]).lower(), r["type"]): r for r in detail["rrsets"]}
        changes = []
        for want in zone["rrsets"]:
            current = have.get((want["name"], want["type"]))
            if _rrsets_differ(want, current):
                changes.append(_api_rrset(want, current))
                sign = "+" if current is None else "~"
                plan["changes"].append(
                    f"{sign} {name} {want['name']} {want['type']}: "
                    f"{_show(current)} -> {_show(want)}"
                )
        if prune:
            wanted = {(r["name"], r["type"]) for r in zone["rrsets"]}
            for key in sorted(have):
                rname, rtype = key
                keep = rname == name and (rtype == "SOA" or (rtype == "NS" and key not in wanted))
                if key in wanted or keep:
                    continue
                changes.append({"name": rname, "type": rtype, "changetype": "DELETE"})
                plan["changes"].append(f"- {name} {rname} {rtype}: {_show(have[key])}")
        if changes:
            plan["patch"].append({"id": zone_id, "name": name, "body": {"rrsets": changes}})
    if prune:
        for name in sorted(set(existing) - declared_names):
            plan["delete"].append({"id": existing[name]["id"], "name": name})
            plan["changes"].append(f"- zone {name}")
    return plan


# -------------------------------------------------------------------------------- API key


def api_key_hash(key: Any, salt_seed: Any) -> str:
    """The PowerDNS (4.6+) scrypt form of an API key, with a salt derived from the key and
    ``salt_seed`` (the host name): the same inputs give the same line, so the config file is
    stable; different hosts get different salts.  Parameters as ``pdnsutil hash-password``."""
    key = _unvault(key)
    if not isinstance(key, str) or len(key) < 16:
        raise ValueError("the API key must be a string of at least 16 characters")
    if not isinstance(salt_seed, str) or not salt_seed:
        raise TypeError(f"salt_seed must be a non-empty string, got {_describe(salt_seed)}")
    if key.startswith("$scrypt$"):
        raise ValueError("the API key is already hashed: give the plain key (the role needs it)")
    salt = hmac.new(key.encode(), b"hobbynet pdns api-key salt\0" + salt_seed.encode(), "sha256")
    salt_bytes = salt.digest()[:16]
    digest = hashlib.scrypt(key.encode(), salt=salt_bytes, n=1024, r=8, p=1, dklen=32)
    salt_text = base64.b64encode(salt_bytes).decode()
    return f"$scrypt$ln=10,p=1,r=8${salt_text}${base64.b64encode(digest).decode()}"
