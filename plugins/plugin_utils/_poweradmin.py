"""Poweradmin on the Galera writers: inputs checked and planned for roles/poweradmin.

Pure functions: no Ansible imports, no I/O.

- ``poweradmin_plan`` checks one host's variables (every problem at once, each naming the
  variable as the user wrote it) and returns what the role writes: the release to run, the
  addresses nginx listens on, the PHP-side settings.
- ``listen_address_problems`` compares the listen addresses with the addresses found on the host
  (read by the role before any change) and the ones the collection itself puts there.
- ``schema_plan`` decides, from what every writer read of the database, which node runs the SQL
  (the first Synced node in group order), whether the structure is loaded, and which of the
  release's update scripts are applied, in version order, exactly once each.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._pdns import canonical_name, zone_name
from ._values import describe as _describe
from ._values import templated_int, unvault

# Series whose layout the role knows: config/settings.php as a PHP array read through
# PA_CONFIG_PATH, sql/poweradmin-mysql-db-structure.sql and ordered update scripts, install/ that
# must be absent for the login page to render.
SUPPORTED_SERIES = ("4.3", "4.4")
VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)\Z")
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}\Z")
SERVER_NAME_RE = re.compile(
    r"^(?=.{1,253}\Z)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z"
)
DB_NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,64}\Z")
USER_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}\Z")
UPDATE_SCRIPT_RE = re.compile(r"^poweradmin-mysql-update-to-(\d+\.\d+\.\d+)\.sql\Z")
STRUCTURE_SCRIPT = "poweradmin-mysql-db-structure.sql"
SESSION_KEY_MIN = 32
SESSION_STORES = ("database", "files")
# What the role records for a release loaded from the structure file (every update script up to
# the release is part of it) and for an update script it ran.
HOW_STRUCTURE = "structure"
HOW_APPLIED = "applied"


class PoweradminInputError(ValueError):
    """Every problem found in one host's Poweradmin inputs."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def version_key(text: str) -> tuple[int, int, int]:
    """``"4.3.10"`` -> ``(4, 3, 10)``; raises ValueError for any other form."""
    match = VERSION_RE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a version X.Y.Z")
    return (int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _text(value: Any) -> Any:
    value = unvault(value)
    return str(value) if isinstance(value, str) else value


def _version_problem(name: str, value: Any) -> str | None:
    if not isinstance(value, str) or not VERSION_RE.match(value):
        return f"{name} must be a version X.Y.Z such as 4.3.4, got {_describe(value)}"
    series = ".".join(value.split(".")[:2])
    if series not in SUPPORTED_SERIES:
        return (
            f"{name} {value} is not supported: the role knows the layout of the "
            f"{' and '.join(s + '.x' for s in SUPPORTED_SERIES)} series"
        )
    return None


def password_problems(name: str, value: Any, min_length: int) -> list[str]:
    """Poweradmin's own password rules (upper, lower, digit), with the role's minimum length."""
    value = _text(value)
    if not isinstance(value, str) or not value:
        return [f"{name} is required (a string, from vault)"]
    missing = []
    if len(value) < min_length:
        missing.append(f"at least {min_length} characters (poweradmin_password_min_length)")
    if not re.search(r"[A-Z]", value):
        missing.append("an upper-case letter")
    if not re.search(r"[a-z]", value):
        missing.append("a lower-case letter")
    if not re.search(r"[0-9]", value):
        missing.append("a digit")
    if missing:
        # Never the value: the message names what is missing only.
        return [f"{name} does not meet the password policy: it needs {', '.join(missing)}"]
    return []


def _ip(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _int(value: Any) -> Any:
    return templated_int(value, 9)


def _port_problem(name: str, value: Any) -> str | None:
    value = _int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        return f"{name} must be a port 1..65535, got {_describe(value)}"
    return None


def poweradmin_plan(
    host: str,
    host_vars: Mapping[str, Any],
    galera_hosts: Sequence[str],
    on_host: Sequence[str] | None = None,
    planned: Sequence[str] = (),
) -> dict[str, Any]:
    """Check one Poweradmin host's variables; return the plan or raise PoweradminInputError.

    With ``on_host`` (the addresses read on the host) the listen addresses must be among them or
    among ``planned`` (the ones the collection adds, such as the site addresses).
    """
    v = host_vars
    problems: list[str] = []

    def get(name: str, default: Any = None) -> Any:
        return _text(v.get(name, default))

    galera_group = get("poweradmin_galera_group", "galera")
    if host not in list(galera_hosts):
        problems.append(
            f"{host} is in the poweradmin group but not a Galera writer (group "
            f"{galera_group!r} of poweradmin_galera_group): Poweradmin needs the local Galera node"
        )

    version = get("poweradmin_version")
    rollback = get("poweradmin_rollback_version")
    problem = _version_problem("poweradmin_version", version)
    if problem:
        problems.append(problem)
    if rollback is not None:
        problem = _version_problem("poweradmin_rollback_version", rollback)
        if problem:
            problems.append(problem)
        elif (
            isinstance(version, str)
            and VERSION_RE.match(version)
            and version_key(rollback) >= version_key(version)
        ):
            problems.append(
                f"poweradmin_rollback_version {rollback} must be older than"
                f" poweradmin_version {version}:"
                " a rollback returns to the release that ran before"
            )

    sha = get("poweradmin_archive_sha256")
    if sha is None or sha == "":
        problems.append(
            "poweradmin_archive_sha256 is required: the SHA-256 of the release archive"
            " (sha256sum poweradmin-<version>.tar.gz)"
        )
    elif not isinstance(sha, str) or not SHA256_RE.match(sha):
        length = len(sha) if isinstance(sha, str) else None
        problems.append(
            "poweradmin_archive_sha256 must be 64 hexadecimal digits (a SHA-256), got "
            + (f"{length} characters" if length is not None else _describe(sha))
        )

    url = get("poweradmin_archive_url")
    path = get("poweradmin_archive_path")
    if not url and not path:
        problems.append(
            "poweradmin_archive_url or poweradmin_archive_path is required: where the release"
            " archive of poweradmin_version comes from (its tag's archive URL, or a file on the"
            " controller)"
        )
    if url and path:
        problems.append(
            "poweradmin_archive_url and poweradmin_archive_path: set one of them, not both"
        )
    if url and (not isinstance(url, str) or not re.match(r"^https://\S+\Z", url)):
        problems.append(f"poweradmin_archive_url must be an https:// URL, got {_describe(url)}")
    if path and (not isinstance(path, str) or not path.startswith("/")):
        problems.append(
            "poweradmin_archive_path must be an absolute path on the controller,"
            f" got {_describe(path)}"
        )

    server_name = get("poweradmin_server_name")
    if not isinstance(server_name, str) or not SERVER_NAME_RE.match(server_name):
        problems.append(
            "poweradmin_server_name must be the DNS name users open (poweradmin.example.net),"
            f" got {_describe(server_name)}"
        )

    session_key = get("poweradmin_session_key")
    if not isinstance(session_key, str) or len(session_key) < SESSION_KEY_MIN:
        got = (
            f"{len(session_key)} characters"
            if isinstance(session_key, str)
            else _describe(session_key, 20)
        )
        problems.append(
            "poweradmin_session_key must be a random string of at least"
            f" {SESSION_KEY_MIN} characters from vault, got {got}"
        )

    min_length = _int(v.get("poweradmin_password_min_length", 12))
    if isinstance(min_length, bool) or not isinstance(min_length, int) or min_length < 8:
        problems.append(
            f"poweradmin_password_min_length must be an integer >= 8, got {_describe(min_length)}"
        )
        min_length = 12
    admin_user = get("poweradmin_admin_user", "admin")
    if not isinstance(admin_user, str) or not USER_RE.match(admin_user):
        problems.append(
            "poweradmin_admin_user must be 1-64 letters, digits or _ . @ -,"
            f" got {_describe(admin_user)}"
        )
    problems.extend(
        password_problems(
            "poweradmin_admin_password", v.get("poweradmin_admin_password"), min_length
        )
    )
    db_password = get("poweradmin_db_password")
    if not isinstance(db_password, str) or len(db_password) < 12:
        problems.append("poweradmin_db_password is required: at least 12 characters, from vault")

    for name in ("poweradmin_db_name", "poweradmin_pdns_db_name"):
        value = get(name)
        if not isinstance(value, str) or not DB_NAME_RE.match(value):
            problems.append(
                f"{name} must be a database name (letters, digits, _), got {_describe(value)}"
            )
    if get("poweradmin_db_name") == get("poweradmin_pdns_db_name"):
        problems.append(
            "poweradmin_db_name and poweradmin_pdns_db_name must differ: Poweradmin's tables"
            " (and the sessions) live beside PowerDNS', not in its database"
        )
    db_user = get("poweradmin_db_user")
    if not isinstance(db_user, str) or not re.match(r"^[A-Za-z0-9_]{1,32}\Z", db_user):
        problems.append(
            f"poweradmin_db_user must be 1-32 letters, digits or _, got {_describe(db_user)}"
        )

    store = get("poweradmin_session_store", "database")
    if store not in SESSION_STORES:
        problems.append(
            f"poweradmin_session_store must be one of {', '.join(SESSION_STORES)},"
            f" got {_describe(store)}"
        )
    lifetime = _int(v.get("poweradmin_session_lifetime", 1800))
    if (
        isinstance(lifetime, bool)
        or not isinstance(lifetime, int)
        or not 60 <= lifetime <= 86400 * 7
    ):
        problems.append(
            f"poweradmin_session_lifetime must be seconds 60..604800, got {_describe(lifetime)}"
        )

    cert = get("poweradmin_tls_certificate")
    key = get("poweradmin_tls_key")
    if key and not cert:
        problems.append(
            "poweradmin_tls_key is set without poweradmin_tls_certificate: give both, or neither"
            " for a self-signed pair"
        )
    if cert and not key:
        problems.append(
            "poweradmin_tls_certificate is set without poweradmin_tls_key: give both, or neither"
            " for a self-signed pair"
        )
    if cert and isinstance(cert, str) and "-----BEGIN CERTIFICATE-----" not in cert:
        problems.append(
            "poweradmin_tls_certificate must be PEM text (-----BEGIN CERTIFICATE-----...)"
        )
    if (
        key
        and isinstance(key, str)
        and not re.search(r"-----BEGIN (EC |RSA |ENCRYPTED )?PRIVATE KEY-----", key)
    ):
        problems.append(
            "poweradmin_tls_key must be a PEM private key (-----BEGIN PRIVATE KEY-----...),"
            " unencrypted"
        )

    ports = {}
    for name in ("poweradmin_https_port", "poweradmin_http_port"):
        value = v.get(name)
        problem = _port_problem(name, value)
        if problem:
            problems.append(problem)
        else:
            ports[name] = _int(value)
    if len(ports) == 2 and ports["poweradmin_https_port"] == ports["poweradmin_http_port"]:
        problems.append("poweradmin_https_port and poweradmin_http_port must differ")

    listen = v.get("poweradmin_listen_addresses")
    addresses: list[str] = []
    if listen is None or listen == []:
        contract = v.get("__poweradmin_site_address")
        if _ip(contract) is None:
            problems.append(
                f"poweradmin_listen_addresses of {host} is empty and the host has no contract"
                " address (powerdns_galera_address or bird2_site_prefixes): list the addresses"
                " nginx listens on"
            )
        else:
            addresses = [str(ipaddress.ip_address(contract))]
    elif isinstance(listen, (str, bytes)) or not isinstance(listen, Sequence):
        problems.append(
            f"poweradmin_listen_addresses must be a list of IP addresses, got {_describe(listen)}"
        )
    else:
        for pos, item in enumerate(listen):
            parsed = _ip(_text(item))
            if parsed is None:
                problems.append(
                    f"poweradmin_listen_addresses item {pos}: not an IP address: {_describe(item)}"
                )
            elif parsed.is_unspecified:
                problems.append(
                    f"poweradmin_listen_addresses item {pos}: {parsed} listens on every address;"
                    " list the addresses Poweradmin is served on"
                )
            elif str(parsed) in addresses:
                problems.append(f"poweradmin_listen_addresses item {pos}: {parsed} is listed twice")
            else:
                addresses.append(str(parsed))

    hostmaster, nameservers = dns_defaults(v, problems)

    if on_host is not None and addresses:
        problems.extend(listen_address_problems(addresses, on_host, planned))

    if problems:
        raise PoweradminInputError(problems)
    target = rollback or version
    return {
        "version": version,
        "target_version": target,
        "rollback": rollback is not None,
        "series": ".".join(target.split(".")[:2]),
        "listen_addresses": addresses,
        "self_signed": not cert,
        "session_store": store,
        "server_name": server_name,
        "hostmaster": hostmaster,
        "nameservers": nameservers,
    }


def dns_defaults(v: Mapping[str, Any], problems: list[str]) -> tuple[str | None, list[str]]:
    """Poweradmin's defaults for new zones: the inventory's, else from the DNS core's first zone.

    ``poweradmin_dns_hostmaster`` / ``poweradmin_dns_nameservers`` when set; else
    ``hostmaster.<zone>`` and the first zone's ``nameservers`` of ``powerdns_galera_zones``
    (relative names taken in that zone, as in a zone file), without the trailing dot, at most 4.
    """
    hostmaster = _text(v.get("poweradmin_dns_hostmaster"))
    nameservers = v.get("poweradmin_dns_nameservers") or []
    if hostmaster is not None and (
        not isinstance(hostmaster, str) or not SERVER_NAME_RE.match(hostmaster)
    ):
        problems.append(
            "poweradmin_dns_hostmaster must be a DNS name (hostmaster.example.net), got "
            + _describe(hostmaster)
        )
        hostmaster = None
    if isinstance(nameservers, (str, bytes)) or not isinstance(nameservers, Sequence):
        problems.append(
            f"poweradmin_dns_nameservers must be a list of names, got {_describe(nameservers)}"
        )
        nameservers = []
    names = [str(_text(n)).rstrip(".") for n in nameservers]
    for pos, name in enumerate(names):
        if not SERVER_NAME_RE.match(name):
            problems.append(f"poweradmin_dns_nameservers item {pos}: not a DNS name: {name!r}")
    if len(names) > 4:
        problems.append(
            f"poweradmin_dns_nameservers: Poweradmin takes at most 4 name servers, got {len(names)}"
        )
    zones = v.get("powerdns_galera_zones") or []
    first = (
        zones[0]
        if isinstance(zones, Sequence) and zones and isinstance(zones[0], Mapping)
        else None
    )
    if first is not None and (hostmaster is None or not names):
        try:
            zone = zone_name(first.get("name"))
            if hostmaster is None:
                hostmaster = "hostmaster." + zone.rstrip(".")
            if not names:
                names = [
                    canonical_name(n, zone, "nameserver").rstrip(".")
                    for n in first.get("nameservers") or []
                ][:4]
        except (TypeError, ValueError):
            pass  # the DNS core's own check names the zone's problem
    return hostmaster, names


def listen_address_problems(
    listen: Sequence[str], on_host: Sequence[str], planned: Sequence[str]
) -> list[str]:
    """Listen addresses that are neither on the host now nor put there by the collection."""
    known = {
        str(ipaddress.ip_address(a)) for a in list(on_host) + list(planned) if _ip(a) is not None
    }
    return [
        f"poweradmin_listen_addresses: {address} is not an address of this host (found"
        f" {', '.join(sorted(known)) or 'none'}); nginx could not listen on it"
        for address in listen
        if str(ipaddress.ip_address(address)) not in known
    ]


def update_scripts(names: Sequence[str]) -> list[tuple[str, str]]:
    """``[(version, file name)]`` of the MySQL update scripts among ``names``, in version order."""
    found = []
    for name in names:
        match = UPDATE_SCRIPT_RE.match(name.rsplit("/", 1)[-1])
        if match:
            found.append((match.group(1), match.group(0)))
    return sorted(found, key=lambda item: version_key(item[0]))


def schema_plan(
    probes: Mapping[str, Mapping[str, Any]],
    order: Sequence[str],
    scripts: Sequence[str],
    target: str,
    baseline: str | None = None,
) -> dict[str, Any]:
    """What the SQL step does, decided once from every writer's view of the database.

    ``probes``: per host ``{synced: bool, tables: [Poweradmin's tables present],
    history: [{script, version, how}]}`` (history: the role's record, empty when none);
    ``order``: the hosts in group order; ``scripts``: the file names in the release's sql/;
    ``target``: the release's version; ``baseline``: the version an existing schema that the
    role never recorded is at (``poweradmin_schema_baseline``).

    Returns ``{anchor, load_structure, apply: [{script, version, how}], record: [{script, version,
    how}], summary}`` or raises PoweradminInputError when the schema cannot be placed safely.
    """
    synced = [h for h in order if probes.get(h, {}).get("synced")]
    if not synced:
        raise PoweradminInputError(
            [
                "no Poweradmin host reports a Synced Galera node (wsrep_local_state 4):"
                " the schema step needs one"
            ]
        )
    anchor = synced[0]
    probe = probes[anchor]
    tables = set(probe.get("tables") or [])
    history = list(probe.get("history") or [])
    target_key = version_key(target)
    wanted = [
        (ver, name) for ver, name in update_scripts(scripts) if version_key(ver) <= target_key
    ]
    if STRUCTURE_SCRIPT not in [s.rsplit("/", 1)[-1] for s in scripts]:
        raise PoweradminInputError(
            [
                f"the release {target} has no sql/{STRUCTURE_SCRIPT}:"
                " not a Poweradmin release archive"
            ]
        )

    done = {entry["script"] for entry in history}
    if not history:
        if "users" in tables:
            if baseline is None:
                raise PoweradminInputError(
                    [
                        "the Poweradmin database already holds Poweradmin's tables that this role"
                        " did not create; set poweradmin_schema_baseline to the version they are at"
                        " (for example 4.3.0) so the role applies only the later update scripts"
                    ]
                )
            base = version_key(baseline)
            record = [
                {"script": name, "version": ver, "how": HOW_STRUCTURE}
                for ver, name in wanted
                if version_key(ver) <= base
            ]
            apply = [_to_apply(ver, name) for ver, name in wanted if version_key(ver) > base]
            return _schema_result(anchor, False, apply, record)
        if tables:
            raise PoweradminInputError(
                [
                    "the Poweradmin database holds some tables ("
                    + ", ".join(sorted(tables))
                    + ") but no users table and no record of this role: refusing to load the"
                    " structure over them; inspect the database"
                ]
            )
        record = [{"script": STRUCTURE_SCRIPT, "version": target, "how": HOW_STRUCTURE}] + [
            {"script": name, "version": ver, "how": HOW_STRUCTURE} for ver, name in wanted
        ]
        return _schema_result(anchor, True, [], record)

    newest = max(
        (
            entry.get("version", "0.0.0")
            for entry in history
            if VERSION_RE.match(str(entry.get("version", "")))
        ),
        key=version_key,
        default=None,
    )
    if newest is not None and version_key(newest) > target_key:
        raise PoweradminInputError(
            [
                f"poweradmin_version {target} is older than the schema, which a {newest} release"
                " set up: to run an older release again set poweradmin_rollback_version (and keep"
                f" poweradmin_version at {newest}); no SQL runs backwards"
            ]
        )
    apply = [_to_apply(ver, name) for ver, name in wanted if name not in done]
    return _schema_result(anchor, False, apply, [])


def _to_apply(version: str, script: str) -> dict[str, str]:
    """An update script to run, as the role records it once it ran."""
    return {"script": script, "version": version, "how": HOW_APPLIED}


def _schema_result(
    anchor: str, load: bool, apply: list[dict[str, Any]], record: list[dict[str, Any]]
) -> dict[str, Any]:
    parts = []
    if load:
        parts.append("load the structure")
    if apply:
        parts.append("apply " + ", ".join(a["script"] for a in apply))
    return {
        "anchor": anchor,
        "load_structure": load,
        "apply": apply,
        "record": record,
        "summary": f"{anchor}: " + ("; ".join(parts) if parts else "nothing to apply"),
    }
