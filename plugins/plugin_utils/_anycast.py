"""Anycast services of one host: their inputs checked and planned for roles/bird2.

Pure functions: no Ansible imports, no I/O. A service is a set of addresses on ``lo`` inside
anycast prefixes (``bird2_anycast_prefixes``, each one of the AS's ``bird2_own_prefixes``) and
health checks; while the checks pass, the prefixes are announced (BGP to the site's neighbours,
OSPF inside the backbone), otherwise withdrawn. anycast-healthchecker runs the checks, one of its
services per service and family, and writes the announced prefixes to BIRD's include files.

The announcement is per prefix, so a prefix belongs to one service; every site serving a service
announces the same prefix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._addr import parse_address as _address
from ._bgp import _network, _prefix_list
from ._values import describe as _describe

PREFIXES = "bird2_anycast_prefixes"
SERVICES = "bird2_anycast_services"
OWN = "bird2_own_prefixes"
PDNS_ADDRESSES = "powerdns_galera_pdns_local_addresses"
PDNS_ZONES = "powerdns_galera_zones"
REPLICA_GROUP = "powerdns_galera_replica_group"

SERVICE_KEYS = frozenset({"name", "addresses", "checks", "interval", "timeout", "rise", "fall"})
CHECK_KINDS = ("dns_soa", "replication_lag", "command")
DEFAULTS = {"interval": 1.0, "timeout": 0.8, "rise": 2, "fall": 2}

_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_ZONE = re.compile(
    r"(?=.{1,253}\.?$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*"
    r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?"
)


class AnycastInputError(ValueError):
    """Every problem found in one host's anycast inputs."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _zone_names(value: Any) -> set[str] | None:
    """The zone names of powerdns_galera_zones, lower case without the final dot; None: unknown."""
    if not isinstance(value, list):
        return None
    names = set()
    for zone in value:
        if isinstance(zone, Mapping) and isinstance(zone.get("name"), str):
            names.add(str(zone["name"]).lower().rstrip("."))
    return names


def _check(
    index: int,
    item: Any,
    at: str,
    host_vars: Mapping[str, Any],
    problems: list[str],
) -> dict[str, Any] | None:
    where = f"{at} checks[{index}]"
    if not isinstance(item, Mapping) or len(item) != 1 or next(iter(item)) not in CHECK_KINDS:
        problems.append(
            f"{where}: expected a mapping with one key of {', '.join(CHECK_KINDS)}, "
            f"not {_describe(item)}"
        )
        return None
    kind, value = next(iter(item.items()))
    if kind == "dns_soa":
        if not isinstance(value, str) or not value.strip(".") or not _ZONE.fullmatch(value):
            problems.append(f"{where}: dns_soa needs a zone name, not {_describe(value)}")
            return None
        zone = str(value).lower().rstrip(".")
        known = _zone_names(host_vars.get(PDNS_ZONES))
        if known is not None and known and zone not in known:
            problems.append(
                f"{where}: dns_soa zone {zone}. is not a zone of {PDNS_ZONES} "
                f"({', '.join(sorted(n + '.' for n in known))}): the check could never pass"
            )
            return None
        return {"kind": kind, "zone": zone + "."}
    if kind == "replication_lag":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(
                f"{where}: replication_lag is the largest lag in seconds (an integer >= 1), "
                f"not {_describe(value)}"
            )
            return None
        group = host_vars.get(REPLICA_GROUP) or "dns_replicas"
        if group not in (host_vars.get("group_names") or []):
            problems.append(
                f"{where}: replication_lag checks the local MariaDB replica, but this host is not "
                f"in the replica group '{group}' ({REPLICA_GROUP})"
            )
            return None
        return {"kind": kind, "max_lag": value}
    if not isinstance(value, str) or not value.strip():
        problems.append(
            f"{where}: command is a command line (run without a shell; exit 0 means healthy), "
            f"not {_describe(value)}"
        )
        return None
    return {"kind": kind, "command": str(value)}


