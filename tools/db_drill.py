#!/usr/bin/env python3
"""The database tier's checks and fault drill, run from the controller (not shipped).

Reads a lab inventory (databases group, and the host running HAProxy + psql:
the first host of lab_clients), reaches the containers with ``docker exec``
only (pg_hba lets no controller in), and:

    tools/db_drill.py -i molecule/db_bookworm/inventory            run the drill, print the figures
    tools/db_drill.py -i molecule/db_bookworm/inventory --record   ... and write them to build/bench.json

The drill: a bounded stream of INSERTs into FreeSWITCH's ``registrations``
table through HAProxy (one connection, reconnecting on error, each write
retried until acknowledged); after a few seconds the database node taking the
writes is hard-killed (``docker kill``). Measured: ``db.failover_s`` (kill ->
first acknowledged write served by another node), ``db.rows_written``
(acknowledged writes), ``db.rows_lost`` (acknowledged writes missing
afterwards on any node). Then the node is started again (systemd starts
PostgreSQL), and ``db.catchup_s`` is the time until every node holds every
acknowledged row and identical FreeSWITCH tables (row counts and checksums).
db_bookworm's verify step runs it; make bench-db runs it on db_bookworm and db_trixie.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "roles" / "postgres_bdr" / "files" / "freeswitch-schema-v1.10.12.tsv"
SECRET = ROOT / "build" / "molecule-secrets" / "db_password"
DATABASE = "freeswitch"
DB_USER = "freeswitch"
PROXY = "host=127.0.0.1 port=5432"

# Runs on the client host with its python3-psycopg2; prints one JSON line per attempt.
WRITER = r"""
import json, sys, time
import psycopg2
dsn, count, rate, tag, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], float(sys.argv[5])
conn = None
start = time.time()
for seq in range(count):
    due = start + seq / rate
    if due > time.time():
        time.sleep(due - time.time())
    while time.time() - start < limit:
        try:
            if conn is None:
                conn = psycopg2.connect(dsn, connect_timeout=2)
                conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("INSERT INTO registrations (reg_user, realm, token, url, expires, hostname) "
                            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING host(inet_server_addr())",
                            ("drill-%d" % seq, tag, "t%d" % seq, "sip:drill-%d@lab" % seq, seq, "drill"))
                server = cur.fetchone()[0]
            print(json.dumps({"ok": seq, "t": time.time(), "server": server}), flush=True)
            break
        except psycopg2.Error as exc:
            print(json.dumps({"err": seq, "t": time.time(), "msg": str(exc).strip().splitlines()[0][:200]}), flush=True)
            try:
                conn.close()
            except Exception:
                pass
            conn = None
            time.sleep(0.02)
    else:
        break
"""


# Runs on the client host: a new connection through HAProxy every ``interval``
# seconds (a new connection follows HAProxy's current choice), each reading
# which node served it and how many of the outage rows it holds.
READER = r"""
import json, sys, time
import psycopg2
dsn, tag, first, last, interval, limit = (sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                                          float(sys.argv[5]), float(sys.argv[6]))
start = time.time()
while time.time() - start < limit:
    try:
        conn = psycopg2.connect(dsn, connect_timeout=2)
        with conn.cursor() as cur:
            cur.execute("SELECT host(inet_server_addr()), count(*) FROM registrations "
                        "WHERE realm = %s AND expires BETWEEN %s AND %s", (tag, first, last))
            server, rows = cur.fetchone()
        conn.close()
        print(json.dumps({"t": time.time(), "server": server, "rows": rows}), flush=True)
    except psycopg2.Error as exc:
        print(json.dumps({"t": time.time(), "err": str(exc).strip().splitlines()[0][:200]}), flush=True)
    time.sleep(interval)
