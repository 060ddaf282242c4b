#!/usr/bin/env python3
"""FreeSWITCH through the farm's edge: its rate through the VIP against straight to the box, and replication lag.

Runs on a converged lab (make lab, or bench_site.py after its converge),
with the last tenant of the lab inventory and its first box (fs3 of tenant
beta in inventories/lab); the tenant's other boxes are drained
(playbooks/drain.yml) for the run and put back after (undrain.yml), so every
call through the VIP lands on that one box. What is measured
(docs/freeswitch.md):

* fs.max_cps: the highest rate (calls/s, each held 1 s, steps of --seconds)
  with 0 failed calls from the lab client through the tenant's VIP
  (Kamailio, rtpengine) to the box;
* fs.direct_cps: the same, the same call tool and call profile, straight to
  the box from the load balancer that does not hold the VIP (its address is
  one the farm profile trusts, as Kamailio's is);
* fs.proxy_ratio: fs.max_cps / fs.direct_cps;
* db.replication_lag_p99_s: while calls flow through the VIP at --lag-rate,
  a heartbeat row is written to the first database node every 100 ms and
  stamped with the time the second node applied it (a replica-only trigger
  fires in the apply worker); p99 of applied - written (the containers share
  one clock).

Rates above the box's sessions-per-second (30 unless the inventory sets
freeswitch_ha_sessions_per_second) are refused with 503 by design, so the
steps stop there.

    tools/bench_fs_farm.py [-i inventories/lab] [--rates 5,10,...] [--seconds 10] [--lag-rate 20] [--lag-only]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "build" / "collections"))   # the collection, through make's symlink tree
from benchreport import record  # noqa: E402  (tools/ is not a package)
from db_drill import node_sql  # noqa: E402
from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.pg_multimaster import (  # noqa: E402
    REPLICATION_SET,
)

ENV = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}", ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
           ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"), NO_COLOR="1")
CALL_TOOL = ROOT / "molecule" / "_shared" / "files" / "fsha-lab-call"
UAC = ROOT / "molecule" / "_shared" / "files" / "uac.xml"
HEARTBEAT = "fsha_bench_heartbeat"


def sh(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def dexec(container, *cmd, check=True):
    return sh(["docker", "exec", container, *cmd], check=check)


def load():
    return round(os.getloadavg()[0], 2)


class Lab:
    """The inventory as Ansible reads it: hosts, their addresses and containers, the farm's tenants."""

    def __init__(self, inventory):
        self.inventory = inventory
        data = json.loads(sh([str(BIN / "ansible-inventory"), "-i", inventory, "--list"], env=ENV, cwd=ROOT).stdout)
        self.hostvars = data["_meta"]["hostvars"]
        self.groups = {name: body.get("hosts", []) for name, body in data.items() if isinstance(body, dict)}
        any_host = next(iter(self.hostvars.values()))
        self.tenants = any_host["freeswitch_ha_tenants"]

    def address(self, host):
        return self.hostvars[host]["freeswitch_ha_address"]

    def container(self, host):
        return self.hostvars[host]["ansible_host"]

    def playbook(self, name, *extra):
        secrets = ROOT / "build" / "lab-secrets.yml"
        proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", self.inventory, "-e", f"@{secrets}", *extra, name],
                              cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"bench_fs_farm: {name} failed:\n" + "\n".join(proc.stdout.splitlines()[-30:]))


def converge_box(lab, box, sessions_per_second):
    """Converge the box alone, with this sessions-per-second (None: the inventory's), restarting FreeSWITCH."""
    extra = {"freeswitch_restart_on_change": True}
    if sessions_per_second:
        extra["freeswitch_sessions_per_second"] = sessions_per_second
    lab.playbook("playbooks/freeswitch.yml", "--limit", f"{box},localhost", "-e", json.dumps(extra))
    print(f"bench_fs_farm: {box} converged with sessions-per-second {sessions_per_second or 'from the inventory'}",
          flush=True)


def calls(lab, sender, target, domain, rate, seconds, name, port):
    """Calls from ``sender`` to ``target`` with the lab's call tool; (successful, failed, answered by)."""
    out = dexec(lab.container(sender), "/usr/local/bin/fsha-lab-call", f"--name={name}", f"--vip={target}",
                f"--domain={domain}", f"--local={lab.address(sender)}", f"--port={port}",
                f"--calls={rate * seconds}", f"--rate={rate}", "--hold-ms=1000", f"--timeout={seconds + 60}").stdout
    result = json.loads(out)
    return result["successful"], result["failed"], result["backends"]


def settle(limit=3.0, longest=60):
    """Let the machine's load fall below ``limit`` (at most ``longest`` s): a step run
    right after a saturating one measures the backlog, not the box."""
    deadline = time.monotonic() + longest
    time.sleep(3)
    while os.getloadavg()[0] > limit and time.monotonic() < deadline:
        time.sleep(2)


