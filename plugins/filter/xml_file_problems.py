# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: xml_file_problems."""

from __future__ import annotations

DOCUMENTATION = r"""
name: xml_file_problems
author: telephony.freeswitch_ha contributors
version_added: "0.3.0"
short_description: Every problem of a FreeSWITCH node's list of the operator's own XML files
description:
  - The preflight's rule for O(telephony.freeswitch_ha.freeswitch#role:entrypoint=main:freeswitch_xml_files), applied
    by the freeswitch role itself - a path in one of the include areas (C(autoload_configs/<name>.xml),
    C(dialplan/<name>.xml), C(dialplan/extensions/<name>.xml), C(directory/<domain>/<name>.xml)) and, for a directory
    file, a domain of the node; content that parses as XML, whose root is C(<include>) on a line of its own and
    which holds only the elements of its area; no path twice.
  - Returns one message per problem, naming the entry; a message never quotes the content (it may hold passwords).
options:
  _input:
    description: The files, a list of C(path) and C(content).
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
    default: freeswitch_xml_files
"""

EXAMPLES = r"""
- name: Check the operator's XML files of this node
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ freeswitch_xml_files | telephony.freeswitch_ha.xml_file_problems(freeswitch_domains) }}"
"""

RETURN = r"""
_value:
  description: List of messages (C(variable[index].key - message)); empty when the files are sound.
  type: list
  elements: str
"""

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.xml_files import file_list_problems


def xml_file_problems(files, domains, variable="freeswitch_xml_files"):
    served = {str(domain).lower(): (None, str(domain)) for domain in domains or []}
    return [f"{p['variable']}: {p['message']}" for p in file_list_problems(files, served, variable)]


class FilterModule:
    """Every problem of a FreeSWITCH node's list of the operator's own XML files."""

    def filters(self):
        return {"xml_file_problems": xml_file_problems}
