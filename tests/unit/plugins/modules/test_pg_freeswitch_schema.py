"""pg_freeswitch_schema without a server: argument and schema data checks, check mode on a fresh host, the SQL it
would run against a stand-in catalog, one transaction and its rollback.

What PostgreSQL does with that SQL (tables, keys, views, grants, a second run changing nothing) is covered by the
database Molecule scenarios (molecule/db_bookworm, molecule/db_trixie), whose converge runs this module.
"""

from __future__ import annotations

from pathlib import Path

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils import pg_connect
from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_schema import (
    KEY_COLUMN,
    VIEWS,
    parse_schema,
    view_columns,
)
from ansible_collections.telephony.freeswitch_ha.plugins.modules import pg_freeswitch_schema as module

from .module_harness import run_module
from .pg_harness import FakeConnection, connect_to

TSV = (Path(__file__).resolve().parents[4] / "roles/postgres_bdr/files/freeswitch-schema-v1.10.12.tsv").read_text()
TABLES = parse_schema(TSV)


def catalog(tables=None, views=None, primary_key=(KEY_COLUMN,), granted=True):
    """The catalog answers of a database holding ``tables`` (as parse_schema gives them, all by default) and
    ``views`` (FreeSWITCH's by default)."""
    tables = TABLES if tables is None else tables
    views = {view: view_columns(view) for view in VIEWS} if views is None else views
    return [
        ("information_schema.columns",
         [(t, c) for t, spec in tables.items() for c in [name for name, dummy in spec["columns"]] + [KEY_COLUMN]]),
        ("FROM pg_indexes", [(t, i) for t, spec in tables.items() for i in list(spec["indexes"]) + [t + "_pkey"]]),
        ("i.indisprimary", [(t, c) for t in tables for c in primary_key]),
        ("FROM pg_roles", [(1,)]),
        ("has_table_privilege", [(granted,)]),
        ("c.relkind = 'v'", [(v, c) for v, columns in sorted(views.items()) for c in columns]),
    ]


def without(table, column=None, index=None):
    """TABLES with ``table`` lacking ``column`` or ``index``."""
    tables = {t: dict(spec) for t, spec in TABLES.items()}
    spec = tables[table]
    spec["columns"] = [(name, kind) for name, kind in spec["columns"] if name != column]
    spec["indexes"] = {name: cols for name, cols in spec["indexes"].items() if name != index}
    return tables


def _run(monkeypatch, **args):
    return run_module(monkeypatch, module, dict({"login_db": "freeswitch", "schema": TSV}, **args))


def test_check_mode_on_a_fresh_host_reports_every_table_and_view(monkeypatch):
    monkeypatch.setattr(pg_connect, "HAS_PSYCOPG2", False)
    result = _run(monkeypatch, grant_to="freeswitch", _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["tables"] == sorted(TABLES)
    creates = [s.split(" (")[0] for s in result["statements"] if s.startswith("CREATE TABLE")]
    assert creates == ["CREATE TABLE " + t for t in sorted(TABLES)]
    assert [s.split(" as ")[0] for s in result["statements"] if s.startswith("create view")] == [
        "create view basic_calls", "create view detailed_calls"]
    assert "GRANT SELECT ON basic_calls TO \"freeswitch\"" in result["statements"]
    assert "GRANT DELETE, INSERT, SELECT, UPDATE ON channels TO \"freeswitch\"" in result["statements"]
    assert result["diff"]["before"] == {"tables": {}, "views": {}}
    assert KEY_COLUMN in result["diff"]["after"]["tables"]["channels"]["columns"]


def test_without_psycopg2_a_real_run_fails(monkeypatch):
    monkeypatch.setattr(pg_connect, "HAS_PSYCOPG2", False)
    result = _run(monkeypatch)
    assert result["failed"] and "psycopg2" in result["msg"]


def test_arguments_are_validated(monkeypatch):
    result = run_module(monkeypatch, module, {"login_db": "freeswitch"})
    assert result["failed"] and result["msg"] == "missing required arguments: schema"


def test_bad_schema_data_fails_before_connecting(monkeypatch):
    calls = connect_to(monkeypatch, module, FakeConnection())
    result = _run(monkeypatch, schema="BOGUS\tx\n")
    assert result["failed"] and result["msg"] == "schema data: line 1: unknown row kind 'BOGUS'"
    assert calls == []


def test_an_up_to_date_database_changes_nothing(monkeypatch):
    conn = FakeConnection(catalog())
    calls = connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch, grant_to="freeswitch", login_port=5433)
    assert (result["changed"], result["statements"]) == (False, [])
    assert result["diff"]["before"] == result["diff"]["after"]
    assert calls[0]["login_port"] == 5433
    assert conn.writes == [] and conn.commits == 0 and conn.closed


