"""The ports a host's roles listen on: conflicts between them, and an nftables guard for them.

Every role that opens a port publishes it as a *listener* (a plain mapping)::

    {"service": "MariaDB", "proto": "tcp", "port": 3306, "var": "powerdns_galera_port",
     "allow": ["10.64.1.1", "10.64.2.1/32"]}

``var`` is the inventory variable that sets the port, so messages name what the user wrote.
``allow`` is who may connect: a list of addresses or prefixes (IPv4 and IPv6 mixed; an empty list
means loopback only), or null/absent for a port open to everyone (DNS, WireGuard).

Pure functions: no Ansible imports, no I/O, deterministic (sorted output whatever the input order).
Used by the ``hobbynet.infra.listener_conflicts`` and ``hobbynet.infra.nft_guard`` filters.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._values import describe as _describe

PROTOCOLS = ("tcp", "udp")
_TABLE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# Text that ends up in an nft comment line: printable, no newline or quote.
_TEXT_RE = re.compile(r"^[^\x00-\x1f\x7f\"\\]{1,120}$")


def _check_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _TEXT_RE.match(value):
        raise ValueError(
            f"{what} must be 1-120 printable characters without quotes or backslashes, "
            f"got {_describe(value)}"
        )
    return str(value)


def check_listener(raw: Any, where: str) -> dict[str, Any]:
    """Validate one listener mapping; return it canonical (allow sorted, prefixes as text)."""
    if not isinstance(raw, Mapping):
        raise TypeError(f"{where} must be a mapping, got {_describe(raw)}")
    unknown = sorted(set(map(str, raw)) - {"service", "proto", "port", "var", "allow"})
    if unknown:
        raise ValueError(f"{where} has unknown keys {unknown}")
    service = _check_text(raw.get("service"), f"{where}.service")
    var = _check_text(raw.get("var"), f"{where}.var")
    proto = raw.get("proto")
    if proto not in PROTOCOLS:
        raise ValueError(f"{where}.proto must be one of {list(PROTOCOLS)}, got {_describe(proto)}")
    port = raw.get("port")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValueError(f"{var} ({service}) must be a port 1..65535, got {_describe(port)}")
    allow = raw.get("allow")
    networks: list[str] | None = None
    if allow is not None:
        if isinstance(allow, (str, bytes)) or not isinstance(allow, Sequence):
            raise TypeError(f"{where}.allow must be a list of addresses, got {_describe(allow)}")
        parsed = []
        for i, item in enumerate(allow):
            try:
                parsed.append(ipaddress.ip_network(str(item), strict=False))
            except ValueError as exc:
                raise ValueError(
                    f"{where}.allow[{i}] ({service}, {var}): {_describe(item)} is not an "
                    f"IPv4 or IPv6 address or prefix"
                ) from exc
        networks = [
            n.with_prefixlen
            for n in sorted(set(parsed), key=lambda n: (n.version, n.network_address, n.prefixlen))
        ]
    return {"service": service, "proto": proto, "port": port, "var": var, "allow": networks}


def _check_listeners(listeners: Any, what: str) -> list[dict[str, Any]]:
    if isinstance(listeners, (str, bytes)) or not isinstance(listeners, Sequence):
        raise TypeError(f"{what} must be a list of listeners, got {_describe(listeners)}")
    return [check_listener(item, f"{what}[{i}]") for i, item in enumerate(listeners)]


def listener_conflicts(by_role: Any, host: str = "this host") -> list[str]:
    """Messages for every (protocol, port) that two listeners of one host claim.

    ``by_role`` maps a role name to its list of listeners (those of one host).  One service may
    list a port twice (the same service and variable); anything else on the same protocol and
    port is a conflict.  Returns [] when there is none; sorted, so the result is deterministic.
    """
    if not isinstance(by_role, Mapping):
        raise TypeError(
            f"listeners must be a mapping of role to listeners, got {_describe(by_role)}"
        )
    claims: dict[tuple[str, int], dict[tuple[str, str], str]] = {}
    for role in sorted(map(str, by_role)):
        for item in _check_listeners(by_role[role], f"{role} listeners"):
            key = (item["proto"], item["port"])
            claims.setdefault(key, {})[(item["var"], item["service"])] = role
    messages = []
    for (proto, port), owners in sorted(claims.items()):
        if len(owners) > 1:
            who = "; ".join(
                f"{var} ({service}, role {role})" for (var, service), role in sorted(owners.items())
            )
            messages.append(f"{host}: {proto}/{port} is claimed by more than one service: {who}")
    return messages


def _nft_set(networks: list[str]) -> str:
    return "{ " + ", ".join(networks) + " }"


def nft_guard(
    listeners: Any, table: Any, keep_open: Any = (22,), comment: Any = "hobbynet.infra"
) -> str:
    """An nftables script that limits the guarded listeners to their allowed sources.

    The script replaces the table ``inet <table>`` atomically (``nft -f``).  Its input chain has
    policy accept and only ever drops packets to a guarded port from a source outside its
    allow list; loopback is always accepted, and so is every TCP port in ``keep_open`` (SSH and
    the Ansible connection), listed first so no later rule can cut them.  A guarded port that is
    also in ``keep_open`` is an error.  Open listeners (allow null) produce no rule.  With no
    guarded listener the script only deletes the table.
    """
    if not isinstance(table, str) or not _TABLE_RE.match(table):
        raise ValueError(
            f"table must be a letter then up to 63 letters, digits or underscores, "
            f"got {_describe(table)}"
        )
    comment = _check_text(comment, "comment")
    if isinstance(keep_open, (str, bytes)) or not isinstance(keep_open, Sequence):
        raise TypeError(f"keep_open must be a list of TCP ports, got {_describe(keep_open)}")
    kept = set()
    for port in keep_open:
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValueError(f"keep_open must hold ports 1..65535, got {_describe(port)}")
        kept.add(port)
    guarded = [
        item for item in _check_listeners(listeners, "listeners") if item["allow"] is not None
    ]
    for item in guarded:
        if item["proto"] == "tcp" and item["port"] in kept:
            raise ValueError(
                f"{item['var']} ({item['service']}) is tcp/{item['port']}, the port of SSH or of "
                f"the Ansible connection: the guard never restricts it; choose another port"
            )
    header = [f"# managed by {comment}: do not edit, changes are overwritten."]
    if not guarded:
        # Declaring first makes the delete succeed whether or not the table exists.
        return "\n".join([*header, f"table inet {table}", f"delete table inet {table}"]) + "\n"
    # One transaction (nft -f): declare, flush, define. Not "delete" then define: nftables 1.0.6
    # accepts that batch and leaves no table at all.
    lines = [
        *header,
        f"table inet {table}",
        f"flush table inet {table}",
        f"table inet {table} {{",
        "\tchain input {",
        # Before the usual filter priority, so this table decides for its own ports first; an
        # accept here does not override a drop in another table (nftables runs every base chain).
        "\t\ttype filter hook input priority filter - 10; policy accept;",
        f"\t\ttcp dport {_nft_set([str(p) for p in sorted(kept)])} accept",
        '\t\tiifname "lo" accept',
    ]
    by_port: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for item in guarded:
        by_port.setdefault((item["proto"], item["port"]), []).append(item)
    for (proto, port), items in sorted(by_port.items()):
        names = ", ".join(sorted({f"{i['service']} ({i['var']})" for i in items}))
        # Overlapping prefixes collapse into one element (nft refuses overlapping intervals).
        allowed = [ipaddress.ip_network(n) for i in items for n in i["allow"]]
        v4, v6 = (
            [
                n.with_prefixlen
                for n in ipaddress.collapse_addresses([n for n in allowed if n.version == version])
            ]
            for version in (4, 6)
        )
        lines.append(f"\t\t# {names}")
        if v4:
            lines.append(f"\t\t{proto} dport {port} ip saddr {_nft_set(v4)} accept")
        if v6:
            lines.append(f"\t\t{proto} dport {port} ip6 saddr {_nft_set(v6)} accept")
        lines.append(f"\t\t{proto} dport {port} counter drop")
    lines += ["\t}", "}"]
    return "\n".join(lines) + "\n"


def guards_to_load(
    guards: Any, changed_paths: Any, loaded_tables: Any, config_dir: Any
) -> list[str]:
    """The roles whose guard file must be loaded now, in the order of ``guards``.

    A role's file (``<config_dir>/<role>.nft``) is loaded when it was just written (it is in
    ``changed_paths``), or when the kernel disagrees with it: the table ``hobbynet_<role>`` is
    missing although the role guards a port, or present although the role guards none (the file
    then only deletes it). ``loaded_tables`` are the names ``nft list tables inet`` printed.
    """
    if not isinstance(guards, Mapping):
        raise TypeError(f"guards must be a mapping of role to listeners, got {_describe(guards)}")
    for name, value in (("changed_paths", changed_paths), ("loaded_tables", loaded_tables)):
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise TypeError(f"{name} must be a list of strings, got {_describe(value)}")
    config_dir = _check_text(config_dir, "config_dir").rstrip("/")
    changed = set(changed_paths)
    loaded = set(loaded_tables)
    roles = []
    for role, listeners in guards.items():
        guarded = any(item["allow"] is not None for item in _check_listeners(listeners, role))
        if f"{config_dir}/{role}.nft" in changed or (f"hobbynet_{role}" in loaded) != guarded:
            roles.append(role)
    return roles
