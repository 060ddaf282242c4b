# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: sip_user_problems."""

from __future__ import annotations

DOCUMENTATION = r"""
name: sip_user_problems
author: telephony.freeswitch_ha contributors
version_added: "0.3.0"
short_description: Every problem of a FreeSWITCH node's list of users
description:
  - The preflight's rule for O(telephony.freeswitch_ha.freeswitch#role:entrypoint=main:freeswitch_users), applied
    by the freeswitch role itself - a user name the directory, the dialplan and SIP URIs carry as it is, a domain of
    the node, a password that is set and no example value, no user twice in a domain.
  - Returns one message per problem, naming the entry; a message never quotes a password.
options:
  _input:
    description: The users, a list of C(user), C(domain) and C(password).
    type: raw
    required: true
  domains:
    description: The node's directory domains.
    type: list
    elements: str
    required: true
  variable:
    description: The variable the messages name.
    type: str
    default: freeswitch_users
"""

EXAMPLES = r"""
- name: Check the users of this node
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ freeswitch_users | telephony.freeswitch_ha.sip_user_problems(freeswitch_domains) }}"
"""

RETURN = r"""
_value:
  description: List of messages (C(variable[index].key - message)); empty when the users are sound.
  type: list
  elements: str
"""

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.sip_users import user_list_problems


def sip_user_problems(users, domains, variable="freeswitch_users"):
    served = {str(domain).lower(): str(domain) for domain in domains or []}
    return [f"{p['variable']}: {p['message']}" for p in user_list_problems(users, served, variable)]


class FilterModule:
    """Every problem of a FreeSWITCH node's list of users."""

    def filters(self):
        return {"sip_user_problems": sip_user_problems}
