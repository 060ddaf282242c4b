#!/usr/bin/env python3
"""The point-in-time restore drill of the database tier (not shipped).

Reads a lab inventory as tools/db_drill.py does and reaches the containers
with ``docker exec`` only; the backup node (``freeswitch_ha_db_backup_node``,
a backup for HAProxy) has its first full backup from the converge:

    tools/backup_drill.py -i molecule/db_bookworm/inventory -i molecule/db_bookworm/join/hosts.yml

1. Numbered rows go in through HAProxy ("before"); once the backup node has
   them all, its clock gives the restore target; then a second batch
   ("after"). The backup node switches its WAL segment and the drill waits
   until the archive holds it (pg_stat_archiver).
2. ``playbooks/db_restore.yml`` must refuse the backup node while a
   FreeSWITCH session is open on it (nothing changed, PostgreSQL still up).
3. The standalone restore to the target (``backup.restore_s``): the node
   holds every "before" row (``backup.restore_rows_lost``: those missing) and
   no "after" row, its subscriptions are disabled and it is no longer in
   recovery.
4. The member restore (``latest``), which re-seeds the node from its peers
   (``backup.member_restore_s``): every node ends with identical FreeSWITCH
   tables, the "after" rows included.

The blocking session is ended whatever happens.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import yaml

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))

from db_drill import (  # noqa: E402
    DATABASE,
    DB_USER,
    SECRET,
    DrillError,
    count_tagged_rows,
    docker,
    drill_cli,
    insert_tagged_rows,
    load_lab,
    multimaster_engine,
    node_sql,
    password,
    run_playbook,
    table_digest,
    wait_until,
)

ROWS = 200
TAG_PREFIX = "pitr"


def backup_node(inventory):
    """freeswitch_ha_db_backup_node of the inventory's group_vars/all."""
    for path in sorted((Path(inventory) / "group_vars" / "all").glob("*.yml")):
        value = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("freeswitch_ha_db_backup_node")
        if value:
            return value
    raise DrillError(f"{inventory}: no freeswitch_ha_db_backup_node")


