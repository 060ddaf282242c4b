# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: tenant_partitions."""

from __future__ import annotations

DOCUMENTATION = r"""
name: tenant_partitions
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: The tenants of the farm with their boxes, dispatcher set, domains, LB pair and VIP
description:
  - Reads tenants from C(freeswitch_ha_tenants) and from groups named C(tenant_<name>) (whose settings come
    from the C(freeswitch_ha_tenant) variable); the variable wins over a group of the same name.
  - Dispatcher set ids not given explicitly are numbered 1, 2, 3... in tenant order, skipping explicit ids.
options:
  _input:
    description:
      - The inventory picture C({hosts, groups, vars}) that P(telephony.freeswitch_ha.farm_inventory#filter)
        builds.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Show the tenants
  ansible.builtin.debug:
    msg: "{{ groups | telephony.freeswitch_ha.farm_inventory(hostvars, farm_vars) | telephony.freeswitch_ha.tenant_partitions }}"
  vars:
    farm_vars: "{{ {'freeswitch_ha_tenants': freeswitch_ha_tenants} }}"
"""

RETURN = r"""
_value:
  description:
    - Tenant name to C(name), C(set_id), C(algorithm), C(algorithm_id) (Kamailio's number), C(freeswitch_hosts),
      C(lb_hosts), C(sip_domains), C(vip), C(vrrp_router_id), C(verto_port_base) and C(source).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_partitions


def _tenant_partitions(farm):
    try:
        return tenant_partitions(farm)
    except PlanError as exc:
        raise AnsibleFilterError(f"tenant_partitions: {exc}") from exc


class FilterModule:
    """Tenant partitions of the farm."""

    def filters(self):
        return {"tenant_partitions": _tenant_partitions}
