# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja test: is a value a port range the farm can use?"""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: port_range
short_description: Is a value a usable port range?
version_added: "0.3.0"
description:
  - True when the value is a port range within 1024-65535 that starts no later than it ends, given as
    C(start-end), C([start, end]) or C({start, end}), with at least O(min_ports) ports; the same rule the
    preflight and the plan apply to the farm's RTP and media ranges.
  - Roles use it to check a range they were given before any change.
options:
  _input:
    description: The range.
    type: raw
    required: true
  min_ports:
    description: The fewest ports the range must hold.
    type: int
    default: 1
author:
  - telephony.freeswitch_ha contributors (@telephony)
"""

EXAMPLES = r"""
- name: Refuse a bad media range
  ansible.builtin.assert:
    that: rtpengine_ports is telephony.freeswitch_ha.port_range(min_ports=2)
"""

RETURN = r"""
_value:
  description: Whether the value is a usable port range.
  type: bool
"""

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.ports import parse_port_range


def port_range(value, min_ports=1):
    """True for a range parse_port_range accepts that holds at least ``min_ports`` ports."""
    try:
        start, end = parse_port_range(value)
    except PlanError:
        return False
    return end - start + 1 >= int(min_ports)


class TestModule:
    """Ansible Jinja2 tests."""

    def tests(self):
        return {"port_range": port_range}
