"""ADS-B receivers and feeders: inputs checked and planned for roles/adsb_feeders.

Pure functions: no Ansible imports, no I/O.

``adsb_plan`` checks one host's variables (every problem at once, each naming the variable as the
user wrote it) and returns what the role writes: the decoder's settings (dump1090-mutability's
``/etc/default`` keys and the argument list of the role's unit, both from the same values), the
Beast-push feeders, the vendor feeders with their APT repositories, the exporter, and the ports
the host opens. ``bind_address_problems`` compares the addresses services bind to with the ones
read on the host.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._addr import parse_address as _address
from ._openpgp import primary_fingerprint
from ._values import describe as _describe
from ._values import templated_int, unvault

# The gains (dB) an R820T/R820T2 tuner accepts, the tuner of nearly every RTL-SDR dongle sold for
# ADS-B; librtlsdr silently rounds any other number to the nearest of these, so a typo would go
# unnoticed. "max" is the package default (the highest gain), "auto" the tuner's AGC.
R820T_GAINS = (
    0.0,
    0.9,
    1.4,
    2.7,
    3.7,
    7.7,
    8.7,
    12.5,
    14.4,
    15.7,
    16.6,
    19.7,
    20.7,
    22.9,
    25.4,
    28.0,
    29.7,
    32.8,
    33.8,
    36.4,
    37.2,
    38.6,
    40.2,
    42.1,
    43.4,
    43.9,
    44.5,
    48.0,
    49.6,
)
GAIN_WORDS = ("max", "auto")

# dump1090-mutability's network ports (Debian's defaults); 0 disables the ones that may be off.
PORTS = {
    "raw_input": 30001,
    "raw_output": 30002,
    "sbs_output": 30003,
    "beast_input": 30104,
    "beast_output": 30005,
}
PORTS_THAT_MAY_BE_OFF = ("raw_input", "raw_output", "sbs_output")

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)
HOST_RE = re.compile(
    r"^(?=.{1,253}\Z)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z"
)
FR24_KEY_RE = re.compile(r"^[0-9a-fA-F]{16}\Z")
FINGERPRINT_RE = re.compile(r"^[0-9A-F]{40}\Z")
SUITE_RE = re.compile(r"^[A-Za-z0-9._/-]{1,64}\Z")
USERNAME_RE = re.compile(r"^[A-Za-z0-9._@-]{1,64}\Z")
DEVICE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}\Z")
SITE_NAME_RE = re.compile(r"^[^\"'\\\n<>]{1,64}\Z")

# The feeders the role knows. ``beast``: the role's own Beast-push feeder (Python, stdlib only)
# sends the decoder's Beast output to the aggregator; ``vendor``: the vendor's package from its
# signed APT repository, configured to read our decoder. ``secrets`` never reach a log or diff.
FEEDERS: dict[str, dict[str, Any]] = {
    "adsbexchange": {
        "kind": "beast",
        "title": "ADS-B Exchange",
        "host": "feed1.adsbexchange.com",
        "port": 30004,
        "required": ("uuid",),
        "optional": (),
        "secrets": ("uuid",),
    },
    "adsbfi": {
        "kind": "beast",
        "title": "adsb.fi",
        "host": "feed.adsb.fi",
        "port": 30004,
        "required": ("uuid",),
        "optional": (),
        "secrets": ("uuid",),
    },
    "flightaware": {
        "kind": "vendor",
        "title": "FlightAware (piaware)",
        "package": "piaware",
        "service": "piaware.service",
        # piaware's adept-serverhosts / adept-serverport.
        "host": "piaware.flightaware.com",
        "port": 1200,
        "required": ("feeder_id",),
        # flightaware-apt-repository's source and the fingerprint of its keyring (FlightAware
        # Developers, rsa4096, 2014); the key itself comes from the inventory. No amd64 packages.
        "repository": {
            "url": "http://flightaware.com/adsb/piaware/files/packages",
            "suite": "bookworm",
            "components": ["piaware"],
            "architectures": ["armhf", "arm64"],
            "key_fingerprint": "4E49CAF6B9F2BF8FC240E4BAB931BB28DE85F0DD",
        },
        "optional": (),
        "secrets": ("feeder_id",),
    },
    "flightradar24": {
        "kind": "vendor",
        "title": "Flightradar24 (fr24feed)",
        "package": "fr24feed",
        "service": "fr24feed.service",
        # fr24feed documents no setting for its servers: no host/port here.
        "required": ("sharing_key",),
        # FR24's install script: component raspberrypi-stable on ARM, linux-stable on x86.
        "repository": {
            "url": "https://repo-feed.flightradar24.com",
            "suite": "flightradar24",
            "components": ["raspberrypi-stable"],
            "architectures": ["armhf", "arm64"],
        },
        "optional": (),
        "secrets": ("sharing_key",),
        # fr24feed's status page; it binds every address.
        "listens": ({"service": "fr24feed status page", "port": 8754},),
    },
    "opensky": {
        "kind": "vendor",
        "title": "OpenSky Network (opensky-feeder)",
        "package": "opensky-feeder",
        "service": "opensky-feeder.service",
        # The collector (collector.opensky-network.org:10004) is not a setting of the feeder.
        "required": ("username", "serial"),
        "optional": (),
        "secrets": ("serial",),
    },
}
COMMON_FEEDER_KEYS = ("enabled",)
ENDPOINT_KEYS = ("host", "port")
VENDOR_FEEDER_KEYS = ("install", "repository")
REPOSITORY_KEYS = ("url", "suite", "components", "architectures", "key", "key_fingerprint")
EXPORTER_RUNTIME_DIR = "/run/dump1090-mutability"


class AdsbInputError(ValueError):
    """Every problem found in one host's ADS-B inputs."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def _text(value: Any) -> Any:
    value = unvault(value)
    return str(value) if isinstance(value, str) else value