"""


class DrillError(RuntimeError):
    """The lab is not in a state the drill can use."""


def load_lab(inventory, *more):
    """{'databases': {name: address}, 'client': name} from a lab inventory directory or hosts.yml.

    ``more``: further inventory sources merged in, as Ansible does with
    several ``-i`` (the db scenarios' join/hosts.yml adds a third node to the
    databases group).
    """
    groups = {}
    addresses = {}

    def walk(name, body):
        body = body or {}
        members = groups.setdefault(name, [])
        for host, hostvars in (body.get("hosts") or {}).items():
            if host not in members:
                members.append(host)
            if hostvars and hostvars.get("freeswitch_ha_address"):
                addresses[host] = hostvars["freeswitch_ha_address"]
        for child, child_body in (body.get("children") or {}).items():
            walk(child, child_body)
            members.extend(h for h in groups[child] if h not in members)

    for source in (inventory, *more):
        path = Path(source)
        hosts_file = path / "hosts.yml" if path.is_dir() else path
        walk("all", yaml.safe_load(hosts_file.read_text(encoding="utf-8"))["all"])
    clients = groups.get("lab_clients") or []
    if len(groups.get("databases") or []) < 2 or not clients:
        raise DrillError(f"{inventory}: needs two databases and a lab_clients host")
    return {"databases": {h: addresses[h] for h in groups["databases"]}, "client": clients[0], "clients": list(clients)}


def docker(*args, check=True, timeout=120, stdin=None):
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, input=stdin, check=False)
    if check and proc.returncode != 0:
        raise DrillError(f"docker {' '.join(args[:3])}: {proc.stderr.strip() or proc.returncode}")
    return proc


def node_sql(node, sql, check=True):
    """Run SQL on a database node as postgres over its local socket; return rows of '|'-separated fields."""
    proc = docker("exec", "-u", "postgres", f"fsha-{node}", "psql", "-X", "-q", "-A", "-t", "-d", DATABASE,
                  "-v", "ON_ERROR_STOP=1", "-c", sql, check=check, timeout=60)
    if proc.returncode != 0:
        return None
    return [line.split("|") for line in proc.stdout.splitlines() if line]


def insert_tagged_rows(client, secret, tag, rows, writer):
    """``rows`` numbered registrations of realm ``tag`` through the client's HAProxy, in one statement."""
    proxy_sql(client, "INSERT INTO registrations (reg_user, realm, token, url, expires, hostname) "
                      f"SELECT '{tag}-' || n, '{tag}', 't' || n, 'sip:{tag}-' || n || '@lab', n, '{writer}' "
                      f"FROM generate_series(1, {rows}) AS n", secret)


def count_tagged_rows(node, tag):
    """How many registrations of realm ``tag`` ``node`` holds (None when it does not answer)."""
    rows = node_sql(node, f"SELECT count(*) FROM registrations WHERE realm = '{tag}'", check=False)
    return int(rows[0][0]) if rows else None


def run_playbook(inventories, playbook, extra_vars, timeout=900):
    """Run one of the collection's playbooks on the lab; return (rc, seconds, last lines of its output)."""
    argv = [str(ROOT / ".venv" / "bin" / "ansible-playbook")]
    for inventory in inventories:
        argv += ["-i", str(inventory)]
    argv.append(str(ROOT / "playbooks" / playbook))
    argv += ["-e", json.dumps(extra_vars)]  # as JSON: a value may hold spaces (a restore target's time)
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"),
               MOLECULE_PROJECT_DIRECTORY=str(ROOT), ANSIBLE_FORCE_COLOR="false", NO_COLOR="1")
    started = time.monotonic()
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return proc.returncode, round(time.monotonic() - started, 1), (proc.stdout + proc.stderr).splitlines()[-150:]


def password(path=SECRET):
    return Path(path).read_text(encoding="utf-8").split()[0]


def proxy_sql(client, sql, secret):
    """Run SQL as the FreeSWITCH role through the client's local HAProxy."""
    proc = docker("exec", "-e", f"PGPASSWORD={secret}", f"fsha-{client}", "psql", "-X", "-q", "-A", "-t",
                  "-h", "127.0.0.1", "-p", "5432", "-U", DB_USER, "-d", DATABASE, "-v", "ON_ERROR_STOP=1", "-c", sql,
                  timeout=60)
    return [line.split("|") for line in proc.stdout.splitlines() if line]