def step_rates(lab, sender, target, domain, box_address, rates, seconds, label, port):
    """The highest rate of ``rates`` with every call answered by the box; and each step's counts."""
    best, runs = 0, {}
    for rate in rates:
        settle()
        ok, failed, backends = calls(lab, sender, target, domain, rate, seconds, f"bench-{label}-{rate}", port)
        runs[str(rate)] = {"ok": ok, "failed": failed, "backends": backends, "load": load()}
        print(f"bench_fs_farm: {label} {rate} calls/s: ok {ok} failed {failed} answered by {backends} "
              f"(load {load()})", flush=True)
        if ok == rate * seconds and failed == 0 and backends == [box_address]:
            best = rate
        else:
            break
    return best, runs


def uses_pglogical(node):
    """PostgreSQL 15 replicates with pglogical (a replication set), 16+ natively (FOR ALL TABLES)."""
    return node_sql(node, "SELECT count(*) FROM pg_extension WHERE extname = 'pglogical'")[0][0] == "1"


def heartbeat_setup(writer, applier):
    ddl = (f"CREATE TABLE IF NOT EXISTS {HEARTBEAT} (id bigint PRIMARY KEY, written timestamptz NOT NULL, "
           "applied timestamptz); "
           "CREATE OR REPLACE FUNCTION fsha_bench_stamp_applied() RETURNS trigger LANGUAGE plpgsql AS "
           "$$BEGIN NEW.applied := clock_timestamp(); RETURN NEW; END$$; "
           f"DROP TRIGGER IF EXISTS fsha_bench_stamp_applied ON {HEARTBEAT}; "
           f"CREATE TRIGGER fsha_bench_stamp_applied BEFORE INSERT ON {HEARTBEAT} FOR EACH ROW "
           "EXECUTE FUNCTION fsha_bench_stamp_applied(); "
           # fires only where session_replication_role is replica: in the apply worker
           f"ALTER TABLE {HEARTBEAT} ENABLE REPLICA TRIGGER fsha_bench_stamp_applied; "
           f"TRUNCATE {HEARTBEAT}")
    for node in (writer, applier):
        node_sql(node, ddl)
    for node in (writer, applier):
        if uses_pglogical(node):
            # pglogical replicates the tables of its replication set (the collection's pg_multimaster)
            node_sql(node, f"SELECT pglogical.replication_set_add_table(set_name := '{REPLICATION_SET}', "
                           f"relation := '{HEARTBEAT}'::regclass, synchronize_data := false)")
        else:
            # a new table joins the FOR ALL TABLES publication once each subscription refreshes
            for (name,) in node_sql(node, "SELECT subname FROM pg_subscription"):
                node_sql(node, f'ALTER SUBSCRIPTION "{name}" REFRESH PUBLICATION WITH (copy_data = false)')
    time.sleep(3)


def heartbeat_run(writer, seconds, stop):
    """Insert one row every 100 ms on ``writer`` for ``seconds`` (or until ``stop``)."""
    sql = (f"DO $$BEGIN FOR i IN 1..{seconds * 10} LOOP "
           f"INSERT INTO {HEARTBEAT} (id, written) VALUES (i, clock_timestamp()); COMMIT; PERFORM pg_sleep(0.1); "
           "END LOOP; END$$")
    node_sql(writer, sql)
    stop.set()


def heartbeat_lags(applier, expected):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = node_sql(applier, f"SELECT extract(epoch FROM applied - written) FROM {HEARTBEAT} "
                                 "WHERE applied IS NOT NULL ORDER BY 1")
        if len(rows) >= expected:
            break
        time.sleep(1)
    return sorted(float(r[0]) for r in rows)


def heartbeat_drop(writer, applier):
    for node in (writer, applier):
        if uses_pglogical(node):
            node_sql(node, f"SELECT pglogical.replication_set_remove_table('{REPLICATION_SET}', '{HEARTBEAT}'::regclass)",
                     check=False)
    for node in (writer, applier):
        node_sql(node, f"DROP TABLE IF EXISTS {HEARTBEAT}; DROP FUNCTION IF EXISTS fsha_bench_stamp_applied()",
                 check=False)
        if not uses_pglogical(node):
            for (name,) in node_sql(node, "SELECT subname FROM pg_subscription") or []:
                node_sql(node, f'ALTER SUBSCRIPTION "{name}" REFRESH PUBLICATION WITH (copy_data = false)',
                         check=False)


