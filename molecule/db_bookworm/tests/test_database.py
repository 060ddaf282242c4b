"""The database tier works: replication both ways through the real path, locked down.

Shared by db_bookworm (pglogical) and db_trixie (native; a symlink to this
file): host names come from the scenario's own inventory, with join/hosts.yml
merged in: verify runs after the side effect joined the third node, so every
check covers the two first nodes and the joined one. Reaches the containers
with docker exec (tools/db_drill.py), never over the network from the
controller (pg_hba lets it not in).
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

SCENARIO = Path(__file__).parent.parent
ROOT = SCENARIO.parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import db_drill as lab  # noqa: E402

LAB = lab.load_lab(SCENARIO / "inventory", SCENARIO / "join" / "hosts.yml")
NODES = list(LAB["databases"])
JOINED = [n for n in NODES if n not in lab.load_lab(SCENARIO / "inventory")["databases"]]
# side_effect.yml writes this many rows (realm join-before) through HAProxy before the join.
JOIN_ROWS = 200
CLIENT = LAB["client"]
RELEASE = yaml.safe_load((SCENARIO / "inventory/group_vars/all/lab.yml").read_text())["freeswitch_ha_lab_release"]
ENGINE = {"bookworm": "pglogical", "trixie": "native"}[RELEASE]
SECRET = lab.password()


def on_node(node, sql):
    return lab.node_sql(node, sql)


def eventually(predicate, timeout=30.0):
    """Poll until predicate() is truthy (replication is asynchronous); return its last value."""
    return lab.wait_until(predicate, timeout, interval=0.3)


def test_engine_matches_the_release():
    for node in NODES:
        if ENGINE == "pglogical":
            status = on_node(node, "SELECT subscription_name, status FROM pglogical.show_subscription_status()")
            assert sorted(s[0] for s in status) == sorted(f"fsha_{node}_from_{peer}" for peer in NODES if peer != node)
            assert all(s[1] == "replicating" for s in status), status
            assert on_node(node, "SHOW pglogical.conflict_resolution") == [["last_update_wins"]]
        else:
            subs = on_node(node, "SELECT subname, suborigin, subenabled FROM pg_subscription ORDER BY subname")
            assert [s[0] for s in subs] == sorted(f"fsha_{node}_from_{peer}" for peer in NODES if peer != node)
            assert all(s[1] == "none" and s[2] == "t" for s in subs), subs
            assert on_node(node, "SELECT puballtables FROM pg_publication WHERE pubname = 'fsha_multimaster'") == [["t"]]
        assert on_node(node, "SHOW track_commit_timestamp") == [["on"]]


def test_peers_slots_keep_bounded_wal():
    """max_slot_wal_keep_size from the inventory: every slot reports how much WAL it may still hold."""
    for node in NODES:
        assert on_node(node, "SHOW max_slot_wal_keep_size") == [["64MB"]]
        slots = on_node(node, "SELECT slot_name, wal_status, safe_wal_size IS NOT NULL FROM pg_replication_slots "
                              "WHERE slot_type = 'logical'")
        assert len(slots) >= len(NODES) - 1, slots
        assert all(s[1] in ("reserved", "extended") and s[2] == "t" for s in slots), slots


def test_backup_node_archives_into_an_encrypted_repository_with_a_full_backup():
    farm = yaml.safe_load((SCENARIO / "inventory/group_vars/all/farm.yml").read_text())
    backup = farm["freeswitch_ha_db_backup_node"]
    for node in NODES:
        archiving = on_node(node, "SHOW archive_mode") == [["on"]]
        assert archiving == (node == backup), node
    info = lab.docker("exec", "-u", "postgres", f"fsha-{backup}", "pgbackrest", "--stanza=freeswitch", "--output=json",
                      "info").stdout
    stanza = json.loads(info)[0]
    assert stanza["status"]["code"] == 0, stanza["status"]
    assert stanza["cipher"] == "aes-256-cbc"
    assert any(b["type"] == "full" for b in stanza["backup"]), stanza["backup"]
    # the repository's passphrase: readable by postgres (and root) only
    mode = lab.docker("exec", f"fsha-{backup}", "stat", "-c", "%a %U:%G", "/etc/pgbackrest/pgbackrest.conf").stdout.split()
    assert mode == ["640", "root:postgres"], mode
    failed = on_node(backup, "SELECT failed_count FROM pg_stat_archiver")
    assert failed == [["0"]], failed
    for timer in ("fsha-pgbackrest-full.timer", "fsha-pgbackrest-diff.timer"):
        state = lab.docker("exec", f"fsha-{backup}", "systemctl", "is-enabled", timer, check=False).stdout.strip()
        assert state == "enabled", (timer, state)


def test_every_freeswitch_table_has_the_surrogate_key():
    tables = lab.fs_tables()
    for node in NODES:
        keyed = on_node(node, """
            SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
            WHERE i.indisprimary AND a.attname = 'fsha_row_id' AND c.relnamespace = 'public'::regnamespace""")
        assert sorted(r[0] for r in keyed) == sorted(tables)


def test_scram_and_pg_hba_limited_to_clients_and_peers():
    addresses = {name: address for name, address in LAB["databases"].items()}
    boxes = yaml.safe_load((SCENARIO / "inventory/hosts.yml").read_text())["all"]["children"]["freeswitch"]["hosts"]
    client_addresses = [box["freeswitch_ha_address"] for box in boxes.values()]
    for node in NODES:
        assert on_node(node, "SHOW password_encryption") == [["scram-sha-256"]]
        hashes = on_node(node, "SELECT rolname, left(rolpassword, 14) FROM pg_authid WHERE rolname IN ('freeswitch', 'fsha_replication')")
        assert sorted(hashes) == [["freeswitch", "SCRAM-SHA-256$"], ["fsha_replication", "SCRAM-SHA-256$"]]
        rules = on_node(node, "SELECT type, database[1], user_name[1], address, netmask, auth_method, error FROM pg_hba_file_rules")
        assert all(r[6] == "" for r in rules), rules
        remote = sorted((r[1], r[2], r[3], r[5]) for r in rules if r[0] == "host")
        expected = sorted([("freeswitch", "fsha_replication", a, "scram-sha-256") for n, a in addresses.items() if n != node]
                          + [("freeswitch", "freeswitch", a, "scram-sha-256") for a in client_addresses])
        assert remote == expected


def test_haproxy_has_one_writer_and_a_backup():
    status = lab.haproxy_stat(CLIENT)
    assert status == {name: "UP" for name in NODES}
    config = lab.docker("exec", f"fsha-{CLIENT}", "cat", "/etc/haproxy/haproxy.cfg").stdout
    assert "option pgsql-check user freeswitch" in config
    assert "on-marked-down shutdown-sessions" in config
    # A connection stuck on the dead writer goes to the backup on its next retry.
    assert "    option redispatch 1" in config.splitlines()
    servers = [line.split() for line in config.splitlines() if line.strip().startswith("server ")]
    assert [s[1] for s in servers] == NODES
    assert ["backup" in s for s in servers] == [False] + [True] * (len(NODES) - 1)
    served = lab.proxy_sql(CLIENT, "SELECT host(inet_server_addr())", SECRET)
    assert served == [[LAB["databases"][NODES[0]]]]
    # manual failback: one stick table, shared by every client's HAProxy
    assert "    stick on int(1)" in config.splitlines()
    assert "    stick-table type integer size 16 peers fsha_pgsql" in config.splitlines()
    peers = [line.split()[1] for line in config.splitlines() if line.strip().startswith("peer ")]
    assert peers == LAB["clients"]
    assert "shutdown-backup-sessions" not in config


def test_row_written_through_haproxy_appears_on_every_node():
    marker = f"verify-{uuid.uuid4()}"
    lab.proxy_sql(CLIENT, f"INSERT INTO sip_registrations (call_id, sip_user, hostname) VALUES ('{marker}', 'alice', '{CLIENT}')", SECRET)
    for node in NODES:
        assert eventually(lambda n=node: on_node(n, f"SELECT sip_user FROM sip_registrations WHERE call_id = '{marker}'")) == [["alice"]]


@pytest.mark.parametrize("writer", NODES)
def test_insert_update_and_delete_on_any_node_replicate_to_every_other(writer):
    """Every node, the joined one included, is a writer whose changes reach all the others."""
    others = [n for n in NODES if n != writer]
    marker = f"verify-{uuid.uuid4()}"
    on_node(writer, f"INSERT INTO json_store (name, data) VALUES ('{marker}', 'v1')")
    for node in others:
        assert eventually(lambda n=node: on_node(n, f"SELECT data FROM json_store WHERE name = '{marker}'")) == [["v1"]], node
    on_node(writer, f"UPDATE json_store SET data = 'v2' WHERE name = '{marker}'")
    for node in others:
        assert eventually(lambda n=node: on_node(n, f"SELECT data FROM json_store WHERE name = '{marker}'") == [["v2"]]), node
    on_node(writer, f"DELETE FROM json_store WHERE name = '{marker}'")
    for node in others:
        assert eventually(lambda n=node: on_node(n, f"SELECT count(*) FROM json_store WHERE name = '{marker}'") == [["0"]]), node
    time.sleep(0.5)
    assert on_node(writer, f"SELECT count(*) FROM json_store WHERE name = '{marker}'") == [["0"]]


def test_joined_node_holds_the_rows_written_before_it_joined():
    assert JOINED, "join/hosts.yml adds no database node"
    expected = sorted(f"join-{n}" for n in range(1, JOIN_ROWS + 1))

    def users(node):
        return sorted(r[0] for r in on_node(node, "SELECT reg_user FROM registrations WHERE realm = 'join-before'"))

    for node in NODES:
        assert eventually(lambda n=node: users(n) == expected), f"{node}: {len(users(node))} of the {JOIN_ROWS} rows written before the join"
    # Copied once from the first node, not once per peer: no duplicates.
    for node in JOINED:
        assert on_node(node, "SELECT count(*) FROM registrations WHERE realm = 'join-before'") == [[str(JOIN_ROWS)]]


def test_freeswitch_views_exist_on_every_node_and_show_a_call():
    """basic_calls and detailed_calls (FreeSWITCH's SQL; views never replicate) on every node."""
    a_leg, b_leg, call = (str(uuid.uuid4()) for _ in range(3))
    solo = str(uuid.uuid4())
    host = f"verify-{CLIENT}"
    lab.proxy_sql(CLIENT, "INSERT INTO channels (uuid, direction, created, created_epoch, name, state, cid_num, dest, "
                          "accountcode, call_uuid, sent_callee_name, hostname) VALUES "
                          f"('{a_leg}', 'inbound', 'now', 1, 'sofia/a', 'CS_EXECUTE', '1000', '2000', 'acct', '{call}', 'bob', '{host}'), "
                          f"('{b_leg}', 'outbound', 'now', 2, 'sofia/b', 'CS_EXCHANGE_MEDIA', '1000', '2000', NULL, '{call}', '', '{host}'), "
                          f"('{solo}', 'inbound', 'now', 3, 'sofia/c', 'CS_ROUTING', '3000', '4000', NULL, '{solo}', '', '{host}')", SECRET)
    lab.proxy_sql(CLIENT, "INSERT INTO calls (call_uuid, call_created, call_created_epoch, caller_uuid, callee_uuid, hostname) "
                          f"VALUES ('{call}', 'now', 42, '{a_leg}', '{b_leg}', '{host}')", SECRET)
    try:
        for node in NODES:
            kinds = on_node(node, "SELECT c.relname, c.relkind FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
                                  "AND c.relname IN ('basic_calls', 'detailed_calls') ORDER BY 1")
            assert kinds == [["basic_calls", "v"], ["detailed_calls", "v"]], node
            for view in ("basic_calls", "detailed_calls"):
                def shown(n=node, v=view):
                    return on_node(n, f"SELECT uuid, b_uuid, accountcode, call_created_epoch FROM {v} "
                                      f"WHERE hostname = '{host}' ORDER BY created_epoch")
                # The bridged call is one row (the B leg shows only as b_uuid); the lone channel is its own row.
                expected = [[a_leg, b_leg, "acct", "42"], [solo, "", "", ""]]
                assert eventually(lambda f=shown: f() == expected), (node, view, shown())
        # FreeSWITCH's start-up probe, as FreeSWITCH's role, through HAProxy.
        for view in ("basic_calls", "detailed_calls"):
            assert lab.proxy_sql(CLIENT, f"SELECT count(*) FROM {view} WHERE sent_callee_name = 'bob' AND hostname = '{host}'",
                                 SECRET) == [["1"]]
    finally:
        lab.proxy_sql(CLIENT, f"DELETE FROM calls WHERE hostname = '{host}'", SECRET)
        lab.proxy_sql(CLIENT, f"DELETE FROM channels WHERE hostname = '{host}'", SECRET)
