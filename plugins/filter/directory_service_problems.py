# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: directory_service_problems."""

from __future__ import annotations

DOCUMENTATION = r"""
name: directory_service_problems
author: telephony.freeswitch_ha contributors
version_added: "0.3.0"
short_description: Every problem of a FreeSWITCH node's directory service settings (mod_xml_curl)
description:
  - The preflight's rule for the directory service, applied by the freeswitch role itself to
    O(telephony.freeswitch_ha.freeswitch#role:entrypoint=main:freeswitch_xml_curl_url) and its companions.
  - An empty URL means no service. Otherwise an C(http://) or C(https://) URL with a host, plain C(http) only to
    a loopback address or C(localhost) (the answers authenticate the users), no credentials and no C($) in the URL;
    a timeout from 1 to 60 seconds; credentials C(user:password) with a real password; a CA file as an absolute
    path, with https only.
  - Returns one message per problem, naming the variable; a message never quotes the credentials.
options:
  _input:
    description: The settings, a mapping of C(url), C(timeout), C(credentials) and C(cacert_file).
    type: dict
    required: true
  variables:
    description: The variable each key's messages name (default the freeswitch role's, C(freeswitch_xml_curl_<key>)).
    type: dict
"""

EXAMPLES = r"""
- name: Check the directory service settings
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: >-
      {{ {'url': freeswitch_xml_curl_url, 'timeout': freeswitch_xml_curl_timeout,
          'credentials': freeswitch_xml_curl_credentials, 'cacert_file': freeswitch_xml_curl_cacert_file}
         | telephony.freeswitch_ha.directory_service_problems }}
"""

RETURN = r"""
_value:
  description: List of messages (C(variable - message)); empty when the settings are sound.
  type: list
  elements: str
"""

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.directory_service import ROLE_VARS, problems


def directory_service_problems(values, variables=None):
    names = dict(ROLE_VARS, **(variables or {}))
    return [f"{names.get(key, key)}: {message}" for key, message in problems(values)]


class FilterModule:
    """Every problem of a FreeSWITCH node's directory service settings."""

    def filters(self):
        return {"directory_service_problems": directory_service_problems}
