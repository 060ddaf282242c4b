#!/usr/bin/env python3
"""FreeSWITCH figures on the freeswitch scenario: calls it answers, its rate, its database writes.

Runs on the scenario's containers (fsha-fsw1: real FreeSWITCH from the lab's
package; fsha-fswdb: the farm database and the test caller, SIPp from the
tenant VIP address, which the farm profile trusts). What is measured
(docs/freeswitch.md; the box's rates, straight and through the edge, come
from tools/bench_fs_farm.py on the whole lab):

* fs.calls_answered: calls to the echo extension answered by FreeSWITCH
  itself: SIPp's successful calls, each 200 carrying FreeSWITCH's User-Agent,
  and FreeSWITCH's own session counter up by exactly as many;
* fs.db_writes_per_call: rows inserted, updated and deleted in FreeSWITCH's
  tables (pg_stat_user_tables on the database node) per call, minus the writes
  of an idle window of the same length.

    tools/bench_fs.py [--no-converge] [--keep] [--sessions-per-second N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from benchreport import record  # noqa: E402

BOX, CALLER = "fsha-fsw1", "fsha-fswdb"
BOX_ADDRESS, CALLER_ADDRESS = "172.28.66.21", "172.28.66.100"   # the caller speaks from the tenant VIP
ECHO = "9196"
TABLES = ("channels", "calls", "recovery", "sip_dialogs", "sip_registrations", "sip_presence", "interfaces",
          "complete", "registrations", "tasks", "nat", "aliases", "sip_authentication", "sip_subscriptions")


def sh(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def dexec(container, *cmd, check=True):
    return sh(["docker", "exec", container, *cmd], check=check)


def molecule(step, *extra):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"), NO_COLOR="1",
               PATH=f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}")
    print(f"bench_fs: molecule {step} -s freeswitch {' '.join(extra)}", flush=True)
    subprocess.run(["molecule", step, "-s", "freeswitch", *extra], cwd=ROOT, env=env, check=True)


def sessions_since_startup():
    out = dexec(BOX, "fs_cli", "-x", "status").stdout
    return int(re.search(r"(\d+) session\(s\) since startup", out).group(1))


def db_writes():
    query = ("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables "
             f"WHERE relname IN ({', '.join(repr(t) for t in TABLES)})")
    # the statistics collector reports with a delay: ask for a fresh snapshot
    out = dexec(CALLER, "su", "postgres", "-c", f"psql -At -d freeswitch -c \"SELECT pg_stat_clear_snapshot(); {query}\"")
    return int(out.stdout.split()[-1])


def sipp(calls, rate, hold_ms, trace=False):
    """SIPp's built-in UAC from the caller; (successful, failed, 200s with FreeSWITCH's User-Agent)."""
    dexec(CALLER, "rm", "-f", "/tmp/fsha-bench.screen", "/tmp/fsha-bench.msg", check=False)
    cmd = ["timeout", str(calls // max(rate, 1) + 60), "sipp", f"{BOX_ADDRESS}:5060", "-sn", "uac", "-s", ECHO,
           "-i", CALLER_ADDRESS, "-p", "5098", "-m", str(calls), "-r", str(rate), "-d", str(hold_ms),
           "-nostdin", "-trace_screen", "-screen_file", "/tmp/fsha-bench.screen"]
    if trace:
        cmd += ["-trace_msg", "-message_file", "/tmp/fsha-bench.msg"]
    dexec(CALLER, *cmd, check=False)
    screen = dexec(CALLER, "cat", "/tmp/fsha-bench.screen", check=False).stdout

    def counter(label):
        values = re.findall(rf"{label}\s*\|\s*\d+\s*\|\s*(\d+)", screen)
        return int(values[-1]) if values else -1

    with_agent = 0
    if trace:
        messages = dexec(CALLER, "cat", "/tmp/fsha-bench.msg", check=False).stdout
        with_agent = sum(1 for block in messages.split("SIP/2.0 200 OK")[1:]
                         if "User-Agent: FreeSWITCH fsw1" in block.split("\n\n", 1)[0] and "CSeq: 1 INVITE" in block.split("\n\n", 1)[0])
    return counter("Successful call"), counter("Failed call"), with_agent


def load():
    return os.getloadavg()[0]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--no-converge", action="store_true", help="the scenario is already up and converged")
    ap.add_argument("--keep", action="store_true", help="leave the scenario up")
    ap.add_argument("--answered-calls", type=int, default=100)
    ap.add_argument("--sessions-per-second", type=int, default=None,
                    help="converge with this switch.conf sessions-per-second (and restart) before measuring")
    args = ap.parse_args(argv)
    if not args.no_converge:
        for step in ("create", "prepare", "converge"):
            molecule(step)
    figures, settings = {}, {"box": BOX, "caller": CALLER, "call_hold_ms": 1000}
    try:
        if args.sessions_per_second:
            extra = json.dumps({"freeswitch_sessions_per_second": args.sessions_per_second,
                                "freeswitch_restart_on_change": True})
            molecule("converge", "--", "-e", extra)
        settings["sessions_per_second"] = int(re.search(
            r'"sessions-per-second" value="(\d+)"',
            dexec(BOX, "cat", "/etc/freeswitch/autoload_configs/switch.conf.xml").stdout).group(1))
        time.sleep(3)
        # calls answered by FreeSWITCH, proved three ways
        before = sessions_since_startup()
        ok, failed, agent = sipp(args.answered_calls, 10, 500, trace=True)
        delta = sessions_since_startup() - before
        print(f"bench_fs: answered: sipp ok {ok} failed {failed}, 200s with FreeSWITCH's User-Agent {agent}, "
              f"FreeSWITCH sessions +{delta} (load {load():.2f})", flush=True)
        figures["fs.calls_answered"] = ok if (ok == agent == delta and failed == 0) else 0
        settings["answered_run"] = {"calls": args.answered_calls, "sipp_ok": ok, "sipp_failed": failed,
                                    "user_agent_200s": agent, "session_delta": delta}
        # database writes per call: a run of calls against an idle window of the same length
        calls, rate = 100, 10
        idle_start = db_writes()
        time.sleep(calls / rate + 2)
        idle = db_writes() - idle_start
        start = db_writes()
        ok, failed, _ = sipp(calls, rate, 1000)
        time.sleep(3)   # FreeSWITCH's SQL queue is asynchronous
        busy = db_writes() - start
        figures["fs.db_writes_per_call"] = round((busy - idle) / ok, 1) if ok else None
        settings["db_writes"] = {"calls": calls, "rate": rate, "ok": ok, "busy_rows": busy, "idle_rows": idle,
                                 "tables": list(TABLES)}
        print(f"bench_fs: db writes: {busy} rows in {ok} calls, {idle} idle", flush=True)
    finally:
        if not args.keep:
            molecule("destroy")
    settings["load_avg_1m_end"] = round(load(), 2)
    record(figures, settings=settings, tier="fs")
    print(f"bench_fs: recorded {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