def haproxy_stat(client):
    """{server: status} of the postgresql proxy, read from HAProxy's stats socket."""
    script = ("import socket; s = socket.socket(socket.AF_UNIX); s.connect('/run/haproxy/admin.sock'); "
              "s.sendall(b'show stat\\n'); print(b''.join(iter(lambda: s.recv(65536), b'')).decode())")
    out = docker("exec", f"fsha-{client}", "python3", "-c", script).stdout
    status = {}
    for line in out.splitlines():
        fields = line.split(",")
        if len(fields) > 17 and fields[0] == "postgresql" and fields[1] not in ("FRONTEND", "BACKEND"):
            status[fields[1]] = fields[17]
    return status


def haproxy_settings(client):
    """The failover-relevant lines of the client's haproxy.cfg, as recorded with the figures."""
    config = docker("exec", f"fsha-{client}", "cat", "/etc/haproxy/haproxy.cfg").stdout
    keep = ("retries", "timeout connect", "timeout check", "option redispatch", "default-server")
    return [line.strip() for line in config.splitlines() if line.strip().startswith(keep)]


def fs_tables():
    tables = []
    for line in SCHEMA.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if fields[0] == "COLUMN" and fields[3] == "1" and fields[2] not in tables:
            tables.append(fields[2])
    return tables


def table_digest(node):
    """{table: (rows, md5 of every row in key order)} of the FreeSWITCH tables, or None if unreachable."""
    parts = [f"SELECT '{t}', count(*), coalesce(md5(string_agg(x::text, '|' ORDER BY x.fsha_row_id)), '') FROM public.{t} x"
             for t in fs_tables()]
    result = node_sql(node, " UNION ALL ".join(parts), check=False)
    if result is None:
        return None
    return {name: (int(count), digest) for name, count, digest in result}


def serving_node(lab, address):
    return {a: n for n, a in lab["databases"].items()}[address]


