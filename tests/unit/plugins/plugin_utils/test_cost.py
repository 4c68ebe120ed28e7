"""Unit tests for plugins/plugin_utils/_cost.py (ospf_cost, geo_rtt_ms)."""

from __future__ import annotations

import math

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._cost import (
    geo_rtt_ms,
    great_circle_km,
    ospf_cost,
)
from hypothesis import given
from hypothesis import strategies as st

FRA = {"lat": 50.11, "lon": 8.68}
NYC = {"lat": 40.71, "lon": -74.01}


# ---------------------------------------------------------------- ospf_cost


@pytest.mark.parametrize(
    ("rtt", "cost"),
    [
        (0, 1),
        (0.0, 1),
        (0.4, 1),
        (1, 1),
        (2, 1),
        (2.9, 1),
        (3, 2),  # 1.5 rounds half-up
        (3.0, 2),
        (4, 2),
        (5, 3),  # 2.5 rounds half-up, not to even
        (22.9, 11),
        (23, 12),
        (23.0, 12),
        (24.99, 12),
        (25, 13),
        (0.999_999_999_999_999_9, 1),
        (131_069, 65_535),
        (131_070, 65_535),
        (131_071, 65_535),  # 65535.5 -> 65536 -> clamped
        (10**30, 65_535),
        (1e300, 65_535),
    ],
)
def test_ospf_cost_values(rtt, cost):
    assert ospf_cost(rtt) == cost
    assert isinstance(ospf_cost(rtt), int)
    assert not isinstance(ospf_cost(rtt), bool)


def test_ospf_cost_rounds_half_up_exactly():
    # 2.9999999999999996 / 2 = 1.4999999999999998: must not round up to 2
    assert ospf_cost(2.9999999999999996) == 1
    # the smallest float above 3 halves to just above 1.5
    assert ospf_cost(math.nextafter(3.0, 4.0)) == 2
    assert ospf_cost(math.nextafter(5.0, 0.0)) == 2
    assert ospf_cost(5.0) == 3


@pytest.mark.parametrize(
    ("value", "exc", "fragment"),
    [
        ("10", TypeError, "'10' (type str)"),
        (None, TypeError, "None (type NoneType)"),
        (True, TypeError, "True (type bool)"),
        (False, TypeError, "(type bool)"),
        ([1], TypeError, "(type list)"),
        (-1, ValueError, "must be >= 0"),
        (-0.001, ValueError, "-0.001"),
        (float("nan"), ValueError, "finite"),
        (float("inf"), ValueError, "finite"),
        (float("-inf"), ValueError, "finite"),
    ],
)
def test_ospf_cost_rejects(value, exc, fragment):
    with pytest.raises(exc) as info:
        ospf_cost(value)
    assert "rtt_ms" in str(info.value)
    assert fragment in str(info.value)


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_ospf_cost_bounds_and_rounding(rtt):
    cost = ospf_cost(rtt)
    assert 1 <= cost <= 65_535
    if 2 <= rtt <= 131_070:
        # within half a millisecond of the one-way latency, ties go up
        assert abs(cost - rtt / 2) <= 0.5
        assert cost != rtt / 2 - 0.5


@given(st.integers(min_value=0, max_value=10**7))
def test_ospf_cost_int_matches_float(rtt):
    assert ospf_cost(rtt) == ospf_cost(float(rtt))


@given(
    st.floats(min_value=0, max_value=2e5, allow_nan=False),
    st.floats(min_value=0, max_value=2e5, allow_nan=False),
)
def test_ospf_cost_is_monotonic(a, b):
    lo, hi = sorted((a, b))
    assert ospf_cost(lo) <= ospf_cost(hi)


# ---------------------------------------------------------------- geo_rtt_ms


def test_great_circle_reference_distance():
    # Frankfurt - New York is about 6,200 km
    assert 6150 < great_circle_km(50.11, 8.68, 40.71, -74.01) < 6250
    # a quarter of the equator
    assert great_circle_km(0, 0, 0, 90) == pytest.approx(2 * math.pi * 6371.0088 / 4)
    # antipodes: half the circumference, no domain error
    assert great_circle_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088)


def test_geo_rtt_formula():
    d = great_circle_km(50.11, 8.68, 40.71, -74.01)
    expected = 2 * d * 1.5 / (299_792.458 * 2 / 3) * 1000
    assert geo_rtt_ms(FRA, NYC) == pytest.approx(expected, abs=0.0005)
    assert geo_rtt_ms(FRA, NYC) == 93.11
    assert geo_rtt_ms(FRA, NYC, 1) == 62.073
    assert geo_rtt_ms(FRA, NYC, stretch=3) == pytest.approx(3 * 62.073, abs=0.002)


def test_geo_rtt_same_place_is_zero():
    assert geo_rtt_ms(FRA, dict(FRA)) == 0.0
    assert ospf_cost(geo_rtt_ms(FRA, FRA)) == 1


@pytest.mark.parametrize(
    ("a", "b", "kwargs", "exc", "fragment"),
    [
        ([50, 8], NYC, {}, TypeError, "location_a must be a mapping"),
        (FRA, "nyc", {}, TypeError, "location_b must be a mapping"),
        ({"lat": 1}, NYC, {}, ValueError, "exactly the keys 'lat' and 'lon'"),
        ({"lat": 1, "lon": 2, "alt": 3}, NYC, {}, ValueError, "['alt', 'lat', 'lon']"),
        ({"lat": "50", "lon": 8}, NYC, {}, TypeError, "location_a.lat must be a number"),
        ({"lat": 91, "lon": 8}, NYC, {}, ValueError, "location_a.lat must be between -90 and 90"),
        (FRA, {"lat": 0, "lon": -180.5}, {}, ValueError, "location_b.lon must be between"),
        (FRA, {"lat": float("nan"), "lon": 0}, {}, ValueError, "finite"),
        (FRA, NYC, {"stretch": 0.9}, ValueError, "stretch must be >= 1"),
        (FRA, NYC, {"stretch": "1.5"}, TypeError, "stretch must be a number"),
        (FRA, NYC, {"stretch": True}, TypeError, "(type bool)"),
    ],
)
def test_geo_rtt_rejects(a, b, kwargs, exc, fragment):
    with pytest.raises(exc) as info:
        geo_rtt_ms(a, b, **kwargs)
    assert fragment in str(info.value)


locations = st.fixed_dictionaries(
    {
        "lat": st.floats(min_value=-90, max_value=90, allow_nan=False),
        "lon": st.floats(min_value=-180, max_value=180, allow_nan=False),
    }
)


@given(locations, locations, st.floats(min_value=1, max_value=4))
def test_geo_rtt_symmetric_and_bounded(a, b, stretch):
    rtt = geo_rtt_ms(a, b, stretch)
    assert rtt == geo_rtt_ms(b, a, stretch)
    # no two points are further apart than half the circumference
    assert 0 <= rtt <= 2 * math.pi * 6371.0088 * stretch / (299_792.458 * 2 / 3) * 1000 + 0.001
    assert ospf_cost(rtt) >= 1


@given(locations, locations, locations)
def test_geo_rtt_triangle_inequality(a, b, c):
    # stretch is a constant factor, so the estimate is a metric (up to rounding)
    assert geo_rtt_ms(a, c) <= geo_rtt_ms(a, b) + geo_rtt_ms(b, c) + 0.002
