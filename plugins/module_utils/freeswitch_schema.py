# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The FreeSWITCH database layout, made fit for multi-master replication.

Pure functions, no database access: ``parse_schema`` reads the TSV data file
(roles/postgres_bdr/files/freeswitch-schema-*.tsv: the tables, columns and
indexes FreeSWITCH creates, read from its source) and ``schema_statements``
compares it with what a database holds and returns the SQL that brings the
database to it. Every table gets a surrogate UUID primary key as its LAST
column (FreeSWITCH names the columns of every INSERT, and positional
``select *`` readers keep their column numbers), so logical replication can
replicate every UPDATE and DELETE. Nothing is ever dropped.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

KEY_COLUMN = "fsha_row_id"
KEY_TYPE = "uuid"
KEY_DEFAULT = "gen_random_uuid()"
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TYPE_RE = re.compile(r"^[A-Za-z]+(\s*\(\d+\))?(\s+(not\s+null|default\s+[-\w']+))*$", re.IGNORECASE)


class SchemaError(ValueError):
    """The schema data cannot be read."""


def _name(value, what, line):
    if not NAME_RE.match(value):
        raise SchemaError("line %d: %s %r is not a plain SQL identifier" % (line, what, value))
    return value


def parse_schema(text, variant="1"):
    """Tables of the TSV data as ``{table: {"db", "columns": [(name, type)], "indexes": {name: [cols]}}}``.

    Only COLUMN rows of ``variant`` are kept (channels has a MySQL-only
    fallback variant 2). Comment and PROBE rows are ignored.
    """
    tables = {}
    indexes = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        kind = fields[0]
        if kind == "COLUMN":
            if len(fields) != 6:
                raise SchemaError("line %d: a COLUMN row has 6 fields, not %d" % (number, len(fields)))
            dummy, database, table, row_variant, column, column_type = fields
            if row_variant != variant:
                continue
            if not TYPE_RE.match(column_type.strip()):
                raise SchemaError("line %d: column type %r is not understood" % (number, column_type))
            entry = tables.setdefault(_name(table, "table", number), {"db": database, "columns": [], "indexes": {}})
            if column == KEY_COLUMN:
                raise SchemaError("line %d: column %s is reserved for the surrogate key" % (number, KEY_COLUMN))
            entry["columns"].append((_name(column, "column", number), column_type.strip()))
        elif kind == "INDEX":
            if len(fields) != 5:
                raise SchemaError("line %d: an INDEX row has 5 fields, not %d" % (number, len(fields)))
            indexes.append((number, fields[2], fields[3], fields[4]))
        elif kind != "PROBE":
            raise SchemaError("line %d: unknown row kind %r" % (number, kind))
    for number, table, index, columns in indexes:
        if table not in tables:
            raise SchemaError("line %d: index %s on unknown table %s" % (number, index, table))
        names = [_name(c.strip(), "column", number) for c in columns.split(",")]
        known = set(c for c, dummy in tables[table]["columns"])
        missing = [c for c in names if c not in known]
        if missing:
            raise SchemaError("line %d: index %s names unknown column(s) %s" % (number, index, ", ".join(missing)))
        tables[table]["indexes"][_name(index, "index", number)] = names
    if not tables:
        raise SchemaError("no table found in the schema data")
    return tables


def create_table_sql(table, spec):
    columns = ["%s %s" % (name, column_type) for name, column_type in spec["columns"]]
    columns.append("%s %s NOT NULL DEFAULT %s PRIMARY KEY" % (KEY_COLUMN, KEY_TYPE, KEY_DEFAULT))
    return "CREATE TABLE %s (%s)" % (table, ", ".join(columns))


def schema_statements(desired, current, grant_to=None, current_grants=None):
    """SQL that brings ``current`` to ``desired``, in order.

    ``current`` is ``{table: {"columns": [names], "indexes": [names], "primary_key": [cols]}}``
    as read from the catalog; ``current_grants`` is ``{table: set of privileges}``
    held by ``grant_to``. A table that exists without the surrogate key gets it
    added (existing rows get fresh UUIDs); missing columns and indexes are added.
    """
    statements = []
    current_grants = current_grants or {}
    wanted = ("DELETE", "INSERT", "SELECT", "UPDATE")
    for table in sorted(desired):
        spec = desired[table]
        have = current.get(table)
        if have is None:
            statements.append(create_table_sql(table, spec))
            have_indexes = set()
        else:
            have_columns = set(have.get("columns") or [])
            for name, column_type in spec["columns"]:
                if name not in have_columns:
                    statements.append("ALTER TABLE %s ADD COLUMN %s %s" % (table, name, column_type))
            if KEY_COLUMN not in have_columns:
                statements.append("ALTER TABLE %s ADD COLUMN %s %s NOT NULL DEFAULT %s" % (table, KEY_COLUMN, KEY_TYPE, KEY_DEFAULT))
            if not have.get("primary_key"):
                statements.append("ALTER TABLE %s ADD PRIMARY KEY (%s)" % (table, KEY_COLUMN))
            elif list(have["primary_key"]) != [KEY_COLUMN]:
                raise SchemaError("table %s already has a primary key on (%s), not on %s" % (
                    table, ", ".join(have["primary_key"]), KEY_COLUMN))
            have_indexes = set(have.get("indexes") or [])
        for index in sorted(spec["indexes"]):
            if index not in have_indexes:
                statements.append("CREATE INDEX %s ON %s (%s)" % (index, table, ", ".join(spec["indexes"][index])))
        if grant_to:
            missing = [p for p in wanted if p not in current_grants.get(table, set())]
            if missing:
                statements.append("GRANT %s ON %s TO %s" % (", ".join(missing), table, quote_ident(grant_to)))
    return statements


