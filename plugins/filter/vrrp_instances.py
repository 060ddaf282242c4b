# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: vrrp_instances."""

from __future__ import annotations

DOCUMENTATION = r"""
name: vrrp_instances
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: The keepalived VRRP instances of the farm plan
description:
  - One instance per tenant VIP (named C(tenant_<name>); tenants that share a VIP and router id share it) and
    one named C(internal) for the internal VIP (the FreeSWITCH return path).
  - The result is the C(keepalived_instances) variable of the P(telephony.freeswitch_ha.keepalived#role) role.
options:
  _input:
    description: The farm plan (C(hostvars['localhost'].freeswitch_ha_plan)).
    type: dict
    required: true
  pair:
    description:
      - The load balancers that hold the internal VIP, preferred master first.
      - By default the first tenant's C(lb_hosts).
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Map the plan into the role
  ansible.builtin.include_role:
    name: telephony.freeswitch_ha.keepalived
  vars:
    keepalived_instances: "{{ hostvars['localhost'].freeswitch_ha_plan | telephony.freeswitch_ha.vrrp_instances }}"
"""

RETURN = r"""
_value:
  description: A list of C({name, virtual_router_id, vip, lb_hosts}).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.vrrp import vrrp_instances


def _vrrp_instances(plan, pair=None):
    if not isinstance(plan, dict) or not isinstance(plan.get("tenants") or {}, dict):
        raise AnsibleFilterError("vrrp_instances: the input must be the farm plan (a mapping with tenants)")
    if pair is not None and not isinstance(pair, list):
        raise AnsibleFilterError("vrrp_instances: pair must be a list of load balancer names")
    return vrrp_instances(plan, pair)


class FilterModule:
    """VRRP instances of the farm plan."""

    def filters(self):
        return {"vrrp_instances": _vrrp_instances}
