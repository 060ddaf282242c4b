"""freeswitch_schema: the TSV becomes tables with surrogate keys; a re-run plans nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_schema import (
    KEY_COLUMN,
    VIEWS,
    SchemaError,
    create_table_sql,
    create_view_sql,
    parse_schema,
    schema_statements,
    view_columns,
    view_statements,
)

TSV = (Path(__file__).resolve().parents[4] / "roles/postgres_bdr/files/freeswitch-schema-v1.10.12.tsv").read_text()
CORE = {"complete", "aliases", "channels", "calls", "interfaces", "tasks", "nat", "registrations", "recovery"}
SOFIA = {"sip_registrations", "sip_presence", "sip_dialogs", "sip_subscriptions", "sip_authentication",
         "sip_shared_appearance_subscriptions", "sip_shared_appearance_dialogs"}


def test_every_core_sofia_and_verto_table_is_read():
    tables = parse_schema(TSV)
    assert set(tables) == CORE | SOFIA | {"json_store"}
    assert tables["json_store"]["db"] == "verto"
    assert tables["nat"]["indexes"]["nat_map_port_proto"] == ["port", "proto", "hostname"]


def test_channels_uses_the_postgresql_variant_only():
    columns = parse_schema(TSV)["channels"]["columns"]
    assert len(columns) == len({name for name, dummy in columns}) == 38
    assert dict(columns)["created_epoch"] == "INTEGER"


def test_new_table_gets_the_uuid_key_as_last_column():
    sql = create_table_sql("json_store", parse_schema(TSV)["json_store"])
    assert sql == ("CREATE TABLE json_store (name varchar(255) not null, data text, "
                   f"{KEY_COLUMN} uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY)")


def test_empty_database_gets_every_table_index_and_grant():
    desired = parse_schema(TSV)
    statements = schema_statements(desired, {}, "freeswitch", {})
    assert sum(s.startswith("CREATE TABLE") for s in statements) == len(desired)
    assert sum(s.startswith("CREATE INDEX") for s in statements) == sum(len(t["indexes"]) for t in desired.values())
    assert 'GRANT DELETE, INSERT, SELECT, UPDATE ON calls TO "freeswitch"' in statements


def _as_current(desired):
    return {t: {"columns": [c for c, dummy in s["columns"]] + [KEY_COLUMN], "indexes": list(s["indexes"]) + [t + "_pkey"],
                "primary_key": [KEY_COLUMN]} for t, s in desired.items()}


def test_complete_database_plans_nothing():
    desired = parse_schema(TSV)
    grants = {t: {"DELETE", "INSERT", "SELECT", "UPDATE"} for t in desired}
    assert schema_statements(desired, _as_current(desired), "freeswitch", grants) == []


def test_table_created_by_freeswitch_gets_key_column_and_missing_index():
    desired = parse_schema(TSV)
    current = _as_current(desired)
    current["registrations"] = {"columns": [c for c, dummy in desired["registrations"]["columns"] if c != "metadata"],
                                "indexes": [], "primary_key": []}
    statements = schema_statements(desired, current)
    assert statements == [
        "ALTER TABLE registrations ADD COLUMN metadata VARCHAR(256)",
        f"ALTER TABLE registrations ADD COLUMN {KEY_COLUMN} uuid NOT NULL DEFAULT gen_random_uuid()",
        f"ALTER TABLE registrations ADD PRIMARY KEY ({KEY_COLUMN})",
        "CREATE INDEX regindex1 ON registrations (reg_user, realm, hostname)",
    ]


def test_foreign_primary_key_is_refused():
    desired = parse_schema(TSV)
    current = _as_current(desired)
    current["nat"]["primary_key"] = ["port"]
    with pytest.raises(SchemaError, match="nat already has a primary key on \\(port\\)"):
        schema_statements(desired, current)


@pytest.mark.parametrize(("text", "fragment"), [
    ("COLUMN\tcore\tt\t1\tbad-name\tINTEGER", "not a plain SQL identifier"),
    ("COLUMN\tcore\tt\t1\tx\tINTEGER; DROP TABLE y", "not understood"),
    ("COLUMN\tcore\tt\t1\tx", "6 fields"),
    ("INDEX\tcore\tt\ti1\tx", "unknown table"),
    ("COLUMN\tcore\tt\t1\tx\tINTEGER\nINDEX\tcore\tt\ti1\ty", "unknown column"),
    ("TABLE\tcore\tt", "unknown row kind"),
    (f"COLUMN\tcore\tt\t1\t{KEY_COLUMN}\tuuid", "reserved"),
    ("# only a comment", "no table"),
])
def test_bad_schema_data_is_refused_with_its_line(text, fragment):
    with pytest.raises(SchemaError, match=fragment):
        parse_schema(text)


# The views FreeSWITCH creates (src/switch_core_sqldb.c): FreeSWITCH's own SQL, every column read from the schema.

def test_empty_database_gets_both_views_with_freeswitch_sql_and_a_select_grant():
    statements = view_statements(parse_schema(TSV), {}, "freeswitch")
    assert statements == [create_view_sql("basic_calls"), 'GRANT SELECT ON basic_calls TO "freeswitch"',
                          create_view_sql("detailed_calls"), 'GRANT SELECT ON detailed_calls TO "freeswitch"']
    basic = create_view_sql("basic_calls")
    assert basic.startswith("create view basic_calls as select a.uuid as uuid,a.direction as direction,")
    assert basic.endswith("from channels a left join calls c on a.uuid = c.caller_uuid and a.hostname = c.hostname "
                          "left join channels b on b.uuid = c.callee_uuid and b.hostname = c.hostname "
                          "where a.uuid = c.caller_uuid or a.uuid not in (select callee_uuid from calls)")
    assert "c.call_created_epoch as call_created_epoch from channels a" in basic


def test_view_columns_follow_freeswitch_order():
    detailed = view_columns("detailed_calls")
    basic = view_columns("basic_calls")
    # FreeSWITCH's probe at start selects sent_callee_name from both.
    assert "sent_callee_name" in detailed and "sent_callee_name" in basic
    assert detailed[:3] == ["uuid", "direction", "created"] and detailed[-1] == "call_created_epoch"
    assert detailed.index("accountcode") == detailed.index("presence_data") + 1
    assert "b_accountcode" not in detailed and "b_call_uuid" in detailed
    assert "application" not in basic and "b_call_uuid" not in basic
    assert basic.index("hostname") == basic.index("call_uuid") + 1
    assert (len(detailed), len(basic)) == (64, 40)
    assert len(set(detailed)) == len(detailed) and len(set(basic)) == len(basic)
    assert KEY_COLUMN not in detailed + basic


def test_current_views_plan_nothing():
    current = {view: view_columns(view) for view in VIEWS}
    grants = {view: {"SELECT"} for view in VIEWS}
    assert view_statements(parse_schema(TSV), current, "freeswitch", grants) == []
    assert view_statements(parse_schema(TSV), current) == []


def test_missing_grant_is_added_alone():
    current = {view: view_columns(view) for view in VIEWS}
    assert view_statements(parse_schema(TSV), current, "freeswitch", {"basic_calls": {"SELECT"}}) == [
        'GRANT SELECT ON detailed_calls TO "freeswitch"']


def test_view_with_other_columns_is_recreated():
    current = {"basic_calls": view_columns("basic_calls"),
               "detailed_calls": [c for c in view_columns("detailed_calls") if c != "accountcode"]}
    grants = {view: {"SELECT"} for view in VIEWS}
    assert view_statements(parse_schema(TSV), current, "freeswitch", grants) == [
        "DROP VIEW detailed_calls", create_view_sql("detailed_calls"), 'GRANT SELECT ON detailed_calls TO "freeswitch"']


def test_view_reading_a_column_the_schema_lacks_is_refused():
    tables = parse_schema(TSV)
    tables["channels"]["columns"] = [c for c in tables["channels"]["columns"] if c[0] != "accountcode"]
    with pytest.raises(SchemaError, match="view basic_calls reads channels.accountcode"):
        view_statements(tables, {})
    tables = parse_schema(TSV)
    del tables["calls"]
    with pytest.raises(SchemaError, match="reads table calls"):
        view_statements(tables, {})