def wait_until(predicate, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def wait_node_up(node, timeout=120):
    def ready():
        return docker("exec", f"fsha-{node}", "pg_isready", "-q", "-h", "/var/run/postgresql", check=False).returncode == 0
    return wait_until(ready, timeout)


def missing_rows(node, tag, acked):
    """The acknowledged sequence numbers of the writer run ``tag`` that ``node`` does not hold."""
    rows = node_sql(node, f"SELECT DISTINCT reg_user FROM registrations WHERE realm = '{tag}'", check=False)
    if rows is None:
        return set(acked)
    have = {int(r[0].split("-")[1]) for r in rows}
    return set(acked) - have


def multimaster_engine(node):
    """Which multi-master engine a database node runs: pglogical or native (the drills' figures say which)."""
    rows = node_sql(node, "SELECT count(*) FROM pg_extension WHERE extname = 'pglogical'", check=False)
    return "pglogical" if rows and rows[0][0] != "0" else "native"


def run_drill(inventory, rate=40.0, count=800, kill_after=5.0, limit=60.0, catchup_timeout=300.0, secret_file=SECRET,
              more=()):
    """Run the drill once; return the figures and the details (see the module docstring)."""
    lab = load_lab(inventory, *more)
    client = lab["client"]
    by_address = {address: name for name, address in lab["databases"].items()}
    secret = password(secret_file)
    serving = proxy_sql(client, "SELECT host(inet_server_addr())", secret)[0][0]
    victim = by_address[serving]
    tag = f"drill{int(time.time())}"
    dsn = f"{PROXY} dbname={DATABASE} user={DB_USER} password={secret}"
    writer = subprocess.Popen(["docker", "exec", f"fsha-{client}", "python3", "-c", WRITER, dsn, str(count), str(rate), tag, str(limit)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(kill_after)
    load = os.getloadavg()
    killed_at = time.time()
    docker("kill", f"fsha-{victim}")
    out, err = writer.communicate(timeout=limit + 30)
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if not events:
        raise DrillError(f"the writer printed nothing: {err.strip()}")
    acked = [e["ok"] for e in events if "ok" in e]
    errors = [e for e in events if "err" in e]
    after = [e for e in events if "ok" in e and e["t"] > killed_at and e["server"] != serving]
    failover = round(after[0]["t"] - killed_at, 2) if after else None
    restarted_at = time.time()
    docker("start", f"fsha-{victim}")
    came_back = wait_node_up(victim)
    failback = _failback(lab, client, dsn, tag, victim, events, killed_at, serving, inventories=[inventory, *more])

    def converged():
        digests = [table_digest(node) for node in lab["databases"]]
        if any(d is None for d in digests) or any(d != digests[0] for d in digests):
            return None
        if any(missing_rows(node, tag, acked) for node in lab["databases"]):
            return None
        return digests[0]

    digest = wait_until(converged, catchup_timeout, interval=1.0)
    catchup = round(time.time() - restarted_at, 1) if digest else None
    lost = set()
    for node in lab["databases"]:
        lost |= missing_rows(node, tag, acked)
    figures = {
        "db.failover_s": failover,
        "db.rows_written": len(acked),
        "db.rows_lost": len(lost),
        "db.catchup_s": catchup,
        "db.failback_stale_reads": failback["stale_reads"],
        "db.failback_s": failback["seconds"],
    }
    engine = multimaster_engine(serving_node(lab, serving))
    details = {
        "engine": engine,
        "victim": victim,
        "failed_attempts": len(errors),
        "first_error": errors[0]["msg"] if errors else None,
        "node_back": bool(came_back),
        "failback": {k: v for k, v in failback.items() if k not in ("stale_reads", "seconds")},
        "identical": bool(digest),
        "digests": {node: table_digest(node) for node in lab["databases"]},
        "settings": {"rate_per_s": rate, "writes": count, "kill_after_s": kill_after, "limit_s": limit,
                     "kill": "docker kill (SIGKILL of the whole container)",
                     "load_avg_at_kill": [round(x, 2) for x in load],
                     "haproxy": haproxy_settings(client)},
    }
    return figures, details


def _failback(lab, client, dsn, tag, victim, events, killed_at, serving, inventories, settle=3.0, after=5.0):
    """The killed node is back: reads through HAProxy before and after playbooks/db_failback.yml.

    A read is stale when it misses rows the survivor acknowledged during the
    outage. Manual failback keeps every read on the survivor until the
    playbook has checked that the returned node caught up; then they go to it.
    """
    outage = sorted(e["ok"] for e in events if "ok" in e and e["t"] > killed_at and e["server"] != serving)
    result = {"outage_rows": len(outage), "stale_reads": None, "seconds": None}
    if not outage:
        return result
    # db_failback.yml refuses while any HAProxy does not see the first node UP
    result["victim_up_in_haproxy"] = bool(wait_until(
        lambda: all(haproxy_stat(each).get(victim, "").startswith("UP") for each in lab["clients"]), 60, 0.5))
    limit = 240.0
    reader = subprocess.Popen(["docker", "exec", f"fsha-{client}", "python3", "-c", READER, dsn, tag, str(outage[0]),
                               str(outage[-1]), "0.1", str(limit)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(settle)
        started = time.time()
        rc, seconds, output = run_playbook(inventories, "db_failback.yml", {})
        finished = time.time()
        result["rc"] = rc
        result["output"] = output[-12:] if rc else []
        result["seconds"] = seconds if rc == 0 else None
        time.sleep(after)
    finally:
        reader.terminate()
        out, dummy = reader.communicate(timeout=30)
    reads = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    victim_address = lab["databases"][victim]
    ok = [r for r in reads if "rows" in r]
    result["stale_reads"] = sum(1 for r in ok if r["rows"] < len(outage))
    result["reads"] = len(ok)
    result["read_errors"] = len(reads) - len(ok)
    result["victim_reads_before"] = sum(1 for r in ok if r["t"] < started and r["server"] == victim_address)
    result["victim_reads_after"] = sum(1 for r in ok if r["t"] > finished and r["server"] == victim_address)
    result["reads_after"] = sum(1 for r in ok if r["t"] > finished)
    return result


def failures(figures: dict, details: dict) -> list[str]:
    """What went wrong in a hard-kill drill, one line each (empty: it passed); its test and main() both use it.

    Manual failback: the reads stay on the survivor while the killed node is
    back but unchecked, then playbooks/db_failback.yml moves them to it, and no
    read misses a row written during the outage.
    """
    failback = details["failback"]
    checks = [
        (figures["db.rows_written"] > 0, "no row was acknowledged"),
        (figures["db.failover_s"] is not None, "no write was acknowledged by another node after the kill"),
        (details["node_back"], f"{details['victim']} did not come back"),
        (figures["db.rows_lost"] == 0, f"{figures['db.rows_lost']} acknowledged rows lost"),
        (details["identical"], f"the nodes' tables differ: {details['digests']}"),
        (failback["outage_rows"] > 0, f"no row written during the outage: {failback}"),
        (failback["victim_up_in_haproxy"], f"{details['victim']} never came back UP in HAProxy"),
        (failback["rc"] == 0, f"db_failback.yml failed: {failback['output']}"),
        (failback["reads_after"] > 0 and failback["victim_reads_after"] == failback["reads_after"],
         f"{failback['victim_reads_after']} of {failback['reads_after']} reads after the failback on {details['victim']}"),
        (figures["db.failback_stale_reads"] == 0, f"{figures['db.failback_stale_reads']} stale reads"),
        (failback["victim_reads_before"] == 0,
         f"{failback['victim_reads_before']} reads reached {details['victim']} before db_failback.yml ran"),
    ]
    return [message for ok, message in checks if not ok]


def drill_cli(argv, doc: str, label: str, run, failures, tier: str = "db", options=()) -> int:
    """The command line of every database drill tool: run it, print its figures, record them, exit 1 on a failure.

    ``run(inventory, more=..., **options)`` returns (figures, details);
    ``options`` are (flag, type, default, help) tuples passed to it by name.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("-i", "--inventory", required=True, action="append",
                        help="inventory directory or hosts.yml; repeat to merge sources (e.g. a scenario's join/hosts.yml)")
    for flag, kind, default, text in options:
        parser.add_argument(flag, type=kind, default=default, help=text)
    parser.add_argument("--record", action="store_true", help="write the figures to build/bench.json")
    args = parser.parse_args(argv)
    extra = {flag.lstrip("-").replace("-", "_"): getattr(args, flag.lstrip("-").replace("-", "_"))
             for flag, *_ in options}
    figures, details = run(args.inventory[0], more=args.inventory[1:], **extra)
    print(json.dumps({"figures": figures, **{k: v for k, v in details.items() if k != "digests"}}, indent=2,
                     default=str))
    if args.record:
        record_drill(figures, details, tier, inventory=[str(i) for i in args.inventory])
    problems = failures(figures, details)
    for problem in problems:
        print(f"{label}: {problem}", file=sys.stderr)
    return 1 if problems else 0


def record_drill(figures: dict, details: dict, tier: str, **settings) -> None:
    """Write a drill's figures to build/bench.json: the issue's keys and the same figures under the engine."""
    from benchreport import record, with_variant  # noqa: E402  pylint: disable=import-outside-toplevel
    engine = details["engine"]
    record(with_variant(figures, engine), settings=details["settings"] | {"engine": engine} | settings, tier=tier)


def scenario_drill(scenario: Path, run, failures, tier: str = "db") -> list[str]:
    """A db scenario's verify test of one drill: run it on the scenario and its joined node, record, return failures."""
    figures, details = run(scenario / "inventory", more=[scenario / "join" / "hosts.yml"])
    print(figures, {k: v for k, v in details.items() if k != "digests"})
    record_drill(figures, details, tier, scenario=scenario.name)
    return failures(figures, details)


def main(argv=None):
    return drill_cli(argv, __doc__, "hard-kill drill", run_drill, failures,
                     options=(("--rate", float, 40.0, "rows a second"), ("--count", int, 800, "rows in all")))


if __name__ == "__main__":
    sys.exit(main())