def _archived(node):
    """Switch ``node``'s WAL segment; return True once the archive holds it."""
    segment = node_sql(node, "SELECT pg_walfile_name(pg_switch_wal())")[0][0]

    def done():
        rows = node_sql(node, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver", check=False)
        # same timeline: segment names order as the WAL does
        return bool(rows) and rows[0][0][:24] >= segment

    return bool(wait_until(done, 120, 0.5))


def _subscriptions_enabled(node, engine):
    sql = ("SELECT count(*) FILTER (WHERE sub_enabled), count(*) FROM pglogical.subscription" if engine == "pglogical"
           else "SELECT count(*) FILTER (WHERE subenabled), count(*) FROM pg_subscription")
    rows = node_sql(node, sql, check=False)
    return tuple(int(x) for x in rows[0]) if rows else None


def _hold_session(client, address, secret):
    """A FreeSWITCH-role session open straight on the node at ``address`` (the refusal's reason)."""
    docker("exec", "-d", "-e", f"PGPASSWORD={secret}", f"fsha-{client}", "psql", "-X", "-q", "-h", address,
           "-U", DB_USER, "-d", DATABASE, "-c", "SELECT pg_sleep(600)")


def _end_sessions(node):
    node_sql(node, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{DB_USER}'", check=False)


def run_backup_drill(inventory, more=(), secret_file=SECRET, catchup_timeout=300.0):
    """Run the drill once; return (figures, details)."""
    lab = load_lab(inventory, *more)
    nodes = list(lab["databases"])
    node = backup_node(inventory)
    if node not in nodes:
        raise DrillError(f"{inventory}: backup node {node} is not a database node")
    client = lab["client"]
    secret = password(secret_file)
    inventories = [inventory, *more]
    engine = multimaster_engine(node)
    tag = f"{TAG_PREFIX}{int(time.time())}"
    before, after = f"{tag}b", f"{tag}a"
    details = {"node": node, "engine": engine}
    figures = {}

    insert_tagged_rows(client, secret, before, ROWS, "backup-drill")
    details["before_replicated"] = bool(wait_until(lambda: count_tagged_rows(node, before) == ROWS, 60, 0.5))
    target = node_sql(node, "SELECT now()")[0][0]
    time.sleep(1.5)
    insert_tagged_rows(client, secret, after, ROWS, "backup-drill")
    details["after_replicated"] = bool(wait_until(lambda: count_tagged_rows(node, after) == ROWS, 60, 0.5))
    details["archived"] = _archived(node)
    details["target"] = target

    unchanged = table_digest(node)
    try:
        _hold_session(client, lab["databases"][node], secret)
        details["session_seen"] = bool(wait_until(
            lambda: (node_sql(node, f"SELECT count(*) FROM pg_stat_activity WHERE usename = '{DB_USER}'",
                              check=False) or [["0"]])[0][0] != "0", 30, 0.5))
        rc, dummy, output = run_playbook(inventories, "db_restore.yml", {"freeswitch_ha_db_restore_target": target})
        details["live_refused"] = rc != 0 and any("FreeSWITCH sessions" in line for line in output)
        details["refusal_output"] = [line for line in output if "FreeSWITCH sessions" in line or "fatal" in line][-4:] or output[-6:]
        details["refusal_changed_nothing"] = table_digest(node) == unchanged
    finally:
        _end_sessions(node)

    rc, seconds, output = run_playbook(inventories, "db_restore.yml", {"freeswitch_ha_db_restore_target": target})
    details["restore_rc"] = rc
    details["restore_output"] = output[-12:] if rc else []
    figures["backup.restore_s"] = seconds if rc == 0 else None
    present = count_tagged_rows(node, before) if rc == 0 else None
    figures["backup.restore_rows_lost"] = ROWS - present if present is not None else None
    details["after_rows_restored"] = count_tagged_rows(node, after)
    details["in_recovery"] = (node_sql(node, "SELECT pg_is_in_recovery()", check=False) or [["?"]])[0][0]
    details["subscriptions_enabled"] = _subscriptions_enabled(node, engine)

    rc, seconds, output = run_playbook(inventories, "db_restore.yml", {"freeswitch_ha_db_restore_target": "latest",
                                                                       "freeswitch_ha_db_restore_mode": "member"})
    details["member_rc"] = rc
    details["member_output"] = output[-12:] if rc else []
    figures["backup.member_restore_s"] = seconds if rc == 0 else None

    def converged():
        digests = [table_digest(each) for each in nodes]
        return digests[0] if all(d == digests[0] for d in digests) and count_tagged_rows(node, after) == ROWS else None

    details["identical"] = bool(wait_until(converged, catchup_timeout, interval=1.0))
    details["member_subscriptions_enabled"] = _subscriptions_enabled(node, engine)
    details["settings"] = {"rows": ROWS, "engine": engine, "backup_node": node,
                           "archive_timeout": node_sql(node, "SHOW archive_timeout")[0][0],
                           "load_avg": [round(x, 2) for x in os.getloadavg()]}
    return figures, details


def failures(figures: dict, details: dict) -> list[str]:
    """What went wrong in a restore drill, one line each (empty: it passed); its test and main() both use it."""
    enabled, total = details["subscriptions_enabled"]
    member_enabled, member_total = details["member_subscriptions_enabled"]
    checks = [
        (details["before_replicated"] and details["after_replicated"], "the marker rows never replicated"),
        (details["archived"], "the backup node's WAL segment never reached the archive"),
        (details["session_seen"], "no FreeSWITCH session was seen on the node before the refusal"),
        (details["live_refused"], f"the restore of a node in use was not refused: {details['refusal_output']}"),
        (details["refusal_changed_nothing"], "the refused restore changed something"),
        (details["restore_rc"] == 0, f"the standalone restore failed: {details['restore_output']}"),
        (figures["backup.restore_rows_lost"] == 0, f"{figures['backup.restore_rows_lost']} rows before the target lost"),
        (details["after_rows_restored"] == 0, "the restore went past its target"),
        (details["in_recovery"] == "f", "the restored node is still in recovery"),
        (total > 0 and enabled == 0, f"standalone restore: {enabled} of {total} subscriptions enabled"),
        (details["member_rc"] == 0, f"the member restore failed: {details['member_output']}"),
        (details["identical"], "the nodes' tables differ after the member restore"),
        (member_total > 0 and member_enabled == member_total,
         f"member restore: {member_enabled} of {member_total} subscriptions enabled"),
    ]
    return [message for ok, message in checks if not ok]


def main(argv=None):
    return drill_cli(argv, __doc__, "restore drill", run_backup_drill, failures, tier="backup")


if __name__ == "__main__":
    sys.exit(main())
