# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: farm_topology."""

from __future__ import annotations

DOCUMENTATION = r"""
name: farm_topology
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: The farm at a glance, as text lines or an SVG diagram
description:
  - Draws the farm from the inventory picture and its plan, that is the load balancers and VIPs, the tenants
    with their FreeSWITCH boxes, RTP ranges, verto ports and dispatcher weights, the database and storage nodes.
  - The same inventory always gives the same output.
options:
  _input:
    description: The inventory picture that P(telephony.freeswitch_ha.farm_inventory#filter) builds.
    type: dict
    required: true
  plan:
    description: The plan that P(telephony.freeswitch_ha.farm_plan#filter) computed from it.
    type: dict
    required: true
  output:
    description: C(summary) for a list of text lines, or C(svg) for a standalone SVG document.
    type: str
    default: summary
    choices: [summary, svg]
"""

EXAMPLES = r"""
- name: Print the farm summary
  ansible.builtin.debug:
    msg: "{{ farm | telephony.freeswitch_ha.farm_topology(freeswitch_ha_plan) }}"

- name: Write the topology diagram
  ansible.builtin.copy:
    content: "{{ farm | telephony.freeswitch_ha.farm_topology(freeswitch_ha_plan, output='svg') }}"
    dest: build/topology.svg
    mode: "0644"
"""

RETURN = r"""
_value:
  description: A list of lines (C(summary)) or the SVG document as text (C(svg)).
  type: raw
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.topology import farm_topology


def _farm_topology(farm, plan, output="summary"):
    try:
        return farm_topology(farm, plan, output)
    except PlanError as exc:
        raise AnsibleFilterError(f"farm_topology: {exc}") from exc


class FilterModule:
    """The farm at a glance."""

    def filters(self):
        return {"farm_topology": _farm_topology}