def quote_ident(name):
    """A SQL identifier, double-quoted."""
    return '"%s"' % str(name).replace('"', '""')


# The views FreeSWITCH creates next to its core tables (src/switch_core_sqldb.c,
# detailed_calls_sql and basic_calls_sql; 1.10 added a.accountcode). `show
# calls` and `show detailed_calls` read them; FreeSWITCH probes them at start
# with "select * from <view> where sent_callee_name=''". With
# auto-create-schemas off FreeSWITCH does not create them, and logical
# replication does not carry views: every node gets them from here. The SQL is
# FreeSWITCH's own text (it sends the same statement to PostgreSQL through
# ODBC); only the output columns are spelled out here, in FreeSWITCH's order.
_DETAILED_A = ("uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr",
               "dest", "application", "application_data", "dialplan", "context", "read_codec", "read_rate",
               "read_bit_rate", "write_codec", "write_rate", "write_bit_rate", "secure", "hostname", "presence_id",
               "presence_data", "accountcode", "callstate", "callee_name", "callee_num", "callee_direction",
               "call_uuid", "sent_callee_name", "sent_callee_num")
_BASIC_A = ("uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr",
            "dest", "presence_id", "presence_data", "accountcode", "callstate", "callee_name", "callee_num",
            "callee_direction", "call_uuid", "hostname", "sent_callee_name", "sent_callee_num")
_BASIC_B = ("uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr",
            "dest", "presence_id", "presence_data", "callstate", "callee_name", "callee_num", "callee_direction",
            "sent_callee_name", "sent_callee_num")
_CALLS_FROM = ("from channels a "
               "left join calls c on a.uuid = c.caller_uuid and a.hostname = c.hostname "
               "left join channels b on b.uuid = c.callee_uuid and b.hostname = c.hostname "
               "where a.uuid = c.caller_uuid or a.uuid not in (select callee_uuid from calls)")
# Which table each alias of the views' FROM clause names.
_ALIASES = {"a": "channels", "b": "channels", "c": "calls"}


def _view(a_columns, b_columns):
    columns = [("a." + c, c) for c in a_columns]
    columns += [("b." + c, "b_" + c) for c in b_columns]
    columns.append(("c.call_created_epoch", "call_created_epoch"))
    return {"columns": columns, "from": _CALLS_FROM}


VIEWS = {
    "detailed_calls": _view(_DETAILED_A, tuple(c for c in _DETAILED_A if c != "accountcode")),
    "basic_calls": _view(_BASIC_A, _BASIC_B),
}
VIEW_PRIVILEGES = ("SELECT",)


def view_columns(view, views=None):
    """The output columns of ``view``, in order."""
    return [alias for dummy, alias in (views or VIEWS)[view]["columns"]]


def create_view_sql(view, views=None):
    """FreeSWITCH's statement for ``view``."""
    spec = (views or VIEWS)[view]
    select = ",".join("%s as %s" % (expr, alias) for expr, alias in spec["columns"])
    return "create view %s as select %s %s" % (view, select, spec["from"])


def check_views(desired, views=None):
    """Raise SchemaError when a view reads a column that the schema data does not define."""
    for view, spec in sorted((views or VIEWS).items()):
        for expr, dummy in spec["columns"]:
            alias, column = expr.split(".", 1)
            table = _ALIASES[alias]
            if table not in desired:
                raise SchemaError("view %s reads table %s, which the schema data does not define" % (view, table))
            if column not in set(c for c, dummy in desired[table]["columns"]):
                raise SchemaError("view %s reads %s.%s, which the schema data does not define" % (view, table, column))


def view_statements(desired, current_views, grant_to=None, current_grants=None, views=None):
    """SQL that creates the FreeSWITCH views, or recreates one whose columns differ, and grants SELECT.

    ``current_views`` is ``{view: [columns in order]}`` as read from the
    catalog; ``current_grants`` is ``{view: set of privileges}`` held by
    ``grant_to``. A view holds no data: one with other columns (an older
    FreeSWITCH's) is dropped and created again in the same transaction.
    """
    views = views or VIEWS
    check_views(desired, views)
    current_grants = current_grants or {}
    statements = []
    for view in sorted(views):
        have = current_views.get(view)
        fresh = have is None
        if have is not None and list(have) != view_columns(view, views):
            statements.append("DROP VIEW %s" % view)
            fresh = True
        if fresh:
            statements.append(create_view_sql(view, views))
        if grant_to and (fresh or not set(VIEW_PRIVILEGES) <= set(current_grants.get(view, set()))):
            statements.append("GRANT %s ON %s TO %s" % (", ".join(VIEW_PRIVILEGES), view, quote_ident(grant_to)))
    return statements