def _int(value: Any) -> Any:
    return templated_int(value, 12, signed=True)


def _number(value: Any) -> float | None:
    value = _int(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _bool_problem(name: str, value: Any) -> str | None:
    if not isinstance(value, bool):
        return f"{name} must be true or false, got {_describe(value)}"
    return None


def _port_problem(name: str, value: Any, may_be_off: bool = False) -> str | None:
    value = _int(value)
    low = 0 if may_be_off else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 65535:
        off = " (0 turns it off)" if may_be_off else ""
        return f"{name} must be a port {low}..65535{off}, got {_describe(value)}"
    return None


def _host_problem(name: str, value: Any) -> str | None:
    value = _text(value)
    if isinstance(value, str) and (_address(value) is not None or HOST_RE.match(value)):
        return None
    return f"{name} must be a host name or an IP address, got {_describe(value)}"


def _gain(value: Any) -> tuple[str | None, str | None]:
    """(the GAIN value of /etc/default, problem)."""
    value = _text(value)
    if isinstance(value, str) and value in GAIN_WORDS:
        return ("max" if value == "max" else "agc"), None
    number = _number(value)
    if number is not None and any(abs(number - g) < 1e-9 for g in R820T_GAINS):
        return f"{number:.1f}", None
    return None, (
        f"adsb_feeders_gain must be max, auto or one of the R820T tuner's gains "
        f"({', '.join(f'{g:.1f}' for g in R820T_GAINS)}), got {_describe(value)}"
    )


def _coordinate(name: str, value: Any, limit: float, problems: list[str]) -> float | None:
    number = _number(value)
    if number is None or not -limit <= number <= limit:
        problems.append(
            f"{name} must be a number from {-limit:g} to {limit:g} (degrees), got "
            f"{_describe(value)}"
        )
        return None
    return number


def _bounded_int(
    v: Mapping[str, Any],
    name: str,
    default: int,
    low: int,
    high: int,
    unit: str,
    problems: list[str],
) -> Any:
    value = _int(v.get(name, default))
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(
            f"{name} must be an integer from {low} to {high}{unit}, got {_describe(value)}"
        )
    return value


def _position(v: Mapping[str, Any], problems: list[str]) -> tuple[Any, Any, Any]:
    """Latitude, longitude and altitude of the station (the map, range filtering, OpenSky)."""
    return (
        _coordinate("adsb_feeders_latitude", v.get("adsb_feeders_latitude"), 90, problems),
        _coordinate("adsb_feeders_longitude", v.get("adsb_feeders_longitude"), 180, problems),
        _bounded_int(v, "adsb_feeders_altitude_m", 0, -500, 10000, " (metres)", problems),
    )


def _listener(service: str, port: Any, var: str, allow: Any) -> dict[str, Any]:
    return {"service": service, "proto": "tcp", "port": port, "var": var, "allow": allow}


def _address_on_host(address: str, on_host: Sequence[str]) -> bool:
    parsed = _address(address)
    if parsed is None:
        return False
    if parsed.is_unspecified or parsed.is_loopback:
        return True
    return any(_address(a) == parsed for a in on_host)


def host_problems(plan: Mapping[str, Any], on_host: Sequence[str], architecture: str) -> list[str]:
    """What the host must have: every bind address (or the wildcard, or loopback), and for each
    vendor feeder installed from its repository, an architecture the vendor builds for."""
    problems = [
        f"{b['var']} {b['address']} is not an address of this host (it has "
        f"{', '.join(on_host) or 'none'})"
        for b in plan["binds"]
        if not _address_on_host(b["address"], on_host)
    ]
    for feeder in plan["vendor_feeders"]:
        repository = feeder.get("repository") or {}
        wanted = repository.get("architectures") or []
        if feeder["install"] and wanted and architecture not in wanted:
            var = f"adsb_feeders_feeders.{feeder['name']}"
            problems.append(
                f"{var}: the vendor's repository has {feeder['package']} for {', '.join(wanted)} "
                "only, not for "
                f"this host's {architecture} ({var}.repository.architectures). Install the "
                "package another way "
                f"and set {var}.install: false (the role then only configures it), or point the "
                "repository at "
                f"one that builds for {architecture}"
            )
    return problems


def _repository(name: str, raw: Any, problems: list[str]) -> dict[str, Any] | None:
    """A vendor's signed APT repository: deb822 fields and the key pinned by its fingerprint."""
    var = f"adsb_feeders_feeders.{name}.repository"
    if not isinstance(raw, Mapping):
        problems.append(
            f"{var} is required for an installed vendor feeder: a mapping with url, suite, "
            "components, "
            f"key (the armored public key) and key_fingerprint, got {_describe(raw)}"
        )
        return None
    unknown = sorted(set(map(str, raw)) - set(REPOSITORY_KEYS))
    if unknown:
        problems.append(f"{var} has unknown keys {unknown} (known: {', '.join(REPOSITORY_KEYS)})")
    url = _text(raw.get("url"))
    if not isinstance(url, str) or not re.match(r"^(https?|file)://[^\s]+\Z", url):
        problems.append(f"{var}.url must be an http(s):// or file:// URL, got {_describe(url)}")
    suite = _text(raw.get("suite"))
    if not isinstance(suite, str) or not SUITE_RE.match(suite):
        problems.append(
            f"{var}.suite must be the repository's suite (e.g. bookworm), got {_describe(suite)}"
        )
    components = raw.get("components")
    if (
        isinstance(components, (str, bytes))
        or not isinstance(components, Sequence)
        or not components
        or not all(isinstance(c, str) and SUITE_RE.match(c) for c in components)
    ):
        problems.append(
            f"{var}.components must be a non-empty list of components, got {_describe(components)}"
        )
    architectures = raw.get("architectures", [])
    if (
        isinstance(architectures, (str, bytes))
        or not isinstance(architectures, Sequence)
        or not all(isinstance(a, str) and re.match(r"^[a-z0-9]+\Z", a) for a in architectures)
    ):
        problems.append(
            f"{var}.architectures must be a list of Debian architectures, got "
            f"{_describe(architectures)}"
        )
    pinned = _text(raw.get("key_fingerprint"))
    pinned_norm = pinned.replace(" ", "").upper() if isinstance(pinned, str) else None
    if pinned_norm is None or not FINGERPRINT_RE.match(pinned_norm):
        problems.append(
            f"{var}.key_fingerprint must be the 40 hex digits of the repository key's fingerprint, "
            f"got {_describe(pinned)}"
        )
    key = _text(raw.get("key"))
    actual = None
    if not isinstance(key, str) or "BEGIN PGP PUBLIC KEY BLOCK" not in key:
        problems.append(
            f"{var}.key must be the repository's ASCII-armored public key, got {_describe(key, 40)}"
        )
    else:
        try:
            actual = primary_fingerprint(key)
        except ValueError as exc:
            problems.append(f"{var}.key cannot be read: {exc}")
    if actual and pinned_norm and FINGERPRINT_RE.match(pinned_norm) and actual != pinned_norm:
        problems.append(
            f"{var}.key has the fingerprint {actual}, not the pinned key_fingerprint {pinned_norm}"
        )
    return {
        "url": url,
        "suite": suite,
        "components": list(components) if isinstance(components, Sequence) else [],
        "architectures": list(architectures) if isinstance(architectures, Sequence) else [],
        "key": key if isinstance(key, str) else "",
        "key_fingerprint": pinned_norm,
        "keyring": f"/etc/apt/keyrings/hobbynet-{name}.asc",
        "sources": f"/etc/apt/sources.list.d/hobbynet-{name}.sources",
    }


def _feeder(name: str, raw: Any, problems: list[str]) -> dict[str, Any] | None:
    var = f"adsb_feeders_feeders.{name}"
    if name not in FEEDERS:
        problems.append(f"{var}: unknown feeder {name!r} (known: {', '.join(sorted(FEEDERS))})")
        return None
    spec = FEEDERS[name]
    if not isinstance(raw, Mapping):
        problems.append(
            f"{var} must be a mapping (enabled, the credentials, host, port), got {_describe(raw)}"
        )
        return None
    known = set(COMMON_FEEDER_KEYS) | set(spec["required"]) | set(spec["optional"])
    if "host" in spec:
        known |= set(ENDPOINT_KEYS)
    if spec["kind"] == "vendor":
        known |= set(VENDOR_FEEDER_KEYS)
    unknown = sorted(set(map(str, raw)) - known)
    if unknown:
        problems.append(f"{var} has unknown keys {unknown} (known: {', '.join(sorted(known))})")
    enabled = raw.get("enabled", False)
    problem = _bool_problem(f"{var}.enabled", enabled)
    if problem:
        problems.append(problem)
        return None
    if not enabled:
        return None
    feeder: dict[str, Any] = {"name": name, "kind": spec["kind"], "title": spec["title"]}
    if "host" in spec:
        host = _text(raw.get("host", spec["host"]))
        problem = _host_problem(f"{var}.host", host)
        if problem:
            problems.append(problem)
        port = _int(raw.get("port", spec["port"]))
        problem = _port_problem(f"{var}.port", port)
        if problem:
            problems.append(problem)
        feeder.update(host=host, port=port)
    for key in spec["required"]:
        value = _text(raw.get(key))
        if value is None or value == "":
            problems.append(
                f"{var}.{key} is required when {var}.enabled is true ({spec['title']}'s key, "
                "from vault)"
            )
            continue
        problem = _credential_problem(f"{var}.{key}", key, value)
        if problem:
            problems.append(problem)
        # The plan is shown with -v: secrets stay in the inventory, the tasks that write them
        # read them from there under no_log.
        if key not in spec["secrets"]:
            feeder[key] = value
    feeder["secrets"] = list(spec["secrets"])
    if spec["kind"] == "beast":
        feeder["unit"] = f"adsb-feeder-{name}.service"
        feeder["env_file"] = f"/etc/hobbynet/adsb/feeder-{name}.env"
    else:
        feeder["package"] = spec["package"]
        feeder["service"] = spec["service"]
        install = raw.get("install", True)
        problem = _bool_problem(f"{var}.install", install)
        if problem:
            problems.append(problem)
        feeder["install"] = install is True
        # Installed: from the vendor's repository (required). Not installed (the package comes
        # another way, e.g. built for an architecture the vendor lacks): the repository is optional.
        repository = raw.get("repository")
        if install is True or repository is not None:
            merged = dict(spec.get("repository", {}))
            if isinstance(repository, Mapping):
                merged.update(repository)
            feeder["repository"] = _repository(
                name, merged if isinstance(repository, Mapping) else repository, problems
            )
        else:
            feeder["repository"] = None
    feeder["listens"] = [dict(item) for item in spec.get("listens", ())]
    return feeder


def _credential_problem(var: str, key: str, value: Any) -> str | None:
    # Formats only: a message names the variable and the expected form, never the value.
    if key in ("uuid", "feeder_id"):
        if not isinstance(value, str) or not UUID_RE.match(value):
            return f"{var} must be a UUID (8-4-4-4-12 hex digits)"
    elif key == "sharing_key":
        if not isinstance(value, str) or not FR24_KEY_RE.match(value):
            return f"{var} must be Flightradar24's sharing key (16 hex digits)"
    elif key == "serial":
        number = _int(value)
        if (
            isinstance(number, bool)
            or not isinstance(number, int)
            or not -(2**31) <= number < 2**31
        ):
            return f"{var} must be the OpenSky serial number (a 32-bit integer)"
    elif key == "username" and (not isinstance(value, str) or not USERNAME_RE.match(value)):
        return f"{var} must be an OpenSky user name (letters, digits, . _ @ -)"
    return None


def _exporter_package_problems(raw: Any) -> list[str]:
    var = "adsb_feeders_exporter_packages"
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence) or not raw:
        return [
            f"{var} must be a non-empty list of {{name, version, file, sha256}}, got "
            f"{_describe(raw)}"
        ]
    problems = []
    for index, item in enumerate(raw):
        where = f"{var}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(
                f"{where} must be a mapping with name, version, file and sha256, got "
                f"{_describe(item)}"
            )
            continue
        for key in ("name", "version", "file"):
            value = item.get(key)
            if not isinstance(value, str) or not re.match(
                r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}\Z", value
            ):
                problems.append(
                    f"{where}.{key} must be a plain name (letters, digits, . _ + -), got "
                    f"{_describe(value)}"
                )
        sha = item.get("sha256")
        if not isinstance(sha, str) or not re.match(r"^[0-9a-f]{64}\Z", sha):
            problems.append(
                f"{where}.sha256 must be 64 lower-case hexadecimal digits, got {_describe(sha)}"
            )
    if isinstance(raw[0], Mapping) and raw[0].get("name") != "dump1090exporter":
        problems.append(f"{var}[0] must be dump1090exporter itself (its version names the venv)")
    return problems


