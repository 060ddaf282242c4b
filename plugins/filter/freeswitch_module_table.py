# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: freeswitch_module_table."""

from __future__ import annotations

DOCUMENTATION = r"""
name: freeswitch_module_table
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: Read the table of modules a FreeSWITCH source tree can build
description:
  - Turns the freeswitch role's C(files/freeswitch-modules/modules-<version>.tsv) (read from FreeSWITCH's
    C(build/modules.conf.in) by the project's tools) into a mapping of module name to build path.
  - The role refuses a module missing from it before anything is built, and writes a source build's
    C(modules.conf) from it.
options:
  _input:
    description: The text of the table (tab-separated, C(#) comments).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Show where mod_sofia is built
  ansible.builtin.debug:
    msg: "{{ (lookup('ansible.builtin.file', 'freeswitch-modules/modules-v1.10.12.tsv')
              | telephony.freeswitch_ha.freeswitch_module_table)['mod_sofia'] }}"
  # endpoints/mod_sofia
"""

RETURN = r"""
_value:
  description: Module name to its build path (C(<category>/<module>)).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_modules import freeswitch_module_table


def _freeswitch_module_table(text):
    if not isinstance(text, str):
        raise AnsibleFilterError("freeswitch_module_table: the input must be the table's text")
    return freeswitch_module_table(text)


class FilterModule:
    """FreeSWITCH's module table."""

    def filters(self):
        return {"freeswitch_module_table": _freeswitch_module_table}
