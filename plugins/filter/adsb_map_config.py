"""hobbynet.infra.adsb_map_config filter: dump1090's map config.js centred on the receiver."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._adsb import map_config

DOCUMENTATION = r"""
name: adsb_map_config
short_description: dump1090-mutability's config.js with the map centred on the receiver
version_added: 0.3.0
author: hobbynet
description:
  - Takes the text of the package's C(config.js) and an P(hobbynet.infra.adsb_plan#filter) result,
    and returns the file with C(DefaultCenterLat), C(DefaultCenterLon), C(SiteShow), C(SiteLat),
    C(SiteLon) and C(SiteName) set from the receiver's position and site name; every other line
    as it was. Applying it twice gives the same text.
positional: _input, plan
options:
  _input:
    description: The current text of C(config.js).
    type: string
    required: true
  plan:
    description: The result of P(hobbynet.infra.adsb_plan#filter) for a receiver.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Centre the map
  ansible.builtin.set_fact:
    config_js: "{{ current | hobbynet.infra.adsb_map_config(plan) }}"
# current: "SiteShow    = false;           // true to show a center marker"
# => "SiteShow    = true;           // true to show a center marker\n..."
"""

RETURN = r"""
_value:
  description: The new text of C(config.js).
  type: string
"""


def adsb_map_config(text: Any, plan: Any = None) -> str:
    """Thin shell around the pure function."""
    if not isinstance(text, str):
        raise AnsibleFilterError("adsb_map_config: the input must be the text of config.js")
    if not isinstance(plan, dict) or not isinstance(plan.get("decoder"), dict):
        raise AnsibleFilterError("adsb_map_config: plan must be an adsb_plan result of a receiver")
    return map_config(text, plan)


class FilterModule:
    """hobbynet.infra.adsb_map_config"""

    def filters(self) -> dict[str, Any]:
        return {"adsb_map_config": adsb_map_config}
