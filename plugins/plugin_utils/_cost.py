"""OSPF link costs from round-trip times and from geographic distance.

Pure functions: no Ansible imports, no I/O, no randomness, no global state.
Used by the ``hobbynet.infra.ospf_cost``, ``hobbynet.infra.geo_rtt_ms`` and
``hobbynet.infra.mesh_plan`` filters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ._values import describe as _describe

OSPF_COST_MIN = 1
OSPF_COST_MAX = 65535

# Speed of light in vacuum, km/s (exact by definition of the metre).
SPEED_OF_LIGHT_KM_S = 299_792.458
# Light in optical fibre travels at roughly 2/3 c (refractive index ~1.5).
FIBRE_VELOCITY_FACTOR = 2.0 / 3.0
# Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
# Real fibre paths are longer than the great circle and add equipment delay;
# 1.5 is a common rule of thumb for long-haul routes.
DEFAULT_STRETCH = 1.5


def check_number(value: Any, what: str) -> float | int:
    """Return value if it is a finite real number (int or float, not bool), else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number (int or float), got {_describe(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


def ospf_cost(rtt_ms: Any) -> int:
    """OSPF cost for a link with round-trip time ``rtt_ms`` milliseconds.

    The cost is the one-way latency (half the RTT) in milliseconds, rounded
    half-up, clamped to 1..65535.  Rounding is exact (no float surprises):
    a float RTT is halved exactly and compared against .5 exactly.
    """
    check_number(rtt_ms, "rtt_ms")
    if rtt_ms < 0:
        raise ValueError(f"rtt_ms must be >= 0 (milliseconds), got {rtt_ms!r}")
    if isinstance(rtt_ms, int):
        cost = (rtt_ms + 1) // 2
    else:
        half = rtt_ms / 2.0  # exact for binary floats (except subnormals, which round to 0 anyway)
        whole = math.floor(half)
        cost = whole + (1 if half - whole >= 0.5 else 0)
    return int(min(max(cost, OSPF_COST_MIN), OSPF_COST_MAX))


def check_location(value: Any, what: str) -> tuple[float, float]:
    """Validate a ``{lat, lon}`` mapping in degrees; return ``(lat, lon)``."""
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{what} must be a mapping {{lat: <degrees>, lon: <degrees>}}, got {_describe(value)}"
        )
    keys = set(value)
    if keys != {"lat", "lon"}:
        raise ValueError(
            f"{what} must have exactly the keys 'lat' and 'lon', got keys {sorted(map(str, keys))}"
        )
    lat = check_number(value["lat"], f"{what}.lat")
    lon = check_number(value["lon"], f"{what}.lon")
    if not -90 <= lat <= 90:
        raise ValueError(f"{what}.lat must be between -90 and 90 degrees, got {lat!r}")
    if not -180 <= lon <= 180:
        raise ValueError(f"{what}.lon must be between -180 and 180 degrees, got {lon!r}")
    return float(lat), float(lon)


def check_stretch(value: Any) -> float:
    """Validate a path-stretch factor: a finite number >= 1."""
    check_number(value, "stretch")
    if value < 1:
        raise ValueError(
            f"stretch must be >= 1 (fibre path length / great-circle length), got {value!r}"
        )
    return float(value)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (haversine)."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2.0) ** 2
    h = min(1.0, max(0.0, h))
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def rtt_from_coordinates(
    a: tuple[float, float], b: tuple[float, float], stretch: float = DEFAULT_STRETCH
) -> float:
    """Estimated RTT in ms between two validated ``(lat, lon)`` pairs."""
    distance = great_circle_km(a[0], a[1], b[0], b[1])
    one_way_s = distance * stretch / (SPEED_OF_LIGHT_KM_S * FIBRE_VELOCITY_FACTOR)
    # Rounded to the microsecond so tiny libm differences cannot leak into results.
    return round(2.0 * one_way_s * 1000.0, 3)


def geo_rtt_ms(location_a: Any, location_b: Any, stretch: Any = DEFAULT_STRETCH) -> float:
    """Estimated round-trip time in ms between two ``{lat, lon}`` locations.

    RTT = 2 * great-circle distance * stretch / (2/3 * c), in milliseconds,
    rounded to 3 decimals.  Symmetric in its two locations.
    """
    a = check_location(location_a, "location_a")
    b = check_location(location_b, "location_b")
    return rtt_from_coordinates(a, b, check_stretch(stretch))