def adsb_plan(host: str, v: Mapping[str, Any]) -> dict[str, Any]:
    """Check one host's ``adsb_feeders_*`` variables and plan what the role writes."""
    problems: list[str] = []

    receiver = v.get("adsb_feeders_receiver", True)
    for name in (
        "adsb_feeders_receiver",
        "adsb_feeders_dongle",
        "adsb_feeders_map_enabled",
        "adsb_feeders_exporter_enabled",
        "adsb_feeders_blacklist_dvb",
    ):
        problem = _bool_problem(name, v.get(name, True))
        if problem:
            problems.append(problem)
    receiver = receiver is True
    dongle = receiver and v.get("adsb_feeders_dongle", True) is True

    # --- the decoder
    ports_raw = v.get("adsb_feeders_ports") or {}
    ports: dict[str, Any] = dict(PORTS)
    if not isinstance(ports_raw, Mapping):
        problems.append(
            f"adsb_feeders_ports must be a mapping of {', '.join(PORTS)} to ports, got "
            f"{_describe(ports_raw)}"
        )
        ports_raw = {}
    unknown = sorted(set(map(str, ports_raw)) - set(PORTS))
    if unknown:
        problems.append(
            f"adsb_feeders_ports has unknown keys {unknown} (known: {', '.join(PORTS)})"
        )
    for key in PORTS:
        if key in ports_raw:
            ports[key] = _int(ports_raw[key])
        problem = _port_problem(
            f"adsb_feeders_ports.{key}", ports[key], key in PORTS_THAT_MAY_BE_OFF
        )
        if problem:
            problems.append(problem)

    bind_address = _text(v.get("adsb_feeders_bind_address", "127.0.0.1"))
    if _address(bind_address) is None:
        problems.append(
            f"adsb_feeders_bind_address must be an IP address, got {_describe(bind_address)}"
        )
    latitude = longitude = None
    altitude: Any = 0
    gain = None
    decoder: dict[str, Any] | None = None
    binds: list[dict[str, str]] = []
    if receiver:
        latitude, longitude, altitude = _position(v, problems)
        gain, problem = _gain(v.get("adsb_feeders_gain", "max"))
        if problem and dongle:
            problems.append(problem)
        ppm = _bounded_int(v, "adsb_feeders_ppm", 0, -500, 500, "", problems)
        device = _text(v.get("adsb_feeders_device", "0"))
        device = str(device) if isinstance(device, int) and not isinstance(device, bool) else device
        if not isinstance(device, str) or not DEVICE_RE.match(device) or device == "none":
            problems.append(
                "adsb_feeders_device must be the dongle's index or serial (set "
                "adsb_feeders_dongle: false "
                f"for a receiver without one), got {_describe(device)}"
            )
        max_range = _bounded_int(
            v, "adsb_feeders_max_range_nm", 300, 1, 1000, " (nautical miles)", problems
        )
        site_name = _text(v.get("adsb_feeders_site_name", host))
        if not isinstance(site_name, str) or not SITE_NAME_RE.match(site_name):
            problems.append(
                f"adsb_feeders_site_name must be 1..64 characters without quotes, backslash or <>, "
                f"got {_describe(site_name)}"
            )
        binds.append({"var": "adsb_feeders_bind_address", "address": str(bind_address)})
        decoder = {
            "net_only": not dongle,
            "device": "none" if not dongle else device,
            "gain": gain if dongle else "max",
            "ppm": ppm,
            "latitude": latitude,
            "longitude": longitude,
            "altitude_m": altitude,
            "site_name": site_name,
            "max_range_nm": max_range,
            "bind_address": bind_address,
            "ports": ports,
            "json_dir": EXPORTER_RUNTIME_DIR,
        }

    # Where the feeders read Beast: the local decoder, or the one named by the inventory.
    decoder_host = _text(v.get("adsb_feeders_decoder_host") or "")
    if decoder_host == "":
        if receiver:
            parsed = _address(bind_address)
            decoder_host = (
                "127.0.0.1" if parsed is None or parsed.is_unspecified else str(bind_address)
            )
        else:
            decoder_host = None
    elif (problem := _host_problem("adsb_feeders_decoder_host", decoder_host)) is not None:
        problems.append(problem)

    # --- feeders
    feeders_raw = v.get("adsb_feeders_feeders") or {}
    feeders: list[dict[str, Any]] = []
    if not isinstance(feeders_raw, Mapping):
        problems.append(
            "adsb_feeders_feeders must be a mapping of feeder name "
            f"({', '.join(sorted(FEEDERS))}) to its "
            f"settings, got {_describe(feeders_raw)}"
        )
        feeders_raw = {}
    for name in sorted(map(str, feeders_raw)):
        feeder = _feeder(name, feeders_raw[name], problems)
        if feeder is not None:
            feeders.append(feeder)
    # OpenSky's feeder reports the station's position too, wherever it runs.
    if not receiver and any(f["name"] == "opensky" for f in feeders):
        latitude, longitude, altitude = _position(v, problems)
    if feeders and decoder_host is None:
        problems.append(
            "adsb_feeders_decoder_host is required when adsb_feeders_receiver is false and a "
            "feeder is enabled "
            "(the host whose dump1090 the feeders read)"
        )

    # --- the map and the exporter
    listeners: list[dict[str, Any]] = []
    map_enabled = receiver and v.get("adsb_feeders_map_enabled", True) is True
    exporter_enabled = receiver and v.get("adsb_feeders_exporter_enabled", True) is True
    web: dict[str, Any] = {}
    for part, enabled, default_port in (
        ("map", map_enabled, 8080),
        ("exporter", exporter_enabled, 9105),
    ):
        address = _text(v.get(f"adsb_feeders_{part}_address", "0.0.0.0"))
        port = _int(v.get(f"adsb_feeders_{part}_port", default_port))
        if not enabled:
            continue
        if _address(address) is None:
            problems.append(
                f"adsb_feeders_{part}_address must be an IP address, got {_describe(address)}"
            )
        else:
            binds.append({"var": f"adsb_feeders_{part}_address", "address": str(address)})
        problem = _port_problem(f"adsb_feeders_{part}_port", port)
        if problem:
            problems.append(problem)
        web[part] = {"address": address, "port": port}

    decoder_allow = v.get("adsb_feeders_decoder_allow_from")
    web_allow = v.get("adsb_feeders_allow_from")
    if decoder is not None:
        listeners += [
            _listener(
                f"dump1090 {key.replace('_', ' ')}",
                ports[key],
                f"adsb_feeders_ports.{key}",
                decoder_allow,
            )
            for key in PORTS
            if ports[key]
        ]
    for part, service in (("map", "ADS-B map (nginx)"), ("exporter", "dump1090exporter")):
        if part in web:
            listeners.append(
                _listener(service, web[part]["port"], f"adsb_feeders_{part}_port", web_allow)
            )
    for feeder in feeders:
        for item in feeder["listens"]:
            listeners.append(
                _listener(
                    item["service"],
                    item["port"],
                    f"adsb_feeders_feeders.{feeder['name']}",
                    web_allow,
                )
            )

    if exporter_enabled:
        problems.extend(_exporter_package_problems(v.get("adsb_feeders_exporter_packages")))

    # Two services of this role on one port: named by both variables.
    seen: dict[int, str] = {}
    for item in listeners:
        port = item["port"]
        if not isinstance(port, int) or isinstance(port, bool):
            continue
        if port in seen:
            problems.append(
                f"{item['var']} and {seen[port]} are both port {port} on {host}: give each "
                "service its own port"
            )
        else:
            seen[port] = item["var"]

    if problems:
        raise AdsbInputError(problems)

    beast_port = ports["beast_output"]
    for feeder in feeders:
        feeder["decoder_host"] = decoder_host
        feeder["decoder_port"] = beast_port
        feeder["mlat_results_port"] = ports["beast_input"]
    return {
        "receiver": receiver,
        "decoder": decoder,
        "default_file": default_file(decoder) if decoder else None,
        "argv": decoder_argv(decoder) if decoder else None,
        "decoder_host": decoder_host,
        "decoder_beast_port": beast_port,
        "beast_feeders": [f for f in feeders if f["kind"] == "beast"],
        "vendor_feeders": [f for f in feeders if f["kind"] == "vendor"],
        "map": web.get("map"),
        "exporter": web.get("exporter"),
        "listeners": listeners,
        "binds": binds,
        "position": None
        if latitude is None
        else {"latitude": latitude, "longitude": longitude, "altitude_m": altitude},
    }


