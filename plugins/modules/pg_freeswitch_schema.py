#!/usr/bin/python
# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: pg_freeswitch_schema."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pg_freeswitch_schema
author: telephony.freeswitch_ha contributors (@telephony)
version_added: "0.1.0"
short_description: Create the FreeSWITCH tables and views, replication-ready, in a PostgreSQL database
description:
  - Reads the FreeSWITCH database layout (core, sofia and verto tables with their columns and indexes, as
    FreeSWITCH itself creates them) from the TSV data the postgres_bdr role ships, and creates what is missing
    in the C(public) schema of O(login_db), in one transaction.
  - Every table gets a surrogate primary key C(fsha_row_id uuid DEFAULT gen_random_uuid()) as its last column,
    so logical and multi-master replication replicate every UPDATE and DELETE. FreeSWITCH names the columns
    of its INSERTs, so the extra column is invisible to it.
  - Creates FreeSWITCH's views C(basic_calls) and C(detailed_calls) (read by C(show calls)) with FreeSWITCH's own
    SQL. Logical replication does not carry views, so every node needs them from here. A view whose columns differ
    from FreeSWITCH's is dropped and created again (a view holds no data).
  - Never drops a table, a column or an index. Run it with FreeSWITCH's C(auto-create-schemas) off.
extends_documentation_fragment:
  - telephony.freeswitch_ha.pg_connection
attributes:
  check_mode:
    description: Reports the statements it would run without running them; on a fresh host with no server yet it reports a change.
    support: full
  diff_mode:
    description: Shows the tables and views (columns, indexes, grants) before and after.
    support: full
options:
  schema:
    description: The TSV schema data (C(COLUMN), C(INDEX) and C(PROBE) rows).
    type: str
    required: true
  grant_to:
    description:
      - Role that gets SELECT, INSERT, UPDATE and DELETE on every FreeSWITCH table and SELECT on the views (not
        ownership).
    type: str
"""

EXAMPLES = r"""
- name: Create the FreeSWITCH schema
  telephony.freeswitch_ha.pg_freeswitch_schema:
    login_db: freeswitch
    schema: "{{ lookup('ansible.builtin.file', 'freeswitch-schema-v1.10.12.tsv') }}"
    grant_to: freeswitch
"""

RETURN = r"""
statements:
  description: The SQL statements run (or, in check mode, that would run).
  returned: always
  type: list
  elements: str
tables:
  description: The FreeSWITCH tables the schema data defines (what replicates).
  returned: always
  type: list
  elements: str
views:
  description: The FreeSWITCH views created on this node (never replicated).
  returned: always
  type: list
  elements: str
  sample: [basic_calls, detailed_calls]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_schema import (
    KEY_COLUMN,
    VIEW_PRIVILEGES,
    VIEWS,
    SchemaError,
    parse_schema,
    schema_statements,
    view_columns,
    view_statements,
)
from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.pg_connect import (
    DatabaseError,
    connect,
    pg_connection_argument_spec,
    rows,
)

PRIVILEGES = ("DELETE", "INSERT", "SELECT", "UPDATE")


def read_current(conn, tables, grant_to):
    current = {}
    for table, column in rows(conn, "SELECT table_name, column_name FROM information_schema.columns "
                                    "WHERE table_schema = 'public' AND table_name = ANY(%s)", (list(tables),)):
        current.setdefault(table, {"columns": [], "indexes": [], "primary_key": []})["columns"].append(column)
    for table, index in rows(conn, "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s)",
                             (list(tables),)):
        if table in current:
            current[table]["indexes"].append(index)
    for table, column in rows(conn, """
            SELECT c.relname, a.attname FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
            WHERE i.indisprimary AND n.nspname = 'public' AND c.relname = ANY(%s)""", (list(tables),)):
        if table in current:
            current[table]["primary_key"].append(column)
    grants = {}
    if grant_to:
        exists = rows(conn, "SELECT 1 FROM pg_roles WHERE rolname = %s", (grant_to,))
        if exists:
            for table in current:
                for privilege in PRIVILEGES:
                    granted = rows(conn, "SELECT has_table_privilege(%s, %s, %s)", (grant_to, "public." + table, privilege))[0][0]
                    if granted:
                        grants.setdefault(table, set()).add(privilege)
    return current, grants


def read_views(conn, grant_to):
    """{view: [columns in order]} of the FreeSWITCH views that exist, and {view: privileges of grant_to}."""
    views = {}
    for view, column in rows(conn, """
            SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v' AND c.relname = ANY(%s)
              AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum""", (sorted(VIEWS),)):
        views.setdefault(view, []).append(column)
    grants = {}
    if grant_to and rows(conn, "SELECT 1 FROM pg_roles WHERE rolname = %s", (grant_to,)):
        for view in views:
            for privilege in VIEW_PRIVILEGES:
                if rows(conn, "SELECT has_table_privilege(%s, %s, %s)", (grant_to, "public." + view, privilege))[0][0]:
                    grants.setdefault(view, set()).add(privilege)
    return views, grants


def main():
    argument_spec = pg_connection_argument_spec()
    argument_spec.update(
        schema=dict(type="str", required=True),
        grant_to=dict(type="str"),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        desired = parse_schema(module.params["schema"])
    except SchemaError as exc:
        module.fail_json(msg="schema data: %s" % exc)
    conn = connect(module)
    grant_to = module.params["grant_to"]
    if conn is None:
        current, grants, views, view_grants = {}, {}, {}, {}
    else:
        current, grants = read_current(conn, desired, grant_to)
        views, view_grants = read_views(conn, grant_to)
    try:
        statements = schema_statements(desired, current, grant_to, grants)
        statements += view_statements(desired, views, grant_to, view_grants)
    except SchemaError as exc:
        module.fail_json(msg=str(exc))
    if statements and not module.check_mode:
        conn.autocommit = False
        try:
            with conn.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
            conn.commit()
        except DatabaseError as exc:
            conn.rollback()
            module.fail_json(msg="schema change failed: %s" % exc, statements=statements)
    if conn is not None:
        conn.close()
    before = {}
    for table, have in sorted(current.items()):
        before[table] = {"columns": sorted(have["columns"]), "indexes": sorted(have["indexes"]),
                         "grants": sorted(grants.get(table, set()))}
    after = {}
    for table, spec in sorted(desired.items()):
        have = current.get(table) or {"columns": [], "indexes": []}
        after[table] = {
            "columns": sorted(set(have["columns"]) | set(c for c, dummy in spec["columns"]) | set([KEY_COLUMN])),
            "indexes": sorted(set(have["indexes"]) | set(spec["indexes"]) | set([table + "_pkey"])),
            "grants": sorted(PRIVILEGES) if grant_to else sorted(grants.get(table, set())),
        }
    views_before = dict((view, {"columns": list(columns), "grants": sorted(view_grants.get(view, set()))})
                        for view, columns in sorted(views.items()))
    views_after = dict((view, {"columns": view_columns(view),
                               "grants": sorted(VIEW_PRIVILEGES) if grant_to else sorted(view_grants.get(view, set()))})
                       for view in sorted(VIEWS))
    module.exit_json(
        changed=bool(statements),
        statements=statements,
        tables=sorted(desired),
        views=sorted(VIEWS),
        diff={"before": {"tables": before, "views": views_before}, "after": {"tables": after, "views": views_after}},
    )


if __name__ == "__main__":
    main()
