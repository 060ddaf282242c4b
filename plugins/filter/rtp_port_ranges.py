# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: rtp_port_ranges."""

from __future__ import annotations

DOCUMENTATION = r"""
name: rtp_port_ranges
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: Give every FreeSWITCH its own disjoint, stable RTP port range
description:
  - Cuts the pool into fixed slots of O(min_ports) ports (rounded up to an even number) starting at the
    pool's first even port.
  - Hosts with an override keep it; the others take, in the order given (inventory order), the next slot
    that touches no override. Appending a host never moves the range of an existing host.
  - Every range starts on an even port and holds an even number of ports (RTP/RTCP pairs).
  - Fails on malformed, odd-aligned, too small or overlapping overrides and when the pool is exhausted.
options:
  _input:
    description:
      - The FreeSWITCH hosts in inventory order, or a mapping of host to its override (C(start-end) or
        null) or to its host variables (C(freeswitch_ha_rtp_range) is read).
    type: raw
    required: true
  pool:
    description: The pool the automatic ranges are cut from, C(start-end) within 1024-65535.
    type: str
    default: "16384-32767"
  min_ports:
    description: The smallest range a host may have; also the slot size unless O(slot_ports) is given.
    type: int
    default: 1000
  slot_ports:
    description: Size of an automatic range (at least O(min_ports)).
    type: int
"""

EXAMPLES = r"""
- name: Plan the RTP ranges of the FreeSWITCH group
  ansible.builtin.debug:
    msg: "{{ groups['freeswitch'] | telephony.freeswitch_ha.rtp_port_ranges(pool='16384-32767', min_ports=1000) }}"
  # fs1: {start: 16384, end: 17383, ports: 1000, source: pool}, fs2: {start: 17384, ...}

- name: Honour a per-host override
  ansible.builtin.debug:
    msg: "{{ {'fs1': none, 'fs2': '30000-30999'} | telephony.freeswitch_ha.rtp_port_ranges }}"
"""

RETURN = r"""
_value:
  description: Host name to C(start), C(end), C(ports) and C(source) (C(pool) or C(override)).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.rtp_port_ranges import (
    DEFAULT_MIN_PORTS,
    DEFAULT_POOL,
    rtp_port_ranges,
)


def _rtp_port_ranges(nodes, pool=DEFAULT_POOL, min_ports=DEFAULT_MIN_PORTS, slot_ports=None):
    try:
        return rtp_port_ranges(nodes, pool, min_ports, slot_ports)
    except PlanError as exc:
        raise AnsibleFilterError(f"rtp_port_ranges: {exc}") from exc


class FilterModule:
    """RTP port ranges per FreeSWITCH."""

    def filters(self):
        return {"rtp_port_ranges": _rtp_port_ranges}
