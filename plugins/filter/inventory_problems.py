# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: inventory_problems."""

from __future__ import annotations

DOCUMENTATION = r"""
name: inventory_problems
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: Every problem of the farm's inventory at once
description:
  - Checks the whole inventory picture and returns every problem, never only the first one, each naming the
    host (C(all) for farm-wide variables, the group for group membership) and the variable.
  - Covers unknown C(freeswitch_ha_*) variables (naming the closest known one), addresses, group sizes,
    secrets (missing or left at an example value; values are never quoted), capacities, switchnames, RTP pool
    and ranges (overlap, size, alignment, 1024-65535, rtpengine collision, a C(freeswitch_ha_rtp_range) that
    moves other boxes' ranges unless C(freeswitch_ha_rtp_allow_moving_ranges) is true), tenants (boxes, LB pair,
    SIP domains, VIP inside the farm network, dispatcher algorithm and set), VRRP router ids and verto ports.
  - The farm network is C(freeswitch_ha_network), or C(freeswitch_ha_lab_subnet) in the lab.
options:
  _input:
    description:
      - The inventory picture C({hosts, groups, vars}) that P(telephony.freeswitch_ha.farm_inventory#filter)
        builds.
    type: dict
    required: true
  lines:
    description: "Return C(host: variable: message) strings instead of mappings."
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Fail with every inventory problem
  ansible.builtin.fail:
    msg: "{{ problems | join('\n') }}"
  vars:
    problems: "{{ farm | telephony.freeswitch_ha.inventory_problems(lines=true) }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: A list of C({host, variable, message}) (or of strings with O(lines)); empty when all is well.
  type: list
  elements: raw
"""

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import inventory_problems


def _inventory_problems(farm, lines=False):
    return inventory_problems(farm, lines=lines)


class FilterModule:
    """Inventory checks."""

    def filters(self):
        return {"inventory_problems": _inventory_problems}
