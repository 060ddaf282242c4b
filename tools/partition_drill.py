#!/usr/bin/env python3
"""The partition drill of the database tier (not shipped).

Reads a lab inventory as tools/db_drill.py does (two hosts in lab_clients,
each running HAProxy like a FreeSWITCH box) and reaches the containers with
``docker exec`` only:

    tools/partition_drill.py -i molecule/db_bookworm/inventory -i molecule/db_bookworm/join/hosts.yml

1. Each client writes a bounded stream of numbered rows through its own
   HAProxy (tools/db_drill.py's writer: every write retried until
   acknowledged).
2. The cut: an nft table inside each client drops its packets to one
   database node, the first client's to the first node, the second's to the
   second, so each HAProxy sees a different node (the database nodes still
   see each other). Both HAProxies fail over to the node they can reach, and
   their shared stick table cannot make them agree: two nodes take writes.
3. The cut heals (the nft tables are deleted whatever happens), every node
   must end with identical FreeSWITCH tables and every acknowledged row
   (``db.partition_rows_lost``: those missing on any node), and
   playbooks/db_failback.yml sends both HAProxies back to the first node.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))

from db_drill import (  # noqa: E402
    DATABASE,
    DB_USER,
    PROXY,
    SECRET,
    WRITER,
    DrillError,
    docker,
    drill_cli,
    load_lab,
    missing_rows,
    multimaster_engine,
    password,
    run_playbook,
    table_digest,
    wait_until,
)

TABLE = "fsha_partition_drill"


def _cut(client, address):
    """Drop every packet ``client`` sends to ``address``: an nft table of the drill's own."""
    rules = (f"table inet {TABLE} {{\n  chain out {{\n    type filter hook output priority 0; policy accept;\n"
             f"    ip daddr {address} drop\n  }}\n}}\n")
    docker("exec", "-i", f"fsha-{client}", "nft", "-f", "-", stdin=rules)
    listed = docker("exec", f"fsha-{client}", "nft", "list", "table", "inet", TABLE).stdout
    if address not in listed:
        raise DrillError(f"{client}: the drop rule to {address} is not in place: {listed.strip()}")


def _heal(client):
    docker("exec", f"fsha-{client}", "nft", "delete", "table", "inet", TABLE, check=False)


def _writer(client, secret, tag, count, rate, limit):
    dsn = f"{PROXY} dbname={DATABASE} user={DB_USER} password={secret}"
    return subprocess.Popen(["docker", "exec", f"fsha-{client}", "python3", "-c", WRITER, dsn, str(count), str(rate),
                             tag, str(limit)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_partition_drill(inventory, more=(), rate=20.0, count=400, cut_after=3.0, cut_for=8.0, limit=40.0,
                        secret_file=SECRET, catchup_timeout=300.0):
    """Run the drill once; return (figures, details)."""
    lab = load_lab(inventory, *more)
    nodes = list(lab["databases"])
    clients = lab["clients"][:2]
    if len(clients) < 2:
        raise DrillError(f"{inventory}: the partition drill needs two lab_clients hosts")
    secret = password(secret_file)
    by_address = {address: name for name, address in lab["databases"].items()}
    stamp = int(time.time())
    tags = {client: f"cut{stamp}{index}" for index, client in enumerate(clients)}
    # the first client loses the first node, the second client the second one
    lost_node = {clients[0]: nodes[0], clients[1]: nodes[1]}
    details = {"cut": {client: node for client, node in lost_node.items()}, "engine": multimaster_engine(nodes[0])}
    writers = {client: _writer(client, secret, tags[client], count, rate, limit) for client in clients}
    load = os.getloadavg()
    try:
        time.sleep(cut_after)
        cut_at = time.time()
        for client, node in lost_node.items():
            _cut(client, lab["databases"][node])
        time.sleep(cut_for)
    finally:
        healed_at = time.time()
        for client in clients:
            _heal(client)
    events = {}
    for client, proc in writers.items():
        out, err = proc.communicate(timeout=limit + 60)
        events[client] = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        if not events[client]:
            raise DrillError(f"{client}'s writer printed nothing: {err.strip()}")
    acked = {client: [e["ok"] for e in evs if "ok" in e] for client, evs in events.items()}
    during = {client: sorted({by_address.get(e["server"], e["server"]) for e in evs
                              if "ok" in e and cut_at + 1.0 < e["t"] < healed_at})
              for client, evs in events.items()}
    details["served_during_cut"] = during
    details["dual_writers"] = len({node for served in during.values() for node in served}) > 1

    def converged():
        digests = [table_digest(node) for node in nodes]
        if any(d is None for d in digests) or any(d != digests[0] for d in digests):
            return None
        if any(missing_rows(node, tags[client], acked[client]) for node in nodes for client in clients):
            return None
        return digests[0]

    started = time.time()
    details["identical"] = bool(wait_until(converged, catchup_timeout, interval=1.0))
    catchup = round(time.time() - started, 1) if details["identical"] else None
    lost = set()
    for client in clients:
        for node in nodes:
            lost |= {(client, seq) for seq in missing_rows(node, tags[client], acked[client])}
    rc, seconds, output = run_playbook([inventory, *more], "db_failback.yml", {})
    details["failback_rc"] = rc
    details["failback_output"] = output[-12:] if rc else []
    figures = {
        "db.partition_rows_written": sum(len(a) for a in acked.values()),
        "db.partition_rows_lost": len(lost),
        "db.partition_catchup_s": catchup,
        "db.partition_failback_s": seconds if rc == 0 else None,
    }
    details["errors"] = {client: sum(1 for e in evs if "err" in e) for client, evs in events.items()}
    details["settings"] = {"rate_per_s_each": rate, "writes_each": count, "cut_after_s": cut_after,
                           "cut_for_s": cut_for, "cut": "nft drop of each client's packets to one database node",
                           "load_avg_at_start": [round(x, 2) for x in load]}
    return figures, details


def failures(figures: dict, details: dict) -> list[str]:
    """What went wrong in a partition drill, one line each (empty: it passed); its test and main() both use it."""
    checks = [
        (figures["db.partition_rows_written"] > 0, "no row was acknowledged"),
        # each client wrote on the node it could still reach: two writers at once
        (details["dual_writers"], f"not two writers during the cut: {details['served_during_cut']}"),
        (details["identical"], "the nodes' tables differ after the heal"),
        (figures["db.partition_rows_lost"] == 0, f"{figures['db.partition_rows_lost']} acknowledged rows lost"),
        (details["failback_rc"] == 0, f"db_failback.yml failed: {details['failback_output']}"),
    ]
    return [message for ok, message in checks if not ok]


def main(argv=None):
    return drill_cli(argv, __doc__, "partition drill", run_partition_drill, failures)


if __name__ == "__main__":
    sys.exit(main())