def test_missing_parts_are_added_in_one_transaction(monkeypatch):
    old_view = {"basic_calls": ["uuid", "direction"], "detailed_calls": view_columns("detailed_calls")}
    conn = FakeConnection(catalog(without("registrations", column="network_port", index="regindex1"), old_view))
    connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch)
    column_type = dict(TABLES["registrations"]["columns"])["network_port"]
    assert result["changed"] is True
    assert result["statements"] == [
        f"ALTER TABLE registrations ADD COLUMN network_port {column_type}",
        "CREATE INDEX regindex1 ON registrations (%s)" % ", ".join(TABLES["registrations"]["indexes"]["regindex1"]),
        "DROP VIEW basic_calls",
        result["statements"][3],
    ]
    assert result["statements"][3].startswith("create view basic_calls as select a.uuid as uuid,")
    assert [sql for sql, dummy in conn.writes] == result["statements"]
    assert (conn.autocommit, conn.commits, conn.rollbacks) == (False, 1, 0)


def test_check_mode_on_an_existing_database_writes_nothing(monkeypatch):
    conn = FakeConnection(catalog(without("registrations", column="network_port")))
    connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch, _ansible_check_mode=True)
    assert result["changed"] is True and result["statements"][0].startswith("ALTER TABLE registrations ADD COLUMN")
    assert conn.writes == [] and conn.commits == 0


def test_a_failing_statement_rolls_the_transaction_back(monkeypatch):
    conn = FakeConnection(catalog(without("registrations", index="regindex1")), fail_on="CREATE INDEX",
                          error=module.DatabaseError)
    connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch)
    assert result["failed"] and result["msg"] == "schema change failed: boom: CREATE INDEX"
    assert result["statements"] == ["CREATE INDEX regindex1 ON registrations (%s)"
                                    % ", ".join(TABLES["registrations"]["indexes"]["regindex1"])]
    assert (conn.commits, conn.rollbacks) == (0, 1)


def test_a_table_keyed_on_another_column_is_refused(monkeypatch):
    connect_to(monkeypatch, module, FakeConnection(catalog(primary_key=("uuid",))))
    result = _run(monkeypatch)
    assert result["failed"] and "already has a primary key on (uuid), not on fsha_row_id" in result["msg"]


def test_missing_grants_alone_are_granted(monkeypatch):
    connect_to(monkeypatch, module, FakeConnection(catalog(granted=False)))
    result = _run(monkeypatch, grant_to="freeswitch")
    assert result["statements"] == (
        ["GRANT DELETE, INSERT, SELECT, UPDATE ON %s TO \"freeswitch\"" % t for t in sorted(TABLES)]
        + ["GRANT SELECT ON %s TO \"freeswitch\"" % v for v in sorted(VIEWS)])
    assert result["diff"]["before"]["tables"]["channels"]["grants"] == []
    assert result["diff"]["after"]["tables"]["channels"]["grants"] == ["DELETE", "INSERT", "SELECT", "UPDATE"]
