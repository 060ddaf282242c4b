# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded probes for the failure drills (playbooks/drill.yml).

Each probe runs for a fixed time, one operation after another, and writes
one JSON line per operation: {"t": start (epoch s), "dt": seconds, "ok": bool,
...}. The drill compares the lines with the moment it killed a box. Standard
library only: it runs on any Debian host of the farm.

  fsha_drill_probe.py sip-options --target VIP --source ADDR --seconds 20 --out FILE
  fsha_drill_probe.py pg-write --seconds 20 --out FILE       (password in FSHA_DB_PASSWORD)
  fsha_drill_probe.py file-write --dir DIR --seconds 20 --out FILE
  fsha_drill_probe.py file-check --dir DIR --log FILE        (checksums of every acknowledged file)
  fsha_drill_probe.py outage --log FILE --since EPOCH        (first failure after EPOCH -> next success)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid


def _emit(out, **event):
    out.write(json.dumps(event) + "\n")
    out.flush()


def sip_options(args, out):
    """One SIP OPTIONS over UDP at a time; ok when any final reply comes back."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.source, 0))
    port = sock.getsockname()[1]
    deadline = time.time() + args.seconds
    seq = 0
    while time.time() < deadline:
        seq += 1
        call_id = uuid.uuid4().hex
        branch = "z9hG4bK" + uuid.uuid4().hex[:16]
        msg = (f"OPTIONS sip:{args.target}:{args.port} SIP/2.0\r\n"
               f"Via: SIP/2.0/UDP {args.source}:{port};branch={branch};rport\r\n"
               "Max-Forwards: 70\r\n"
               f"From: <sip:drill@{args.source}>;tag={seq}\r\n"
               f"To: <sip:{args.target}>\r\n"
               f"Call-ID: {call_id}\r\nCSeq: {seq} OPTIONS\r\nContent-Length: 0\r\n\r\n")
        started = time.time()
        ok = False
        sock.settimeout(args.timeout)
        try:
            sock.sendto(msg.encode(), (args.target, args.port))
            while True:
                data = sock.recv(4096).decode(errors="replace")
                if call_id in data and data.startswith("SIP/2.0 ") and not data.startswith("SIP/2.0 1"):
                    ok = True
                    break
        except OSError:
            ok = False
        _emit(out, t=started, dt=round(time.time() - started, 4), ok=ok)
        time.sleep(max(0.0, args.interval - (time.time() - started)))


def pg_write(args, out):
    """Insert one marker row at a time through the ODBC DSN (the local HAProxy)."""
    password = os.environ.get("FSHA_DB_PASSWORD", "")
    deadline = time.time() + args.seconds
    seq = 0
    while time.time() < deadline:
        seq += 1
        alias = f"fsha-drill-{args.tag}-{seq}"
        sql = f"INSERT INTO aliases (sticky, alias, command, hostname) VALUES (0, '{alias}', 'drill', '{args.tag}')\n"
        started = time.time()
        try:
            proc = subprocess.run(["isql", "-b", args.dsn, args.user, password], input=sql, capture_output=True,
                                  text=True, timeout=args.timeout, check=False)
            ok = proc.returncode == 0 and "[ISQL]ERROR" not in proc.stdout + proc.stderr
        except subprocess.TimeoutExpired:
            ok = False
        _emit(out, t=started, dt=round(time.time() - started, 4), ok=ok, row=alias)
        time.sleep(max(0.0, args.interval - (time.time() - started)))


def file_write(args, out):
    """Write a file, fsync it, read it back; one at a time."""
    os.makedirs(args.dir, exist_ok=True)
    deadline = time.time() + args.seconds
    seq = 0
    while time.time() < deadline:
        seq += 1
        name = f"drill-{args.tag}-{seq:06d}"
        body = os.urandom(4096)
        started = time.time()
        ok = False
        try:
            with open(os.path.join(args.dir, name), "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            with open(os.path.join(args.dir, name), "rb") as handle:
                ok = handle.read() == body
        except OSError:
            ok = False
        _emit(out, t=started, dt=round(time.time() - started, 4), ok=ok, file=name,
              sha256=hashlib.sha256(body).hexdigest())
        time.sleep(max(0.0, args.interval - (time.time() - started)))


def _events(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def file_check(args):
    events = [e for e in _events(args.log) if e["ok"]]
    lost = []
    for event in events:
        try:
            with open(os.path.join(args.dir, event["file"]), "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != event["sha256"]:
                    lost.append(event["file"])
        except OSError:
            lost.append(event["file"])
    print(json.dumps({"acknowledged": len(events), "lost": len(lost), "lost_files": lost[:20]}))


def outage(args):
    """Seconds from ``since`` until the service works again (0 when nothing failed or stalled).

    The outage starts with the first operation ending after ``since`` that failed or stalled (took longer than
    ``--stall`` seconds, or five times the median of the operations before ``since``) and ends with the first
    success from then on: a write that HAProxy held while it moved to the next node and then acknowledged is an
    outage too, as long as it was held.
    """
    events = sorted(_events(args.log), key=lambda e: e["t"])
    usual = sorted(e["dt"] for e in events if e["ok"] and e["t"] + e["dt"] < args.since)
    stall = max(args.stall, 5 * usual[len(usual) // 2]) if usual else args.stall
    after = [e for e in events if e["t"] + e["dt"] >= args.since]
    disturbed = [e for e in after if not e["ok"] or e["dt"] > stall]
    report = {"operations": len(events), "failed": len([e for e in events if not e["ok"]]),
              "max_stall_s": round(max((e["dt"] for e in events), default=0.0), 3)}
    if not disturbed:
        report["outage_s"] = 0.0
    else:
        recovered = [e for e in after if e["ok"] and e["t"] >= disturbed[0]["t"]]
        report["outage_s"] = round(recovered[0]["t"] + recovered[0]["dt"] - args.since, 3) if recovered else None
    print(json.dumps(report))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="probe", required=True)
    sip = sub.add_parser("sip-options")
    sip.add_argument("--target", required=True)
    sip.add_argument("--port", type=int, default=5060)
    sip.add_argument("--source", required=True)
    pgw = sub.add_parser("pg-write")
    pgw.add_argument("--dsn", default="freeswitch")
    pgw.add_argument("--user", default="freeswitch")
    fwr = sub.add_parser("file-write")
    fwr.add_argument("--dir", required=True)
    for probe, interval, timeout in ((sip, 0.02, 0.1), (pgw, 0.05, 10.0), (fwr, 0.1, 0.0)):
        probe.add_argument("--seconds", type=float, required=True)
        probe.add_argument("--interval", type=float, default=interval)
        probe.add_argument("--timeout", type=float, default=timeout)
        probe.add_argument("--tag", default=socket.gethostname())
        probe.add_argument("--out", required=True)
    fck = sub.add_parser("file-check")
    fck.add_argument("--dir", required=True)
    fck.add_argument("--log", required=True)
    out_ = sub.add_parser("outage")
    out_.add_argument("--log", required=True)
    out_.add_argument("--since", type=float, required=True)
    out_.add_argument("--stall", type=float, default=0.25, help="an operation longer than this is an outage")
    args = parser.parse_args(argv)
    if args.probe == "file-check":
        file_check(args)
    elif args.probe == "outage":
        outage(args)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            {"sip-options": sip_options, "pg-write": pg_write, "file-write": file_write}[args.probe](args, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
