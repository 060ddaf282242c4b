# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: kamailio_dispatcher_problems."""

from __future__ import annotations

DOCUMENTATION = r"""
name: kamailio_dispatcher_problems
author: telephony.freeswitch_ha contributors
version_added: "0.2.0"
short_description: Every problem of a list of Kamailio dispatcher sets
description:
  - Checks set ids, algorithms, SIP domains and destinations (URI, attributes; duid and maxload for call
    load, weights summing to 100 for weighted) and returns one message per problem, naming the set.
options:
  _input:
    description: The sets, as P(telephony.freeswitch_ha.kamailio_dispatcher_sets#filter) returns them.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Use kamailio_dispatcher_problems
  ansible.builtin.set_fact:
    problems: "{{ kamailio_dispatcher_sets | telephony.freeswitch_ha.kamailio_dispatcher_problems }}"
"""

RETURN = r"""
_value:
  description: List of messages; empty when the sets are sound.
  type: list
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import kamailio_dispatcher_problems


def _kamailio_dispatcher_problems(value):
    try:
        return kamailio_dispatcher_problems(value)
    except PlanError as exc:
        raise AnsibleFilterError(f"kamailio_dispatcher_problems: {exc}") from exc


class FilterModule:
    """Every problem of a list of Kamailio dispatcher sets."""

    def filters(self):
        return {"kamailio_dispatcher_problems": _kamailio_dispatcher_problems}
