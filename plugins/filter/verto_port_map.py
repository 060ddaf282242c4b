# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: verto_port_map."""

from __future__ import annotations

DOCUMENTATION = r"""
name: verto_port_map
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: The public verto port and RTP range of every FreeSWITCH on its tenant's VIP
description:
  - Box n of a tenant (its position in C(freeswitch_hosts)) gets the public port C(verto_port_base + n) on
    the tenant's VIP; the LB forwards it to the box's local verto port (C(freeswitch_ha_verto_port),
    default 8081) and forwards the box's RTP range unchanged.
  - Fails when two boxes would share a public port on one VIP.
options:
  _input:
    description: The tenants, as P(telephony.freeswitch_ha.tenant_partitions#filter) returns them.
    type: dict
    required: true
  rtp_ranges:
    description: The ranges P(telephony.freeswitch_ha.rtp_port_ranges#filter) returns.
    type: dict
    required: true
  hosts:
    description: Host name to its host variables.
    type: dict
"""

EXAMPLES = r"""
- name: Show the verto partition
  ansible.builtin.debug:
    msg: "{{ partitions | telephony.freeswitch_ha.verto_port_map(ranges, farm.hosts) }}"
  # fs1: {tenant: alpha, vip: 172.28.57.100, public_port: 8082, local_port: 8081,
  #       address: 172.28.57.21, rtp_start: 16384, rtp_end: 17383}
"""

RETURN = r"""
_value:
  description:
    - FreeSWITCH host to C(tenant), C(vip), C(public_port), C(address), C(local_port), C(rtp_start), C(rtp_end).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.verto_port_map import verto_port_map


def _verto_port_map(partitions, rtp_ranges, hosts=None):
    try:
        return verto_port_map(partitions, rtp_ranges, hosts)
    except PlanError as exc:
        raise AnsibleFilterError(f"verto_port_map: {exc}") from exc


class FilterModule:
    """Verto port partition."""

    def filters(self):
        return {"verto_port_map": _verto_port_map}
