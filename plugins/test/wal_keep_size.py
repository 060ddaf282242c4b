# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja test: is a value a WAL bound PostgreSQL's slots can live with?"""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: wal_keep_size
short_description: Is a value a usable max_slot_wal_keep_size?
version_added: "0.3.0"
description:
  - True for a PostgreSQL size (an integer of megabytes, or with a unit C(kB), C(MB), C(GB), C(TB)) of at least
    one WAL segment (16MB), or -1 (no bound); the rule the preflight applies to
    C(freeswitch_ha_db_slot_wal_keep_size).
  - Below one segment, every checkpoint would invalidate the peers' replication slots.
options:
  _input:
    description: The size.
    type: raw
    required: true
author:
  - telephony.freeswitch_ha contributors (@telephony)
"""

EXAMPLES = r"""
- name: Refuse a WAL bound PostgreSQL would keep breaking
  ansible.builtin.assert:
    that: postgres_bdr_max_slot_wal_keep_size is telephony.freeswitch_ha.wal_keep_size
"""

RETURN = r"""
_value:
  description: Whether the value is a usable bound.
  type: bool
"""

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_database import wal_bound_problem


def wal_keep_size(value):
    """True when wal_bound_problem finds nothing wrong."""
    return wal_bound_problem(value) is None


class TestModule:
    """Ansible Jinja2 tests."""

    def tests(self):
        return {"wal_keep_size": wal_keep_size}