def default_file(decoder: Mapping[str, Any]) -> list[list[str]]:
    """The keys of ``/etc/default/dump1090-mutability`` (the package's documented interface)."""
    ports = decoder["ports"]
    return [
        ["START_DUMP1090", "yes"],
        ["DUMP1090_USER", "dump1090"],
        ["LOGFILE", "/dev/null"],
        ["DEVICE", decoder["device"]],
        ["GAIN", decoder["gain"]],
        ["PPM", str(decoder["ppm"])],
        ["FIX_CRC", "yes"],
        ["LAT", f"{decoder['latitude']:.5f}"],
        ["LON", f"{decoder['longitude']:.5f}"],
        ["MAX_RANGE", str(decoder["max_range_nm"])],
        ["RAW_INPUT_PORT", str(ports["raw_input"])],
        ["RAW_OUTPUT_PORT", str(ports["raw_output"])],
        ["SBS_OUTPUT_PORT", str(ports["sbs_output"])],
        ["BEAST_INPUT_PORT", str(ports["beast_input"])],
        ["BEAST_OUTPUT_PORT", str(ports["beast_output"])],
        ["NET_HEARTBEAT", "60"],
        ["NET_OUTPUT_SIZE", "500"],
        ["NET_OUTPUT_INTERVAL", "1"],
        ["NET_BUFFER", "262144"],
        ["NET_BIND_ADDRESS", str(decoder["bind_address"])],
        ["STATS_INTERVAL", "3600"],
        ["JSON_DIR", decoder["json_dir"]],
        ["JSON_INTERVAL", "1"],
        ["JSON_LOCATION_ACCURACY", "approximate"],
        ["LOG_DECODED_MESSAGES", "no"],
        ["EXTRA_ARGS", ""],
    ]


