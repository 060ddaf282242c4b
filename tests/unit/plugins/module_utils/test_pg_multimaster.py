"""pg_multimaster: engine choice and the membership plan (SQL) for every state."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.pg_multimaster import (
    MembershipError,
    pg_multimaster_engine,
    describe,
    desired_state,
    plan_membership,
    subscription_name,
    supported_engines,
)

PEERS = [{"name": "db1", "dsn": "host=10.0.0.1"}, {"name": "db2", "dsn": "host=10.0.0.2"}, {"name": "db3", "dsn": "host=10.0.0.3"}]
EMPTY = {"node": None, "node_dsn": None, "set_tables": [], "publication": False, "subscriptions": {}, "has_rows": False}


@pytest.mark.parametrize(("version", "override", "engine"), [
    (15, "auto", "pglogical"), (13, None, "pglogical"), (16, "auto", "native"), (17, "auto", "native"),
    (17, "pglogical", "pglogical"), ("15", "auto", "pglogical"), (18, "native", "native"),
])
def test_engine_follows_the_version(version, override, engine):
    assert pg_multimaster_engine(version, override) == engine


@pytest.mark.parametrize(("version", "override", "fragment"), [
    (9, "auto", "no supported multi-master engine"), ("fifteen", "auto", "no supported"), (True, "auto", "no supported"),
    (15, "native", "does not run on PostgreSQL 15"), (18, "pglogical", "does not run on PostgreSQL 18"),
    (15, "bdr", "unknown engine"),
])
def test_impossible_engine_is_refused(version, override, fragment):
    with pytest.raises(MembershipError, match=fragment):
        pg_multimaster_engine(version, override)


def test_supported_engines_never_empty_from_10_on():
    assert all(supported_engines(v) for v in range(10, 30))
    assert supported_engines(None) == []


def test_subscription_names_are_sql_safe_and_bounded():
    assert subscription_name("DB-1.example", "db2") == "fsha_db_1_example_from_db2"
    with pytest.raises(MembershipError, match="longer than 63"):
        subscription_name("a" * 40, "b" * 20)


def test_pglogical_fresh_node_publishes_then_copies_from_its_first_peer_only():
    desired = desired_state("db3", "host=/run dbname=x", PEERS)
    publish = plan_membership("pglogical", EMPTY, desired, subscribe=False, tables=["calls", "nat"])
    assert [s[0].split("(")[0] for s in publish] == ["SELECT pglogical.create_node"] + ["SELECT pglogical.replication_set_add_table"] * 2
    steps = plan_membership("pglogical", EMPTY, desired, tables=["calls"])
    subs = [s for s in steps if "create_subscription" in s[0]]
    assert [(s[1][0], s[1][3]) for s in subs] == [("fsha_db3_from_db1", True), ("fsha_db3_from_db2", False)]
    assert all("forward_origins := '{}'" in s[0] for s in subs)


def test_node_with_data_or_subscriptions_never_copies():
    desired = desired_state("db1", "dsn", PEERS)
    with_rows = dict(EMPTY, node="db1", node_dsn="dsn", has_rows=True)
    assert all(s[1][3] is False for s in plan_membership("pglogical", with_rows, desired) if "create_subscription" in s[0])
    joined = dict(EMPTY, node="db1", node_dsn="dsn", subscriptions={"fsha_db1_from_db2": {"dsn": "host=10.0.0.2", "enabled": True}})
    steps = plan_membership("pglogical", joined, desired)
    assert steps == [(steps[0][0], ("fsha_db1_from_db3", "host=10.0.0.3", "default", False))]


def test_native_publication_and_origin_none_subscriptions():
    desired = desired_state("db1", "unused", PEERS[:2])
    steps = plan_membership("native", EMPTY, desired)
    assert steps[0] == ('CREATE PUBLICATION "fsha_multimaster" FOR ALL TABLES', ())
    assert steps[1] == ('CREATE SUBSCRIPTION "fsha_db1_from_db2" CONNECTION %s PUBLICATION "fsha_multimaster" '
                        "WITH (origin = none, copy_data = true)", ("host=10.0.0.2",))


def test_converged_state_plans_nothing_for_both_engines():
    desired = desired_state("db1", "dsn", PEERS)
    subs = {name: {"dsn": sub["dsn"], "enabled": True} for name, sub in desired["subscriptions"].items()}
    pgl = dict(EMPTY, node="db1", node_dsn="dsn", set_tables=["calls"], subscriptions=subs, has_rows=True)
    assert plan_membership("pglogical", pgl, desired, tables=["calls"]) == []
    assert plan_membership("native", dict(EMPTY, publication=True, subscriptions=subs), desired) == []


def test_removed_peer_subscription_is_dropped_without_reaching_the_peer():
    desired = desired_state("db1", "dsn", PEERS[:2])
    current = dict(EMPTY, publication=True, subscriptions={
        "fsha_db1_from_db2": {"dsn": "host=10.0.0.2", "enabled": True},
        "fsha_db1_from_old": {"dsn": "host=10.0.0.9", "enabled": True},
        "someone_elses": {"dsn": "x", "enabled": True},
    })
    assert [s[0] for s in plan_membership("native", current, desired)] == [
        'ALTER SUBSCRIPTION "fsha_db1_from_old" DISABLE',
        'ALTER SUBSCRIPTION "fsha_db1_from_old" SET (slot_name = NONE)',
        'DROP SUBSCRIPTION "fsha_db1_from_old"',
    ]


def test_changed_dsn_and_disabled_subscription():
    desired = desired_state("db1", "dsn", PEERS[:2])
    current = dict(EMPTY, publication=True, subscriptions={"fsha_db1_from_db2": {"dsn": "host=old", "enabled": False}})
    assert plan_membership("native", current, desired) == [
        ('ALTER SUBSCRIPTION "fsha_db1_from_db2" CONNECTION %s', ("host=10.0.0.2",)),
        ('ALTER SUBSCRIPTION "fsha_db1_from_db2" ENABLE', ()),
    ]
    with pytest.raises(MembershipError, match="node interfaces"):
        plan_membership("pglogical", dict(current, node="db1", node_dsn="dsn"), desired)


def test_wrong_node_or_duplicate_peer_is_refused():
    with pytest.raises(MembershipError, match="already pglogical node other"):
        plan_membership("pglogical", dict(EMPTY, node="other", node_dsn="dsn"), desired_state("db1", "dsn", PEERS))
    with pytest.raises(MembershipError, match="listed twice"):
        desired_state("db1", "dsn", PEERS + PEERS[1:2])


def test_describe_hides_dsns():
    picture = describe({"node": "db1", "subscriptions": {"fsha_db1_from_db2": {"dsn": "password=secret"}}})
    assert picture == {"node": "db1", "subscriptions": ["fsha_db1_from_db2"]}
    assert "secret" not in repr(picture)


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=2, max_size=5, unique=True), st.booleans())
def test_applying_a_plan_converges(names, rows):
    """Whatever the peers, applying the plan once leaves nothing to do (idempotence)."""
    peers = [{"name": n, "dsn": "host=" + n} for n in names]
    desired = desired_state(names[0], "dsn", peers)
    current = dict(EMPTY, has_rows=rows)
    steps = plan_membership("native", current, desired)
    assert sum("CREATE SUBSCRIPTION" in s[0] for s in steps) == len(names) - 1
    assert sum("copy_data = true" in s[0] for s in steps) == (0 if rows else 1)
    after = dict(current, publication=True, subscriptions={k: {"dsn": v["dsn"], "enabled": True} for k, v in desired["subscriptions"].items()})
    assert plan_membership("native", after, desired) == []
