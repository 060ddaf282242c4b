# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: verto_nft_rules."""

from __future__ import annotations

DOCUMENTATION = r"""
name: verto_nft_rules
author: telephony.freeswitch_ha contributors
version_added: "0.2.0"
short_description: What the nftables ruleset of one load balancer holds for the verto partition
description:
  - From the plan's verto port map and tenants, what goes into the DNAT rules of the boxes whose tenant names O(lb_host) in
    C(lb_hosts) - C(VIP:public_port/tcp) to C(box:local_port) and C(VIP:rtp_start-rtp_end/udp) to the box
    with the ports unchanged - for one C(nft -f) file that replaces the collection's own table atomically.
  - Each box is one element of a TCP map and one element of an RTP interval map, so adding a box adds exactly
    its two elements and moves no other box's ports.
options:
  _input:
    description: The verto port map, C(freeswitch_ha_plan.verto).
    type: dict
    required: true
  tenants:
    description: The tenants, C(freeswitch_ha_plan.tenants).
    type: dict
    required: true
  lb_host:
    description: The inventory name of the load balancer the rules are for.
    type: str
    required: true
  return_path:
    description:
      - V(route) when the boxes route client traffic back through the internal VIP;
        V(snat) to masquerade the forwarded connections to the LB's own address.
    type: str
    default: route
    choices: [route, snat]
  table:
    description: Name of the collection's own C(ip) table.
    type: str
    default: freeswitch_ha_verto
  conntrack_headroom:
    description: Connection-tracking entries added to one per forwarded RTP port.
    type: int
    default: 65536
"""

EXAMPLES = r"""
- name: Render the verto rules of this load balancer
  ansible.builtin.set_fact:
    rules: >-
      {{ plan.verto | telephony.freeswitch_ha.verto_nft_rules(plan.tenants, inventory_hostname,
                                                               return_path='snat') }}
  # rules.boxes: [{box, tenant, vip, address, public_port, ...}]; verto_partition's template writes the nft file
"""

RETURN = r"""
_value:
  description:
    - C(lb_host), C(table) and C(return_path) as given, C(boxes) (the forwarded boxes in plan order), C(vips)
      (their VIPs) and C(conntrack_required) (one entry per forwarded RTP port plus the headroom). The role's
      template C(etc/freeswitch_ha/verto.nft.j2) writes them out as the C(nft -f) file.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.verto_rules import (
    DEFAULT_CONNTRACK_HEADROOM,
    DEFAULT_TABLE,
    verto_nft_rules,
)


def _verto_nft_rules(verto, tenants, lb_host, return_path="route", table=DEFAULT_TABLE,
                     conntrack_headroom=DEFAULT_CONNTRACK_HEADROOM):
    try:
        return verto_nft_rules(verto, tenants, str(lb_host), return_path, table, conntrack_headroom)
    except PlanError as exc:
        raise AnsibleFilterError(f"verto_nft_rules: {exc}") from exc


class FilterModule:
    """Verto partition rules for nftables."""

    def filters(self):
        return {"verto_nft_rules": _verto_nft_rules}