def decoder_argv(decoder: Mapping[str, Any]) -> list[str]:
    """The arguments the package's init script derives from the same keys (its rules, in Python).

    The role runs dump1090 under its own systemd unit (restart on failure, journald, sandboxing)
    instead of the package's SysV script; the two must start the same decoder.
    """
    keys = dict(default_file(decoder))
    argv = ["/usr/bin/dump1090-mutability"]
    if keys["DEVICE"] == "none":
        argv.append("--net-only")
    else:
        argv += ["--net", "--device-index", keys["DEVICE"]]
        if keys["GAIN"] == "agc":
            argv += ["--gain", "-10"]
        elif keys["GAIN"] != "max":
            argv += ["--gain", keys["GAIN"]]
    argv += ["--ppm", keys["PPM"], "--fix", "--lat", keys["LAT"], "--lon", keys["LON"]]
    argv += ["--max-range", keys["MAX_RANGE"]]
    argv += ["--net-ri-port", keys["RAW_INPUT_PORT"], "--net-ro-port", keys["RAW_OUTPUT_PORT"]]
    argv += ["--net-bi-port", keys["BEAST_INPUT_PORT"], "--net-bo-port", keys["BEAST_OUTPUT_PORT"]]
    argv += ["--net-sbs-port", keys["SBS_OUTPUT_PORT"]]
    argv += ["--net-heartbeat", keys["NET_HEARTBEAT"], "--net-ro-size", keys["NET_OUTPUT_SIZE"]]
    argv += ["--net-ro-interval", keys["NET_OUTPUT_INTERVAL"], "--net-buffer", "2"]
    argv += [
        "--net-bind-address",
        keys["NET_BIND_ADDRESS"],
        "--stats-every",
        keys["STATS_INTERVAL"],
    ]
    argv += ["--write-json", keys["JSON_DIR"], "--write-json-every", keys["JSON_INTERVAL"]]
    argv += ["--json-location-accuracy", "1", "--quiet"]
    return argv


