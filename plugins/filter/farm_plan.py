# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: farm_plan."""

from __future__ import annotations

DOCUMENTATION = r"""
name: farm_plan
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: The whole plan of the farm, computed once
description:
  - Checks the inventory (failing with every problem at once) and returns the tenants, the RTP ranges (in
    C(freeswitch) group order), the dispatcher sets, the verto port map, the farm settings with their defaults
    applied, the per-tier selections (load balancers, database, storage) and the service catalogue.
options:
  _input:
    description:
      - The inventory picture C({hosts, groups, vars}) that P(telephony.freeswitch_ha.farm_inventory#filter)
        builds.
    type: dict
    required: true
  check:
    description: Check the inventory first.
    type: bool
    default: true
  tenants:
    description:
      - Plan the tenants and everything that follows from them. V(false) returns only the parts that need no
        tenant (C(settings), C(network), C(edge), C(database), C(storage), C(boxes)), for an inventory of one
        tier.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Compute the plan once
  ansible.builtin.set_fact:
    freeswitch_ha_plan: "{{ farm | telephony.freeswitch_ha.farm_plan }}"
"""

RETURN = r"""
_value:
  description:
    - C(tenants) (see tenant_partitions), C(box_tenants) (each FreeSWITCH box's tenant name), C(rtp_ranges), C(dispatcher), C(verto) and C(internal_vip)
      (C(vip), C(vrrp_router_id)).
    - C(boxes) (per FreeSWITCH box, in C(freeswitch) group order, its C(install_method), C(switchname),
      C(max_sessions) and C(sessions_per_second), defaults applied) and C(call_rates) (C(survivor_cps), per tenant
      the rate one surviving box takes).
    - C(settings) (every farm-wide C(freeswitch_ha_*) setting, its default applied, secrets left out), C(network),
      C(edge) (C(sip_client_networks), C(vrrp_track_scripts)), C(loadbalancers) (per load balancer its C(tenants),
      C(vips), C(peers), C(sip_advertise)), C(database) (C(servers), C(haproxy_hosts), C(haproxy_bind), C(clients),
      C(pg_hba_clients)), C(storage) (C(servers), C(addresses), C(brick_roots)) and C(services), the service
      catalogue (plugin_utils/services.py).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan


def _farm_plan(farm, check=True, tenants=True):
    try:
        return farm_plan(farm, check=check, tenants=tenants)
    except PlanError as exc:
        raise AnsibleFilterError(f"farm_plan: {exc}") from exc


class FilterModule:
    """The whole farm plan."""

    def filters(self):
        return {"farm_plan": _farm_plan}
