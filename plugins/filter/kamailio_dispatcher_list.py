# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: kamailio_dispatcher_list."""

from __future__ import annotations

DOCUMENTATION = r"""
name: kamailio_dispatcher_list
author: telephony.freeswitch_ha contributors
version_added: "0.2.0"
short_description: Render Kamailio's dispatcher.list from dispatcher sets
description:
  - One line C(setid uri flags priority attrs) per destination, sets in id order.
    Fails naming the set when a set has no destinations, an unknown algorithm or bad weights.
options:
  _input:
    description: The sets, as P(telephony.freeswitch_ha.kamailio_dispatcher_sets#filter) returns them.
    type: list
    required: true
"""

EXAMPLES = r"""
- name: Use kamailio_dispatcher_list
  ansible.builtin.set_fact:
    dispatcher_list_text: "{{ kamailio_dispatcher_sets | telephony.freeswitch_ha.kamailio_dispatcher_list }}"
"""

RETURN = r"""
_value:
  description: The file's text.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import kamailio_dispatcher_list


def _kamailio_dispatcher_list(value):
    try:
        return kamailio_dispatcher_list(value)
    except PlanError as exc:
        raise AnsibleFilterError(f"kamailio_dispatcher_list: {exc}") from exc


class FilterModule:
    """Render Kamailio's dispatcher.list from dispatcher sets."""

    def filters(self):
        return {"kamailio_dispatcher_list": _kamailio_dispatcher_list}