# config.js of the map: the keys the role sets, everything else as the package ships it.
MAP_CONFIG_KEYS = (
    "DefaultCenterLat",
    "DefaultCenterLon",
    "SiteShow",
    "SiteLat",
    "SiteLon",
    "SiteName",
)


def map_config(original: str, plan: Mapping[str, Any]) -> str:
    """The package's ``config.js`` with the map centred on the receiver and its site marker shown.

    Each key's assignment line keeps its comment; a key missing from the file is appended, so the
    result is the same however often it is applied.
    """
    decoder = plan["decoder"]
    values = {
        "DefaultCenterLat": f"{decoder['latitude']:.5f}",
        "DefaultCenterLon": f"{decoder['longitude']:.5f}",
        "SiteShow": "true",
        "SiteLat": f"{decoder['latitude']:.5f}",
        "SiteLon": f"{decoder['longitude']:.5f}",
        "SiteName": '"' + decoder["site_name"] + '"',
    }
    lines = original.splitlines()
    for key in MAP_CONFIG_KEYS:
        pattern = re.compile(rf"^(\s*{key}\s*=\s*)([^;]*)(;.*)$")
        for index, line in enumerate(lines):
            match = pattern.match(line)
            if match:
                lines[index] = f"{match.group(1)}{values[key]}{match.group(3)}"
                break
        else:
            lines.append(f"{key} = {values[key]};")
    return "\n".join(lines) + "\n"
