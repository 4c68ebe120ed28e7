"""hobbynet.infra.geo_rtt_ms filter: estimated RTT between two locations."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._cost import (
    DEFAULT_STRETCH,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._cost import (
    geo_rtt_ms as _geo_rtt_ms,
)
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: geo_rtt_ms
short_description: Estimated round-trip time between two locations
version_added: 0.1.0
author: hobbynet
description:
  - Estimates the round-trip time in milliseconds between two points on Earth from their
    great-circle distance (haversine formula, mean Earth radius 6371.0088 km).
  - "Light in optical fibre travels at about 2/3 of c (199,862 km/s), and real fibre routes
    are longer than the great circle: RTT = 2 * distance * O(stretch) / (2/3 * c)."
  - The result is rounded to 3 decimals (microseconds) and is symmetric in the two locations.
  - Feed it to P(hobbynet.infra.ospf_cost#filter) for a cost; P(hobbynet.infra.mesh_plan#filter)
    does that itself for links without a measured RTT.
positional: _input, location_b
options:
  _input:
    description:
      - First location, a mapping C({lat, lon}) in decimal degrees (lat -90..90, lon -180..180).
    type: dict
    required: true
  location_b:
    description: Second location, same form as O(_input).
    type: dict
    required: true
  stretch:
    description:
      - Path-stretch factor, fibre path length divided by great-circle length (>= 1).
      - 1.5 is a common rule of thumb for long-haul routes including equipment delay.
    type: float
    default: 1.5
seealso:
  - plugin: hobbynet.infra.ospf_cost
    plugin_type: filter
"""

EXAMPLES = r"""
# Frankfurt to New York, about 6,200 km
rtt_fra_nyc: "{{ {'lat': 50.11, 'lon': 8.68}
                | hobbynet.infra.geo_rtt_ms({'lat': 40.71, 'lon': -74.01}) }}"
# => 93.11

# Along the great circle itself (a lower bound)
rtt_great_circle: "{{ {'lat': 50.11, 'lon': 8.68}
         | hobbynet.infra.geo_rtt_ms({'lat': 40.71, 'lon': -74.01}, stretch=1) }}"
# => 62.073

cost: "{{ site_a.location | hobbynet.infra.geo_rtt_ms(site_b.location)
          | hobbynet.infra.ospf_cost }}"
"""

RETURN = r"""
_value:
  description: Estimated round-trip time in milliseconds, rounded to 3 decimals.
  type: float
"""


def geo_rtt_ms(location_a: Any, location_b: Any = None, stretch: Any = DEFAULT_STRETCH) -> float:
    """Thin shell around the pure function; errors become AnsibleFilterError."""
    if location_b is None:
        raise AnsibleFilterError(
            "geo_rtt_ms: location_b is required, "
            "e.g. location_a | hobbynet.infra.geo_rtt_ms(location_b)"
        )
    if omitted(stretch):
        stretch = DEFAULT_STRETCH
    try:
        return _geo_rtt_ms(location_a, location_b, stretch)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"geo_rtt_ms: {exc}") from exc


class FilterModule:
    """hobbynet.infra.geo_rtt_ms"""

    def filters(self) -> dict[str, Any]:
        return {"geo_rtt_ms": geo_rtt_ms}
