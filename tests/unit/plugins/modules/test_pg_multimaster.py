"""pg_multimaster without a server: argument checks, check mode on a fresh host, the SQL (and its parameters) it
would run against a stand-in catalog for both engines, and its error messages.

Replication itself (nodes, publications, subscriptions without loops, a node joining a running group) is covered by
the database Molecule scenarios: molecule/db_bookworm (pglogical) and molecule/db_trixie (native).
"""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils import pg_connect
from ansible_collections.telephony.freeswitch_ha.plugins.modules import pg_multimaster as module

from .module_harness import run_module
from .pg_harness import FakeConnection, connect_to

DB1 = "host=10.0.0.31 dbname=freeswitch user=replication"
DB2 = "host=10.0.0.32 dbname=freeswitch user=replication"
DB3 = "host=10.0.0.33 dbname=freeswitch user=replication"
PEERS = [{"name": "db1", "dsn": DB1}, {"name": "db2", "dsn": DB2}, {"name": "db3", "dsn": DB3}]
CREATE_SUBSCRIPTION = ("SELECT pglogical.create_subscription(subscription_name := %s, provider_dsn := %s, "
                       "replication_sets := ARRAY[%s], synchronize_structure := false, synchronize_data := %s, "
                       "forward_origins := '{}')")
ADD_TABLE = ("SELECT pglogical.replication_set_add_table(set_name := %s, relation := %s::regclass, "
             "synchronize_data := false)")


def pglogical_catalog(node=None, set_tables=(), subscriptions=(), has_rows=False):
    return [
        ("c.relkind = 'r'", lambda params: [(t,) for t in params[0]]),
        ("SELECT EXISTS", [(has_rows,)]),
        ("FROM pg_extension", [(1,)]),
        ("FROM pglogical.local_node", [node] if node else []),
        ("FROM pglogical.replication_set_table", [(t,) for t in set_tables]),
        ("FROM pglogical.subscription", list(subscriptions)),
    ]


def native_catalog(publication=True, subscriptions=(), has_rows=True):
    return [
        ("c.relkind = 'r'", lambda params: [(t,) for t in params[0]]),
        ("SELECT EXISTS", [(has_rows,)]),
        ("FROM pg_publication", [(1,)] if publication else []),
        ("FROM pg_subscription", list(subscriptions)),
    ]


def _run(monkeypatch, **args):
    base = {"login_db": "freeswitch", "engine": "pglogical", "node_name": "db1", "node_dsn": DB1, "peers": PEERS,
            "tables": ["channels", "calls"]}
    return run_module(monkeypatch, module, dict(base, **args))


def test_check_mode_on_a_fresh_host_reports_the_whole_membership(monkeypatch):
    monkeypatch.setattr(pg_connect, "HAS_PSYCOPG2", False)
    result = _run(monkeypatch, _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["statements"] == [
        "SELECT pglogical.create_node(node_name := %s, dsn := %s)", ADD_TABLE, ADD_TABLE,
        CREATE_SUBSCRIPTION, CREATE_SUBSCRIPTION]
    assert result["subscriptions"] == ["fsha_db1_from_db2", "fsha_db1_from_db3"]
    assert result["diff"] == {"before": {"node": None, "subscriptions": []},
                              "after": {"node": "db1", "subscriptions": ["fsha_db1_from_db2", "fsha_db1_from_db3"]}}


def test_without_psycopg2_a_real_run_fails(monkeypatch):
    monkeypatch.setattr(pg_connect, "HAS_PSYCOPG2", False)
    result = _run(monkeypatch)
    assert result["failed"] and "psycopg2" in result["msg"]


def test_arguments_are_validated(monkeypatch):
    result = _run(monkeypatch, engine="bdr")
    assert result["failed"] and "value of engine must be one of: pglogical, native, got: bdr" in result["msg"]
    result = _run(monkeypatch, peers=[{"name": "db2"}])
    assert result["failed"] and "missing required arguments: dsn" in result["msg"]
    result = _run(monkeypatch, copy_data="sometimes")
    assert result["failed"] and "copy_data" in result["msg"]


def test_a_fresh_node_copies_from_its_first_peer_only(monkeypatch):
    conn = FakeConnection(pglogical_catalog())
    connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch)
    assert result["changed"] is True
    assert conn.writes == [
        ("SELECT pglogical.create_node(node_name := %s, dsn := %s)", ("db1", DB1)),
        (ADD_TABLE, ("default", "calls")),
        (ADD_TABLE, ("default", "channels")),
        (CREATE_SUBSCRIPTION, ("fsha_db1_from_db2", DB2, "default", True)),
        (CREATE_SUBSCRIPTION, ("fsha_db1_from_db3", DB3, "default", False)),
    ]
    assert conn.closed


