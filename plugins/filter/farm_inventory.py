# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: farm_inventory."""

from __future__ import annotations

DOCUMENTATION = r"""
name: farm_inventory
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: The inventory picture the planning filters read
description:
  - Builds C({hosts, groups, vars}) from Ansible's C(groups) and C(hostvars), copying only the
    freeswitch_ha_* host variables the plan reads (address, capacity, RTP override, switchname, verto port,
    tenant settings) and the farm-wide freeswitch_ha_* variables given.
  - Runs on the controller; nothing is read from a managed host.
options:
  _input:
    description: Ansible's C(groups).
    type: dict
    required: true
  hostvars:
    description: Ansible's C(hostvars).
    type: raw
    required: true
  farm_vars:
    description: The farm-wide freeswitch_ha_* variables (name to value).
    type: dict
"""

EXAMPLES = r"""
- name: Build the inventory picture
  ansible.builtin.set_fact:
    farm: "{{ groups | telephony.freeswitch_ha.farm_inventory(hostvars, dict(names | zip(q('ansible.builtin.vars', *names)))) }}"
  vars:
    names: "{{ q('ansible.builtin.varnames', '^freeswitch_ha_') }}"
  no_log: true
"""

RETURN = r"""
_value:
  description: C(hosts) (host to its freeswitch_ha_* variables), C(groups) and C(vars).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_inventory


def _farm_inventory(groups, hostvars, farm_vars=None):
    if not isinstance(groups, dict) or not hasattr(hostvars, "__getitem__"):
        raise AnsibleFilterError("farm_inventory: the input must be Ansible's groups (a mapping) and hostvars")
    if farm_vars is not None and not isinstance(farm_vars, dict):
        raise AnsibleFilterError("farm_inventory: farm_vars must be a mapping of freeswitch_ha_* variables")
    return farm_inventory(groups, hostvars, farm_vars)


class FilterModule:
    """Inventory picture."""

    def filters(self):
        return {"farm_inventory": _farm_inventory}