def percentile(values, share):
    if not values:
        return None
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("-i", "--inventory", default=os.environ.get("LAB_INVENTORY", "inventories/lab"))
    ap.add_argument("--rates", default="5,10,15,20,25,30")
    ap.add_argument("--seconds", type=int, default=10, help="length of each rate step")
    ap.add_argument("--lag-rate", type=int, default=20, help="calls/s through the VIP while the lag is measured")
    ap.add_argument("--lag-seconds", type=int, default=30)
    ap.add_argument("--lag-only", action="store_true", help="measure the replication lag only (no rate steps)")
    ap.add_argument("--sessions-per-second", type=int, default=None,
                    help="for the rate steps, converge the box with this sessions-per-second (and restart it), "
                         "so the steps find what the machine takes rather than FreeSWITCH's limit; put back after")
    args = ap.parse_args(argv)
    rates = [int(r) for r in args.rates.split(",")]

    lab = Lab(args.inventory)
    tenant_name, tenant = list(lab.tenants.items())[-1]
    box, others = tenant["freeswitch_hosts"][0], tenant["freeswitch_hosts"][1:]
    domain, vip = tenant["sip_domains"][0], tenant["vip"]
    client = lab.groups["lab_clients"][0]
    holders = [lb for lb in tenant["lb_hosts"]
               if f"inet {vip}/" in dexec(lab.container(lb), "ip", "-4", "-o", "addr", "show").stdout]
    standby = next(lb for lb in tenant["lb_hosts"] if lb not in holders)
    writer, applier = lab.groups["databases"][:2]
    settings = {"inventory": args.inventory, "tenant": tenant_name, "box": box, "drained": others,
                "vip_holder": holders, "direct_sender": standby, "client": client, "call_hold_ms": 1000,
                "step_seconds": args.seconds, "rates": rates}

    # the direct sender gets the same call tool and scenario as the client
    sh(["docker", "exec", lab.container(standby), "sh", "-c",
        "command -v sipp >/dev/null || (apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null)"])
    sh(["docker", "cp", str(CALL_TOOL), f"{lab.container(standby)}:/usr/local/bin/fsha-lab-call"])
    sh(["docker", "cp", str(UAC), f"{lab.container(standby)}:/etc/sipp-uac.xml"])

    figures = {}
    if not args.lag_only:
        # the same box both ways: the tenant's other boxes drained meanwhile
        if args.sessions_per_second:
            converge_box(lab, box, args.sessions_per_second)
            settings["sessions_per_second"] = args.sessions_per_second
        for other in others:
            lab.playbook("playbooks/drain.yml", "-e", f"freeswitch_ha_drain_host={other}")
        try:
            figures["fs.max_cps"], settings["proxy_runs"] = step_rates(
                lab, client, vip, domain, lab.address(box), rates, args.seconds, "vip", 16300)
            figures["fs.direct_cps"], settings["direct_runs"] = step_rates(
                lab, standby, lab.address(box), domain, lab.address(box), rates, args.seconds, "direct", 16301)
        finally:
            for other in others:
                lab.playbook("playbooks/undrain.yml", "-e", f"freeswitch_ha_drain_host={other}")
            if args.sessions_per_second:
                converge_box(lab, box, None)
        figures["fs.proxy_ratio"] = (round(figures["fs.max_cps"] / figures["fs.direct_cps"], 2)
                                     if figures["fs.direct_cps"] else None)

    # replication lag while the whole tenant takes calls through its VIP
    heartbeat_setup(writer, applier)
    try:
        stop = threading.Event()
        beat = threading.Thread(target=heartbeat_run, args=(writer, args.lag_seconds, stop), daemon=True)
        beat.start()
        ok, failed, _ = calls(lab, client, vip, domain, args.lag_rate, args.lag_seconds, "bench-lag", 16302)
        beat.join(timeout=args.lag_seconds + 60)
        lags = heartbeat_lags(applier, args.lag_seconds * 10)
    finally:
        heartbeat_drop(writer, applier)
    figures["db.replication_lag_p99_s"] = round(percentile(lags, 0.99), 3) if lags else None
    settings["lag_run"] = {"rate": args.lag_rate, "seconds": args.lag_seconds, "calls_ok": ok,
                           "calls_failed": failed, "heartbeats_applied": len(lags),
                           "heartbeats_written": args.lag_seconds * 10, "writer": writer, "applier": applier,
                           "lag_p50_s": round(percentile(lags, 0.5), 3) if lags else None,
                           "lag_max_s": round(lags[-1], 3) if lags else None}
    print(f"bench_fs_farm: replication lag p99 {figures['db.replication_lag_p99_s']} s over {len(lags)} "
          f"heartbeats, {ok} calls ok {failed} failed at {args.lag_rate} calls/s (load {load()})", flush=True)
    settings["load_avg_1m_end"] = load()
    record(figures, settings=settings, tier="fs_farm")
    print(f"bench_fs_farm: recorded {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