def test_publish_only_makes_the_node_and_its_set(monkeypatch):
    conn = FakeConnection(pglogical_catalog(node=("db1", DB1), set_tables=["channels"]))
    connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch, subscribe=False)
    assert conn.writes == [(ADD_TABLE, ("default", "calls"))]
    assert result["subscriptions"] == []


def test_a_member_in_place_changes_nothing(monkeypatch):
    subscriptions = [("fsha_db1_from_db2", DB2, True), ("fsha_db1_from_db3", DB3, True)]
    conn = FakeConnection(pglogical_catalog(("db1", DB1), ["calls", "channels"], subscriptions, has_rows=True))
    connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch)
    assert (result["changed"], result["statements"], conn.writes) == (False, [], [])
    assert result["diff"]["before"] == result["diff"]["after"]


def test_another_pglogical_node_is_refused(monkeypatch):
    conn = FakeConnection(pglogical_catalog(node=("db9", DB1)))
    connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch)
    assert result["failed"] and result["msg"] == "this database is already pglogical node db9, not db1"
    assert conn.writes == []


def test_a_peer_listed_twice_is_refused(monkeypatch):
    connect_to(monkeypatch, module, FakeConnection(pglogical_catalog()))
    result = _run(monkeypatch, peers=PEERS + [{"name": "db2", "dsn": DB2}])
    assert result["failed"] and result["msg"] == "peer db2 is listed twice"


def test_native_drops_a_removed_peer_and_enables_a_disabled_one(monkeypatch):
    subscriptions = [("fsha_db1_from_db2", DB2, False), ("fsha_db1_from_db3", DB3, True), ("manual_sub", DB3, True)]
    conn = FakeConnection(native_catalog(subscriptions=subscriptions))
    connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch, engine="native", peers=PEERS[:2], _ansible_diff=True)
    assert conn.writes == [
        ('ALTER SUBSCRIPTION "fsha_db1_from_db3" DISABLE', None),
        ('ALTER SUBSCRIPTION "fsha_db1_from_db3" SET (slot_name = NONE)', None),
        ('DROP SUBSCRIPTION "fsha_db1_from_db3"', None),
        ('ALTER SUBSCRIPTION "fsha_db1_from_db2" ENABLE', None),
    ]
    assert result["diff"]["before"]["subscriptions"] == ["fsha_db1_from_db2", "fsha_db1_from_db3", "manual_sub"]
    assert result["subscriptions"] == ["fsha_db1_from_db2", "manual_sub"]


def test_native_publishes_then_subscribes_without_loops(monkeypatch):
    conn = FakeConnection(native_catalog(publication=False, has_rows=False))
    connect_to(monkeypatch, module, conn)
    _run(monkeypatch, engine="native")
    assert conn.writes == [
        ('CREATE PUBLICATION "fsha_multimaster" FOR ALL TABLES', None),
        ('CREATE SUBSCRIPTION "fsha_db1_from_db2" CONNECTION %s PUBLICATION "fsha_multimaster" '
         'WITH (origin = none, copy_data = true)', (DB2,)),
        ('CREATE SUBSCRIPTION "fsha_db1_from_db3" CONNECTION %s PUBLICATION "fsha_multimaster" '
         'WITH (origin = none, copy_data = false)', (DB3,)),
    ]


def test_a_failing_statement_names_itself(monkeypatch):
    conn = FakeConnection(native_catalog(publication=False), fail_on="CREATE PUBLICATION", error=module.DatabaseError)
    connect_to(monkeypatch, module, conn)
    result = _run(monkeypatch, engine="native")
    assert result["failed"]
    assert result["msg"] == 'CREATE PUBLICATION "fsha_multimaster" FOR ALL TABLES failed: boom: CREATE PUBLICATION'
    assert len(result["statements"]) == 3 and conn.writes == []
