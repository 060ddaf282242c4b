# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: dispatcher_weights."""

from __future__ import annotations

DOCUMENTATION = r"""
name: dispatcher_weights
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: Kamailio dispatcher sets per tenant with capacity-proportional weights
description:
  - A box's capacity is its C(freeswitch_ha_weight), else its C(freeswitch_ha_max_sessions), else its
    C(freeswitch_ha_cores); boxes of a tenant that declare nothing share equally.
  - C(weight) is the percentage Kamailio's algorithm 9 expects (the set sums to 100, every box at least 1);
    C(rweight) is the relative weight of algorithm 11 (1-100, the largest box at 100); C(maxload) is the
    box's max sessions for algorithm 10; C(attrs) is the dispatcher.list attribute string.
options:
  _input:
    description: The tenants, as P(telephony.freeswitch_ha.tenant_partitions#filter) returns them.
    type: dict
    required: true
  hosts:
    description: Host name to its host variables (address, capacity, switchname).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Show the dispatcher sets
  ansible.builtin.debug:
    msg: "{{ partitions | telephony.freeswitch_ha.dispatcher_weights(farm.hosts) }}"
  # alpha: {set_id: 1, algorithm_id: 9, destinations: [{host: fs1, weight: 75,
  #         attrs: "duid=fs1;weight=75;rweight=100;maxload=300", uri: "sip:172.28.57.21:5060"}, ...]}
"""

RETURN = r"""
_value:
  description:
    - Tenant name to C(set_id), C(algorithm), C(algorithm_id) and C(destinations), a list of C(host), C(duid),
      C(uri), C(capacity), C(ratio), C(weight), C(rweight), C(maxload) and C(attrs).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.dispatcher_weights import dispatcher_weights
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError


def _dispatcher_weights(partitions, hosts):
    try:
        return dispatcher_weights(partitions, hosts)
    except PlanError as exc:
        raise AnsibleFilterError(f"dispatcher_weights: {exc}") from exc


class FilterModule:
    """Dispatcher sets and weights."""

    def filters(self):
        return {"dispatcher_weights": _dispatcher_weights}
