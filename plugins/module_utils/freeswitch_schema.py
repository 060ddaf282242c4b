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
