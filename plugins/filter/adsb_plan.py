"""hobbynet.infra.adsb_plan filter: an ADS-B host's inputs, checked and planned."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._adsb import AdsbInputError
from ansible_collections.hobbynet.infra.plugins.plugin_utils._adsb import adsb_plan as plan_inputs
from ansible_collections.hobbynet.infra.plugins.plugin_utils._values import omitted

DOCUMENTATION = r"""
name: adsb_plan
short_description: Check an ADS-B receiver's and feeders' inputs and plan what the role writes
version_added: 0.3.0
author: hobbynet
description:
  - Takes the C(adsb_feeders_*) variables of one host and returns the decoder's settings (the keys
    of C(/etc/default/dump1090-mutability) and the argument list of the role's unit, from the same
    values), the Beast-push and vendor feeders, the map, the exporter and the ports the host opens;
    or fails with every problem at once, each naming the variable, for example
    C(adsb_feeders_latitude must be a number from -90 to 90 (degrees), got 91.5 (type float)).
  - Refused among others are a gain the R820T tuner does not have, an unknown feeder name, a feeder
    enabled without its key, two services on one port, and a vendor key whose fingerprint is not
    the pinned one.
  - The plan holds no secret (the feeders' keys stay in the inventory), so it may be shown.
positional: _input, host
options:
  _input:
    description: The host's variables (the C(adsb_feeders_*) inputs).
    type: dict
    required: true
  host:
    description: The host's inventory name (for messages and the default site name).
    type: string
    required: true
"""

EXAMPLES = r"""
- name: Plan the receiver
  ansible.builtin.set_fact:
    plan: "{{ inputs | hobbynet.infra.adsb_plan(inventory_hostname) }}"
# adsb_feeders_latitude: 51.5, adsb_feeders_longitude: 5.5, adsb_feeders_dongle: false
# => {receiver: true, decoder: {net_only: true, ...}, argv: [/usr/bin/dump1090-mutability,
#     --net-only, ...], beast_feeders: [], vendor_feeders: [], map: {address: 0.0.0.0, port: 8080},
#     exporter: {address: 0.0.0.0, port: 9105}, listeners: [...], binds: [...]}
"""

RETURN = r"""
_value:
  description:
    - C(receiver), C(decoder), C(default_file) (key/value pairs), C(argv), C(decoder_host),
      C(decoder_beast_port), C(beast_feeders), C(vendor_feeders), C(map), C(exporter),
      C(listeners) (for P(hobbynet.infra.firewall#role)), C(binds) (addresses to find on the host).
  type: dict
"""


def adsb_plan(host_vars: Any, host: Any = None) -> dict[str, Any]:
    """Thin shell around the pure function; its problems become one AnsibleFilterError."""
    if omitted(host) or not isinstance(host, str):
        raise AnsibleFilterError(
            "adsb_plan: the host name is required, e.g. inputs | "
            "hobbynet.infra.adsb_plan(inventory_hostname)"
        )
    if not isinstance(host_vars, dict):
        raise AnsibleFilterError("adsb_plan: the input must be the host's variables")
    try:
        return plan_inputs(host, host_vars)
    except AdsbInputError as exc:
        raise AnsibleFilterError(f"adsb_plan: {'; '.join(exc.problems)}") from None
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError(f"adsb_plan: {exc}") from exc


class FilterModule:
    """hobbynet.infra.adsb_plan"""

    def filters(self) -> dict[str, Any]:
        return {"adsb_plan": adsb_plan}
