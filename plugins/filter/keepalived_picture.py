# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: keepalived_picture."""

from __future__ import annotations

DOCUMENTATION = r"""
name: keepalived_picture
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: What keepalived.conf holds on one load balancer, and every problem with it
description:
  - Detects the interface that carries the host's address (unless one is given), computes each VRRP instance
    of the host (priority from its place in C(lb_hosts), VIP with the interface's prefix, unicast peers,
    track scripts) and the sync groups.
  - Checks, all at once, what C(keepalived -t) does not or only warns about - an advert interval VRRPv3
    rejects or rounds, two instances with one router id, a VIP outside the interface's subnet, a track
    script weight too small to move the VIP, a unicast peer without an address.
options:
  _input:
    description: The host's Ansible facts (C(ansible_facts), network subset at least).
    type: dict
    required: true
  host:
    description: The inventory name of the host.
    type: str
    required: true
  address:
    description: The host's own IPv4 address.
    type: str
    required: true
  instances:
    description: C(keepalived_instances).
    type: list
    elements: dict
    required: true
  interface:
    description: The interface; detected from O(address) when empty.
    type: str
  scripts:
    description: C(keepalived_track_scripts).
    type: list
    elements: dict
  advert_int:
    description: VRRPv3 advert interval in seconds.
    type: raw
    default: "0.1"
  priority_top:
    description: Priority of the first load balancer of C(lb_hosts).
    type: int
    default: 150
  priority_step:
    description: Priority difference between consecutive load balancers.
    type: int
    default: 50
  unicast:
    description: Unicast adverts to the peers instead of multicast.
    type: bool
    default: false
  peers:
    description: Inventory name to address of the load balancers (needed with O(unicast)).
    type: dict
  nopreempt:
    description: Do not take the VIP back when a higher-priority peer returns.
    type: bool
    default: false
  sync_group:
    description: Put the instances of one load-balancer pair in one sync group.
    type: bool
    default: true
  rt_priority:
    description: Real-time (SCHED_RR) priority of the VRRP process, 1-99; 0 keeps normal scheduling.
    type: int
    default: 0
"""

EXAMPLES = r"""
- name: Compute the keepalived picture of this host
  ansible.builtin.set_fact:
    __keepalived: >-
      {{ ansible_facts | telephony.freeswitch_ha.keepalived_picture(
           host=inventory_hostname, address=keepalived_address, instances=keepalived_instances) }}
"""

RETURN = r"""
_value:
  description:
    - C(interface), C(address), C(prefix), C(rt_priority), C(instances) (each with C(priority), C(vip), C(unicast_peers),
      C(track_scripts)...), C(sync_groups), C(scripts), and C(problems) (a list of C({variable, message});
      the rest is empty when there is a problem).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.vrrp import keepalived_picture


def _keepalived_picture(facts, host, address, instances, interface=None, scripts=None, advert_int="0.1",
                        priority_top=150, priority_step=50, unicast=False, peers=None, nopreempt=False,
                        sync_group=True, rt_priority=0):
    if not isinstance(facts, dict):
        raise AnsibleFilterError("keepalived_picture: the input must be the host's facts (a mapping)")
    if peers is not None and not isinstance(peers, dict):
        raise AnsibleFilterError("keepalived_picture: peers must map load balancer names to addresses")
    return keepalived_picture(facts, str(host), address, instances, interface=interface, scripts=scripts,
                              advert_int=advert_int, priority_top=priority_top, priority_step=priority_step,
                              unicast=unicast, peers=peers, nopreempt=nopreempt, sync_group=sync_group,
                              rt_priority=rt_priority)


class FilterModule:
    """One load balancer's keepalived picture."""

    def filters(self):
        return {"keepalived_picture": _keepalived_picture}
