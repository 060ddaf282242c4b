#!/usr/bin/env python3
"""SIP edge drills and throughput, measured in the edge Molecule scenario.

  .venv/bin/python tools/bench_edge.py [--keep] [--rates 200,400,800,1000,1200,1500,2000] [--seconds 30]

Brings the scenario up (molecule create, prepare, converge -s edge), then:
1. box failure: SIPp sends calls at --drill-rate calls/s through the VIP (edlb1); the
   backend edfs1 (weight 75) is hard-killed (SIGKILL of its SIPp UAS) and later
   started again. A poller inside edlb1 reads Kamailio's dispatcher state over
   JSON-RPC every 20 ms. Figures: edge.failed_new_calls (calls that never got
   their 200), edge.box_marked_inactive_s (kill -> state inactive),
   edge.box_reenabled_s (UAS started again -> state active);
2. throughput: --seconds runs at each rate of --rates, through the proxy and
   straight to one backend; edge.max_cps / edge.direct_cps are the highest
   rates with 0 failed calls, edge.proxy_ratio their ratio;
3. VIP failover: a prober on edc sends SIP OPTIONS to the VIP every 10 ms; the
   load balancer holding the VIP is hard-killed (docker kill) and started
   again; edge.vip_failover_s is the kill -> first 200 from the other one.
Figures go to build/bench.json (tools/benchreport.py), tier "edge". The
scenario is destroyed at the end unless --keep.
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
sys.path.insert(0, str(ROOT / "tools"))
from benchreport import record  # noqa: E402  pylint: disable=wrong-import-position

PROXY = "172.28.65.100"  # the tenant VIP (keepalived), DNAT to Kamailio on its holder
CLIENT = "172.28.65.41"
VICTIM = ("fsha-edfs1", "sip:172.28.65.21:5060")
DIRECT = "172.28.65.22"
DOMAIN = "edge.lab.invalid"

POLLER = r"""
import json, os, socket, sys, time
uri, path, seconds = sys.argv[1], "/run/kamailio/kamailio_rpc.sock", float(sys.argv[2])
d = "/tmp/fsha-poll"; os.makedirs(d, exist_ok=True); os.chmod(d, 0o755)
me = d + "/reply.sock"
if os.path.exists(me): os.unlink(me)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(me); os.chmod(me, 0o666); s.settimeout(1)
last, end = None, time.time() + seconds
while time.time() < end:
    s.sendto(b'{"jsonrpc":"2.0","method":"dispatcher.list","id":1}', path)
    try:
        res = json.loads(s.recv(1048576))["result"]
    except Exception:
        continue
    now = time.time()
    for rec in res["RECORDS"]:
        for t in rec["SET"]["TARGETS"]:
            if t["DEST"]["URI"] == uri:
                state = t["DEST"]["FLAGS"][:1]
                if state != last:
                    print("%.3f %s" % (now, state), flush=True)
                    last = state
    time.sleep(0.02)
"""


def sh(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def dexec(container, *cmd, check=True):
    return sh(["docker", "exec", container, *cmd], check=check)


def molecule(step):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"), NO_COLOR="1",
               PATH=f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}")
    print(f"bench_edge: molecule {step} -s edge", flush=True)
    subprocess.run(["molecule", step, "-s", "edge"], cwd=ROOT, env=env, check=True)


def sipp(target, calls, rate, hold_ms, tag, timeout):
    """Run the edge UAC on edc (fsha-lab-call); return {created, ok, failed, answered}."""
    proc = dexec("fsha-edc", "fsha-lab-call", f"--name=bench-{tag}", f"--vip={target}", f"--domain={DOMAIN}",
                 f"--local={CLIENT}", "--port=5070", f"--calls={calls}", f"--rate={rate}", f"--hold-ms={hold_ms}",
                 f"--timeout={timeout}", "--recv-timeout-ms=8000")
    result = json.loads(proc.stdout)
    return {"created": result["created"], "ok": result["successful"], "failed": result["failed"],
            "answered": result["answered"]}


def drill(rate, seconds):
    victim, uri = VICTIM
    dexec("fsha-edlb1", "sh", "-c", f"cat > /tmp/fsha-poller.py <<'PY'\n{POLLER}\nPY")
    poll = subprocess.Popen(["docker", "exec", "fsha-edlb1", "python3", "/tmp/fsha-poller.py", uri, str(seconds + 10)],
                            stdout=subprocess.PIPE, text=True)
    calls = rate * seconds
    outcome = {}
    client = threading.Thread(target=lambda: outcome.update(sipp(PROXY, calls, rate, 1000, "drill", seconds + 40)))
    client.start()
    time.sleep(seconds / 3)
    killed = float(dexec(victim, "python3", "-c",
                         "import os,signal,subprocess,time;pid=int(subprocess.check_output(['systemctl','show','-p','MainPID',"
                         "'--value','sipp-uas']));t=time.time();os.kill(pid,signal.SIGKILL);print(t)").stdout)
    time.sleep(seconds / 3)
    started = float(dexec(victim, "python3", "-c",
                          "import subprocess,time;t=time.time();subprocess.check_call(['systemctl','start','sipp-uas']);print(t)").stdout)
    client.join()
    result = outcome
    poll.wait()
    changes = [(float(t), s) for t, s in (line.split() for line in poll.stdout.read().splitlines())]
    inactive = next((t for t, s in changes if t >= killed and s in ("I", "D")), None)
    active = next((t for t, s in changes if t >= started and s == "A"), None)
    return result, killed, inactive, started, active


VIP_PROBER = r"""
import socket, sys, time
vip, seconds = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("172.28.65.41", 5095)); s.settimeout(0.01)
end, n = time.time() + seconds, 0
while time.time() < end:
    n += 1
    msg = ("OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP 172.28.65.41:5095;branch=z9hG4bKv%d;rport\r\n"
           "From: <sip:probe@lab.invalid>;tag=v\r\nTo: <sip:%s>\r\nCall-ID: vip-%d\r\nCSeq: 1 OPTIONS\r\n"
           "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n") % (vip, n, vip, n)
    s.sendto(msg.encode(), (vip, 5060))
    deadline = time.time() + 0.01
    while time.time() < deadline:
        try:
            data = s.recv(2048)
        except OSError:
            break
        if data.startswith(b"SIP/2.0 200"):
            print("%.3f" % time.time(), flush=True)
