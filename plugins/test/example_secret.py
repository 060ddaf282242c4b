# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja test: is a secret still an obvious placeholder?"""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: example_secret
short_description: Is a secret still an example value?
version_added: "0.1.0"
description:
  - True when the value is empty or an obvious placeholder (C(changeme), C(password), C(ClueCon), anything starting
    with C(example) or C(<)...), the same rule the preflight applies to the farm's secrets.
  - Roles use it to stop before any change when a secret was left at an example value.
options:
  _input:
    description: The secret.
    type: raw
    required: true
author:
  - telephony.freeswitch_ha contributors (@telephony)
"""

EXAMPLES = r"""
- name: Refuse a placeholder password
  ansible.builtin.assert:
    that: not freeswitch_db_password is telephony.freeswitch_ha.example_secret
  no_log: true
"""

RETURN = r"""
_value:
  description: Whether the value is a placeholder.
  type: bool
"""

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.secrets import is_example_secret


def example_secret(value):
    """True for an empty or placeholder secret."""
    if value is None:
        return True
    return is_example_secret(value)


class TestModule:
    """Ansible Jinja2 tests."""

    def tests(self):
        return {"example_secret": example_secret}
