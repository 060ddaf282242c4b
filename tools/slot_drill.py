#!/usr/bin/env python3
"""The bounded-WAL drill of the database tier, and the re-seed it ends with (not shipped).

Reads a lab inventory as tools/db_drill.py does and reaches the containers
with ``docker exec`` only:

    tools/slot_drill.py -i molecule/db_bookworm/inventory -i molecule/db_bookworm/join/hosts.yml

1. The last node of the databases group (a backup for HAProxy) stops its
   PostgreSQL: its peers keep WAL for it in its replication slots.
2. Numbered rows go in through HAProxy while it is down (the writes it must
   get back), and the writing node writes ``factor`` times
   max_slot_wal_keep_size of WAL into a scratch table of the postgres
   database (not replicated; WAL is the cluster's, so the slots keep it all
   the same).
3. A checkpoint: the slot the stopped node used on the writer is past the
   bound and is invalidated (``wal_status`` lost). Measured:
   ``db.slot_wal_peak_mb`` (what that slot held before the checkpoint) and
   ``db.slot_wal_retained_mb`` (what the slots still hold after it, at most
   the bound plus max_wal_size).
4. The node starts again and cannot catch up from its lost slot; first
   ``playbooks/db_reseed.yml`` must refuse the writer as a target (nothing
   changed), then it re-seeds the stopped node (``db.reseed_s``). Afterwards
   every node holds identical FreeSWITCH tables and the outage rows
   (``db.reseed_rows_lost``: those missing on the re-seeded node).

The scratch table is dropped and the stopped node started again whatever
happens.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))

from db_drill import (  # noqa: E402
    DrillError,
    count_tagged_rows,
    docker,
    drill_cli,
    insert_tagged_rows,
    load_lab,
    multimaster_engine,
    password,
    proxy_sql,
    run_playbook,
    serving_node,
    table_digest,
    wait_node_up,
    wait_until,
)

# The filler table lives in the postgres database, which nothing replicates:
# WAL is the cluster's, so the slots keep it all the same. (Not a database of
# its own: on PostgreSQL 15 DROP DATABASE waits for a ProcSignalBarrier that
# pglogical's workers never absorb while a peer is down; it hung for minutes.)
SCRATCH = "fsha_wal_drill_filler"
OUTAGE_ROWS = 100
UNITS_MB = {"kB": 1 / 1024, "MB": 1, "GB": 1024, "TB": 1024 * 1024}


def _sql(node, sql, database="postgres"):
    proc = docker("exec", "-u", "postgres", f"fsha-{node}", "psql", "-X", "-q", "-A", "-t", "-d", database,
                  "-v", "ON_ERROR_STOP=1", "-c", sql, timeout=600)
    return [line.split("|") for line in proc.stdout.splitlines() if line]


def _setting_mb(node, name):
    value = _sql(node, f"SHOW {name}")[0][0]
    number = value.rstrip("kMGTB")
    return int(number) * UNITS_MB[value[len(number):] or "MB"]


def _inactive_slots(node):
    """{slot: (wal_status, MB of WAL it holds or None)} of the logical slots nobody uses now."""
    rows = _sql(node, "SELECT slot_name, wal_status, "
                      "round(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) / 1048576.0, 1) "
                      "FROM pg_replication_slots WHERE slot_type = 'logical' AND NOT active")
    return {name: (status, float(held) if held else None) for name, status, held in rows}


def _active_held_mb(node):
    """The most WAL a slot in use (a live peer's) holds on ``node``, in MB."""
    rows = _sql(node, "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)), 0) / 1048576.0 "
                      "FROM pg_replication_slots WHERE active AND restart_lsn IS NOT NULL")
    return float(rows[0][0])


def _held_mb(node):
    """The most WAL any slot of ``node`` still holds, in MB."""
    rows = _sql(node, "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)), 0) / 1048576.0 "
                      "FROM pg_replication_slots WHERE restart_lsn IS NOT NULL")
    return round(float(rows[0][0]), 1)


def _write_wal(node, megabytes):
    """Write at least ``megabytes`` of WAL on ``node`` into the scratch table."""
    _sql(node, f"DROP TABLE IF EXISTS {SCRATCH}")
    _sql(node, f"CREATE TABLE {SCRATCH} (payload text)")
    start = _sql(node, "SELECT pg_current_wal_lsn()")[0][0]
    written = 0.0
    while written < megabytes:
        # about 1.1 kB of WAL a row; 16 MB a statement
        _sql(node, f"INSERT INTO {SCRATCH} SELECT repeat(md5(g::text), 32) FROM generate_series(1, 15000) AS g")
        written = float(_sql(node, f"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{start}') / 1048576.0")[0][0])
    return round(written, 1)


def _count(node, tag):
    return count_tagged_rows(node, tag) or 0


def reseed(inventories, node):
    """Run playbooks/db_reseed.yml for ``node``; return (rc, seconds, last lines of its output)."""
    return run_playbook(inventories, "db_reseed.yml", {"freeswitch_ha_db_reseed": node})


def _states(nodes):
    """The FreeSWITCH tables of ``nodes`` (rows and checksums): what a refused re-seed must leave alone."""
    return {node: table_digest(node) for node in nodes}


def run_slot_drill(inventory, more=(), factor=3.0, secret_file=Path(ROOT / "build" / "molecule-secrets" / "db_password"),
                   catchup_timeout=300.0):
    """Run the drill once; return (figures, details)."""
    lab = load_lab(inventory, *more)
    nodes = list(lab["databases"])
    writer, victim = nodes[0], nodes[-1]
    client = lab["client"]
    secret = password(secret_file)
    bound = _setting_mb(writer, "max_slot_wal_keep_size")
    max_wal = _setting_mb(writer, "max_wal_size")
    if bound <= 0:
        raise DrillError(f"{writer}: max_slot_wal_keep_size is not bounded")
    tag = f"slot{int(time.time())}"
    details = {"writer": writer, "victim": victim, "bound_mb": bound, "max_wal_size_mb": max_wal,
               "engine": multimaster_engine(writer)}
    figures = {}
    try:
        docker("exec", f"fsha-{victim}", "systemctl", "stop", "postgresql")
        insert_tagged_rows(client, secret, tag, OUTAGE_ROWS, "slot-drill")
        details["wal_written_mb"] = _write_wal(writer, factor * bound)
        # A live peer's walsender may fall behind such a burst (seen on PostgreSQL 17 with two busy cores): let
        # the live peers catch up first, so the checkpoint judges the stopped one alone.
        details["live_peers_caught_up"] = bool(wait_until(lambda: _active_held_mb(writer) < bound / 2, 120, 1.0))
        before = _inactive_slots(writer)
        _sql(writer, "CHECKPOINT")
        _sql(writer, "SELECT pg_switch_wal()")
        _sql(writer, "CHECKPOINT")
        after = _inactive_slots(writer)
        figures["db.slot_wal_peak_mb"] = max((held for dummy, held in before.values() if held), default=None)
        figures["db.slot_wal_retained_mb"] = _held_mb(writer)
        details["slots_before"], details["slots_after"] = before, after
        details["slot_lost"] = any(status == "lost" for status, dummy in after.values())
    finally:
        _sql(writer, f"DROP TABLE IF EXISTS {SCRATCH}")
        docker("exec", f"fsha-{victim}", "systemctl", "start", "postgresql")
    details["node_back"] = bool(wait_node_up(victim))
    inventories = [inventory, *more]
    # the stopped node's own tables may still move (its other subscriptions resume): watch its peers'
    survivors = [node for node in nodes if node != victim]
    unchanged = _states(survivors)
    # The node HAProxy sends the writes to now: under load its health checks of the busy writer may have
    # moved them to a peer during the WAL burst (they stay there: manual failback), and that peer is then
    # the one a re-seed must be refused for.
    serving = serving_node(lab, proxy_sql(client, "SELECT host(inet_server_addr())", secret)[0][0])
    details["writer_at_refusal"] = serving
    rc, dummy, output = reseed(inventories, serving)
    details["writer_refused"] = rc != 0 and any("sends the writes to" in line for line in output)
    details["refusal_changed_nothing"] = _states(survivors) == unchanged
    details["refusal_output"] = output[-6:]
    rc, seconds, output = reseed(inventories, victim)
    details["reseed_rc"] = rc
    details["reseed_output"] = output[-12:] if rc else []
    figures["db.reseed_s"] = seconds if rc == 0 else None

    def converged():
        digests = [table_digest(node) for node in nodes]
        return digests[0] if all(d == digests[0] for d in digests) and _count(victim, tag) == OUTAGE_ROWS else None

    details["identical"] = bool(wait_until(converged, catchup_timeout, interval=1.0))
    figures["db.reseed_rows_lost"] = OUTAGE_ROWS - _count(victim, tag)
    details["slots_end"] = _inactive_slots(writer)
    details["settings"] = {"factor": factor, "bound_mb": bound, "max_wal_size_mb": max_wal,
                           "outage_rows": OUTAGE_ROWS, "stop": "systemctl stop postgresql on the last database node",
                           "load_avg": [round(x, 2) for x in os.getloadavg()]}
    return figures, details


def failures(figures: dict, details: dict) -> list[str]:
    """What went wrong in a WAL-bound drill, one line each (empty: it passed); its test and main() both use it."""
    lost_at_end = [slot for slot, (status, _) in details["slots_end"].items() if status == "lost"]
    checks = [
        (details["live_peers_caught_up"], "the live peers did not catch up"),
        (details["slot_lost"], f"the stopped node's slot was not invalidated: {details['slots_after']}"),
        (figures["db.slot_wal_peak_mb"] > details["bound_mb"],
         f"retained WAL peaked at {figures['db.slot_wal_peak_mb']} MB, not past the {details['bound_mb']} MB bound"),
        (figures["db.slot_wal_retained_mb"] <= details["bound_mb"] + details["max_wal_size_mb"],
         f"{figures['db.slot_wal_retained_mb']} MB of WAL retained, over the bound plus max_wal_size"),
        (details["node_back"], "the stopped node did not come back"),
        (details["writer_refused"],
         f"db_reseed.yml did not refuse the writer {details['writer_at_refusal']}: {details['refusal_output']}"),
        (details["refusal_changed_nothing"], "the refused re-seed changed something"),
        (details["reseed_rc"] == 0, f"the re-seed failed: {details['reseed_output']}"),
        (details["identical"], "the nodes' tables differ after the re-seed"),
        (figures["db.reseed_rows_lost"] == 0, f"{figures['db.reseed_rows_lost']} rows lost by the re-seed"),
        (not lost_at_end, f"slots still lost at the end: {lost_at_end}"),
    ]
    return [message for ok, message in checks if not ok]


def main(argv=None):
    return drill_cli(argv, __doc__, "WAL-bound drill", run_slot_drill, failures,
                     options=(("--factor", float, 3.0, "WAL written while the node is down, in bounds"),))


if __name__ == "__main__":
    sys.exit(main())