def _service(
    index: int,
    item: Any,
    host: str,
    host_vars: Mapping[str, Any],
    anycast: list[Any],
    problems: list[str],
) -> dict[str, Any] | None:
    at = f"{SERVICES}[{index}] of {host}"
    if not isinstance(item, Mapping):
        problems.append(f"{at}: expected a mapping, not {_describe(item)}")
        return None
    unknown = sorted(set(item) - SERVICE_KEYS)
    if unknown:
        problems.append(f"{at}: unknown keys {unknown} (known: {sorted(SERVICE_KEYS)})")
    name = item.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        problems.append(
            f"{at}: name must be lower-case letters, digits, - and _ (a letter first, at most 40), "
            f"not {_describe(name)}"
        )
        return None
    at = f"{SERVICES}[{index}] ({name}) of {host}"
    count = len(problems)
    settings = {key: item.get(key, default) for key, default in DEFAULTS.items()}
    for key in ("interval", "timeout"):
        if not _number(settings[key]) or settings[key] <= 0:
            problems.append(
                f"{at}: {key} must be a number of seconds > 0, not {_describe(settings[key])}"
            )
    if (
        _number(settings["interval"])
        and _number(settings["timeout"])
        and (0 < settings["interval"] < settings["timeout"])
    ):
        problems.append(
            f"{at}: timeout ({settings['timeout']}) must not exceed interval "
            f"({settings['interval']}): a check would still run when the next one is due"
        )
    for key in ("rise", "fall"):
        value = settings[key]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
            problems.append(
                f"{at}: {key} must be an integer 1..100 (consecutive checks), "
                f"not {_describe(value)}"
            )
    addresses = item.get("addresses")
    parsed: list[Any] = []
    if not isinstance(addresses, list) or not addresses:
        problems.append(
            f"{at}: addresses must be a non-empty list of IP addresses, not {_describe(addresses)}"
        )
    else:
        for number, text in enumerate(addresses):
            address = _address(text)
            if address is None:
                problems.append(
                    f"{at}: addresses[{number}] ({_describe(text)}) is not an IP address "
                    "(no prefix length: the service address is a /32 or /128 on lo)"
                )
            else:
                parsed.append(address)
    prefixes: dict[int, Any] = {}
    for address in parsed:
        inside = [p for p in anycast if address in p]
        if not inside:
            problems.append(
                f"{at}: address {address} is outside every prefix of {PREFIXES} "
                f"({', '.join(str(p) for p in anycast) or 'none'})"
            )
            continue
        prefix = inside[0]
        if prefixes.setdefault(address.version, prefix) != prefix:
            problems.append(
                f"{at}: addresses {address} and others lie in two IPv{address.version} prefixes "
                f"({prefixes[address.version]}, {prefix}): one prefix per family is announced for "
                "a service"
            )
    checks_in = item.get("checks")
    checks = []
    if not isinstance(checks_in, list) or not checks_in:
        problems.append(
            f"{at}: checks must be a non-empty list (dns_soa, replication_lag, command): a "
            f"service without a check would be announced blindly, not {_describe(checks_in)}"
        )
    else:
        for number, check in enumerate(checks_in):
            planned = _check(number, check, at, host_vars, problems)
            if planned is not None:
                checks.append(planned)
    if len(problems) > count:
        return None
    return {
        "name": name,
        "addresses4": [str(a) for a in parsed if a.version == 4],
        "addresses6": [str(a) for a in parsed if a.version == 6],
        "prefix4": str(prefixes[4]) if 4 in prefixes else None,
        "prefix6": str(prefixes[6]) if 6 in prefixes else None,
        "checks": checks,
        **settings,
    }


def anycast_plan(host: str, host_vars: Mapping[str, Any]) -> dict[str, Any]:
    """The anycast plan of ``host``; raise AnycastInputError with every problem.

    Returns ``prefixes4``/``prefixes6`` (the AS's anycast prefixes: never originated
    unconditionally), ``services`` (this host's, with their prefix per family),
    ``announce4``/``announce6`` (the prefixes this host may announce) and ``addresses``
    (``address/32`` and ``address/128`` for lo).
    """
    problems: list[str] = []
    anycast = _prefix_list(host_vars.get(PREFIXES) or [], f"{PREFIXES} of {host}", problems)
    own = [n for n in (_network(p) for p in host_vars.get(OWN) or []) if n is not None]
    for prefix in anycast:
        if prefix not in own:
            problems.append(
                f"{PREFIXES} of {host}: {prefix} is not one of {OWN} "
                f"({', '.join(str(p) for p in own) or 'none'}): an anycast prefix is one of "
                "the AS's own prefixes, announced only where its service is healthy"
            )
    if len(set(anycast)) != len(anycast):
        problems.append(f"{PREFIXES} of {host}: a prefix is listed twice")
    services_in = host_vars.get(SERVICES) or []
    if not isinstance(services_in, list):
        problems.append(
            f"{SERVICES} of {host}: expected a list of mappings, not {_describe(services_in)}"
        )
        services_in = []
    services = []
    for index, item in enumerate(services_in):
        service = _service(index, item, host, host_vars, anycast, problems)
        if service is not None:
            services.append(service)
    _cross_checks(host, host_vars, services, problems)
    if problems:
        raise AnycastInputError(problems)
    return {
        "prefixes4": [str(p) for p in anycast if p.version == 4],
        "prefixes6": [str(p) for p in anycast if p.version == 6],
        "services": services,
        "announce4": [s["prefix4"] for s in services if s["prefix4"]],
        "announce6": [s["prefix6"] for s in services if s["prefix6"]],
        "addresses": [a + "/32" for s in services for a in s["addresses4"]]
        + [a + "/128" for s in services for a in s["addresses6"]],
    }


def _cross_checks(
    host: str, host_vars: Mapping[str, Any], services: list[dict[str, Any]], problems: list[str]
) -> None:
    names: dict[str, int] = {}
    owners: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for service in services:
        name = service["name"]
        if name in names:
            problems.append(f"{SERVICES} of {host}: the name {name} is used twice")
        names[name] = 1
        for address in service["addresses4"] + service["addresses6"]:
            if address in owners:
                problems.append(
                    f"{SERVICES} of {host}: the service address {address} is on two services "
                    f"({owners[address]}, {name})"
                    if owners[address] != name
                    else f"{SERVICES} ({name}) of {host}: the address {address} is listed twice"
                )
            owners[address] = name
        for prefix in (service["prefix4"], service["prefix6"]):
            if prefix is None:
                continue
            if prefix in prefixes and prefixes[prefix] != name:
                problems.append(
                    f"{SERVICES} of {host}: services {prefixes[prefix]} and {name} share the "
                    f"anycast prefix {prefix}: the announcement is per prefix, so one failing "
                    "service would withdraw the other (give each service its own prefix)"
                )
            prefixes[prefix] = name
    listen = host_vars.get(PDNS_ADDRESSES)
    if isinstance(listen, list):
        have = {str(_address(a)) for a in listen if _address(a) is not None}
        for service in services:
            if not any(c["kind"] == "dns_soa" for c in service["checks"]):
                continue
            missing = [a for a in service["addresses4"] + service["addresses6"] if a not in have]
            if missing:
                problems.append(
                    f"{SERVICES} ({service['name']}) of {host} checks DNS on {', '.join(missing)}"
                    f", but {PDNS_ADDRESSES} does not list it: PowerDNS would not answer there "
                    f"(leave {PDNS_ADDRESSES} unset and the role adds them)"
                )