"""


def vip_drill(vip, seconds=12):
    """Hard-kill the LB holding the VIP (docker kill); time until the VIP answers OPTIONS again."""
    dexec("fsha-edc", "sh", "-c", f"cat > /tmp/fsha-vip-prober.py <<'PY'\n{VIP_PROBER}\nPY")
    prober = subprocess.Popen(["docker", "exec", "fsha-edc", "python3", "/tmp/fsha-vip-prober.py", vip, str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    time.sleep(seconds / 3)
    holder = "fsha-edlb1" if vip in dexec("fsha-edlb1", "ip", "-4", "-o", "addr", "show").stdout else "fsha-edlb2"
    killed = time.time()
    sh(["docker", "kill", holder])
    answers = [float(line) for line in prober.communicate()[0].split()]
    sh(["docker", "start", holder])
    before = [t for t in answers if t < killed]
    after = [t for t in answers if t >= killed]
    # the first answer after the kill may still come from the dying holder: take the first after the gap
    gaps = [(b - a, b) for a, b in zip([killed] + after, after)]
    first_back = max(gaps)[1] if gaps else None
    return holder, bool(before), (first_back - killed) if first_back else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--keep", action="store_true", help="leave the scenario up")
    parser.add_argument("--no-converge", action="store_true", help="the scenario is already converged")
    # past the 800 calls/s target, so the report says where the proxy really stops
    parser.add_argument("--rates", default="200,400,800,1000,1200,1500,2000")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--drill-rate", type=int, default=200)
    parser.add_argument("--drill-seconds", type=int, default=18)
    parser.add_argument("--vip", default="172.28.65.100")
    parser.add_argument("--only", default="drill,throughput,vip", help="comma-separated parts to run")
    args = parser.parse_args(argv)
    rates = [int(r) for r in args.rates.split(",")]
    parts = set(args.only.split(","))
    if not args.no_converge:
        for step in ("create", "prepare", "converge"):
            molecule(step)
    try:
        time.sleep(3)
        if "drill" in parts:
            box_drill(args)
        if "throughput" in parts:
            throughput(args, rates)
        if "vip" in parts:
            holder, answered_before, failover = vip_drill(args.vip)
            print(f"bench_edge: VIP drill: killed {holder}, answered before {answered_before}, back after {failover}")
            if answered_before and failover is not None:
                record({"edge.vip_failover_s": round(failover, 3)},
                       settings={"advert_int_s": 0.1, "kill": "docker kill of the VIP holder", "probe": "SIP OPTIONS every 10 ms",
                                 "answered_by": "Kamailio through the VIP DNAT"}, tier="edge")
    finally:
        if not args.keep:
            molecule("destroy")
    return 0


def box_drill(args):
    """Kill a backend under load; record failed new calls and the dispatcher's reaction times."""
    result, killed, inactive, started, active = drill(args.drill_rate, args.drill_seconds)
    print(f"bench_edge: drill {result}, killed {killed:.3f}, inactive {inactive}, started {started:.3f}, active {active}")
    if result["created"] <= 0:
        raise SystemExit("bench_edge: could not read how many calls SIPp created: nothing recorded")
    # a call that never got its 200 is a failed new call; calls established on
    # the killed box fail later (no answer to their BYE) and are not counted
    figures = {"edge.failed_new_calls": result["created"] - result["answered"]}
    if inactive is not None:
        figures["edge.box_marked_inactive_s"] = round(inactive - killed, 3)
    if active is not None:
        figures["edge.box_reenabled_s"] = round(active - started, 3)
    record(figures, settings={"drill_rate_cps": args.drill_rate, "drill_seconds": args.drill_seconds, "target": PROXY,
                              "fr_timer_ms": 1000, "probe_interval_s": 1, "probe_threshold": 2,
                              "call_hold_ms": 1000, "calls": result}, tier="edge")
    print(f"bench_edge: recorded {figures}")


def throughput(args, rates):
    """Highest rate with 0 failed calls through the VIP and straight to one backend."""
    best = {"proxy": 0, "direct": 0}
    runs = {}
    for mode, target in (("proxy", PROXY), ("direct", DIRECT)):
        for rate in rates:
            time.sleep(5)
            res = sipp(target, rate * args.seconds, rate, 1000, f"{mode}-{rate}", args.seconds + 60)
            runs[f"{mode}_{rate}"] = res
            print(f"bench_edge: {mode} {rate} calls/s: {res}", flush=True)
            if res["failed"] == 0 and res["ok"] == rate * args.seconds:
                best[mode] = rate
            else:
                break
    figures = {"edge.max_cps": best["proxy"], "edge.direct_cps": best["direct"],
               "edge.proxy_ratio": round(best["proxy"] / best["direct"], 2) if best["direct"] else None}
    record(figures, settings={"rates_tried": rates, "run_seconds": args.seconds, "call_hold_ms": 1000,
                              "target": PROXY, "direct_target": DIRECT, "runs": runs}, tier="edge")
    print(f"bench_edge: recorded {figures}")


if __name__ == "__main__":
    sys.exit(main())
