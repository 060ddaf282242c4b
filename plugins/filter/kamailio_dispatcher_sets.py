# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: kamailio_dispatcher_sets."""

from __future__ import annotations

DOCUMENTATION = r"""
name: kamailio_dispatcher_sets
author: telephony.freeswitch_ha contributors
version_added: "0.2.0"
short_description: Kamailio dispatcher sets (one per tenant) from the farm plan
description:
  - Turns P(telephony.freeswitch_ha.farm_plan#filter)'s C(dispatcher) and C(tenants) into the list the
    C(kamailio_dispatcher) role takes as C(kamailio_dispatcher_sets), that is set id, algorithm id, SIP domains, VIP
    and destinations (C(uri), C(flags), C(priority), C(attrs), C(host)), in set id order.
options:
  _input:
    description: The farm plan, as P(telephony.freeswitch_ha.farm_plan#filter) returns it.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Use kamailio_dispatcher_sets
  ansible.builtin.set_fact:
    kamailio_dispatcher_sets: "{{ hostvars['localhost'].freeswitch_ha_plan | telephony.freeswitch_ha.kamailio_dispatcher_sets }}"
"""

RETURN = r"""
_value:
  description: List of C(name), C(set_id), C(algorithm_id), C(domains), C(vip) and C(destinations).
  type: list
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import kamailio_dispatcher_sets


def _kamailio_dispatcher_sets(value):
    try:
        return kamailio_dispatcher_sets(value)
    except PlanError as exc:
        raise AnsibleFilterError(f"kamailio_dispatcher_sets: {exc}") from exc


class FilterModule:
    """Kamailio dispatcher sets (one per tenant) from the farm plan."""

    def filters(self):
        return {"kamailio_dispatcher_sets": _kamailio_dispatcher_sets}
