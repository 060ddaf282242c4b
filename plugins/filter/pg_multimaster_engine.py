# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: pg_multimaster_engine."""

from __future__ import annotations

DOCUMENTATION = r"""
name: pg_multimaster_engine
author: telephony.freeswitch_ha contributors
version_added: "0.1.0"
short_description: The multi-master replication engine for a PostgreSQL version
description:
  - C(native) (logical replication with C(origin = none)) on PostgreSQL 16 or later, C(pglogical) on 10-15;
    an explicit engine is returned when that version can run it, anything else fails with the reason.
options:
  _input:
    description: PostgreSQL major version.
    type: int
    required: true
  engine:
    description: C(auto), C(native) or C(pglogical).
    type: str
    default: auto
"""

EXAMPLES = r"""
- name: Pick the engine
  ansible.builtin.set_fact:
    engine: "{{ 15 | telephony.freeswitch_ha.pg_multimaster_engine }}"  # pglogical
"""

RETURN = r"""
_value:
  description: C(native) or C(pglogical).
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.pg_multimaster import (
    MembershipError,
    pg_multimaster_engine,
)


def _pg_multimaster_engine(version, engine="auto"):
    try:
        return pg_multimaster_engine(version, engine)
    except MembershipError as exc:
        raise AnsibleFilterError(f"pg_multimaster_engine: {exc}") from exc


class FilterModule:
    """Multi-master engine choice."""

    def filters(self):
        return {"pg_multimaster_engine": _pg_multimaster_engine}
