"""The database tier works: replication both ways through the real path, locked down.

Shared by db_bookworm (pglogical) and db_trixie (native; a symlink to this
file): host names come from the scenario's own inventory. Reaches the
containers with docker exec (tools/db_drill.py), never over the network from
the controller (pg_hba lets it not in).
"""

from __future__ import annotations

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

LAB = lab.load_lab(SCENARIO / "inventory")
NODES = list(LAB["databases"])
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
    client_address = yaml.safe_load((SCENARIO / "inventory/hosts.yml").read_text())
    client_address = client_address["all"]["children"]["freeswitch"]["hosts"][CLIENT]["freeswitch_ha_address"]
    for node in NODES:
        assert on_node(node, "SHOW password_encryption") == [["scram-sha-256"]]
        hashes = on_node(node, "SELECT rolname, left(rolpassword, 14) FROM pg_authid WHERE rolname IN ('freeswitch', 'fsha_replication')")
        assert sorted(hashes) == [["freeswitch", "SCRAM-SHA-256$"], ["fsha_replication", "SCRAM-SHA-256$"]]
        rules = on_node(node, "SELECT type, database[1], user_name[1], address, netmask, auth_method, error FROM pg_hba_file_rules")
        assert all(r[6] == "" for r in rules), rules
        remote = sorted((r[1], r[2], r[3], r[5]) for r in rules if r[0] == "host")
        expected = sorted([("freeswitch", "fsha_replication", a, "scram-sha-256") for n, a in addresses.items() if n != node]
                          + [("freeswitch", "freeswitch", client_address, "scram-sha-256")])
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


def test_row_written_through_haproxy_appears_on_every_node():
    marker = f"verify-{uuid.uuid4()}"
    lab.proxy_sql(CLIENT, f"INSERT INTO sip_registrations (call_id, sip_user, hostname) VALUES ('{marker}', 'alice', '{CLIENT}')", SECRET)
    for node in NODES:
        assert eventually(lambda n=node: on_node(n, f"SELECT sip_user FROM sip_registrations WHERE call_id = '{marker}'")) == [["alice"]]


@pytest.mark.parametrize("writer", [0, 1], ids=["first-node", "second-node"])
def test_update_and_delete_on_either_node_replicate(writer):
    here, there = NODES[writer], NODES[1 - writer]
    marker = f"verify-{uuid.uuid4()}"
    on_node(there, f"INSERT INTO json_store (name, data) VALUES ('{marker}', 'v1')")
    assert eventually(lambda: on_node(here, f"SELECT data FROM json_store WHERE name = '{marker}'")) == [["v1"]]
    on_node(here, f"UPDATE json_store SET data = 'v2' WHERE name = '{marker}'")
    assert eventually(lambda: on_node(there, f"SELECT data FROM json_store WHERE name = '{marker}'") == [["v2"]])
    on_node(here, f"DELETE FROM json_store WHERE name = '{marker}'")
    assert eventually(lambda: on_node(there, f"SELECT count(*) FROM json_store WHERE name = '{marker}'") == [["0"]])
    time.sleep(0.5)
    assert on_node(here, f"SELECT count(*) FROM json_store WHERE name = '{marker}'") == [["0"]]
