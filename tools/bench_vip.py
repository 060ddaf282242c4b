#!/usr/bin/env python3
"""VIP drills on a keepalived pair in the lab: takeover after a hard kill, no flapping under load.

Used by the Molecule scenario ``keepalived`` (tests/test_20_vip.py: 60 s window)
and by ``make bench-vip`` (this script: 5-minute window). What is measured,
exactly (docs/edge_vrrp.md):

* takeover: the client container sends a UDP datagram to VIP:5060 every 10 ms;
  each load balancer runs a responder that answers with its host name. The
  load balancer holding the VIP is killed with ``docker kill``; the figure is
  the client's gap from the last answer of the killed one to the first answer
  of the other one (the kill lands within one probe interval after that last
  answer). Also reported: the same end point measured from docker's
  ``FinishedAt`` (lower bound) and from the moment ``docker kill`` was issued
  (upper bound); all times come from one kernel clock (containers share the
  host's CLOCK_REALTIME).
* flapping: the same probe every 50 ms for the whole window while busy loops
  keep both cores busy inside the load balancers; any change of the answering
  load balancer, or any transition in the notify log, is a flap.

Containers are the lab's (created by tools/lab.py from the scenario
inventory); this script only execs into them, kills one, and starts nothing
outside them.

    tools/bench_vip.py [--window 300] [--kills 5] [--lbs fsha-kav1,fsha-kav2] [--client fsha-kavc]
                       [--vip 172.28.68.100] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import datetime
import statistics
import subprocess
import sys
import time
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
NOTIFY_LOG = "/var/log/keepalived-notify.log"

PROBE = r"""
import select, socket, sys, time
vip, port, interval, duration = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setblocking(False)
start = time.time()
end, next_send, seq = start + duration, start, 0
while time.time() < end:
    now = time.time()
    if now >= next_send:
        seq += 1
        try:
            sock.sendto(b"%d" % seq, (vip, port))
        except OSError:
            pass
        next_send += interval
    ready = select.select([sock], [], [], max(0.0, min(next_send, end) - time.time()))[0]
    while ready:
        try:
            data, peer = sock.recvfrom(2048)
        except BlockingIOError:
            break
        name, dummy, answered = data.decode(errors="replace").partition(" ")
        print("%.6f %s %s" % (time.time(), name, answered), flush=True)
print("SENT %d %.6f" % (seq, start), flush=True)
"""


class DrillError(Exception):
    """The drill could not run (a precondition of the lab is not met)."""


def docker(*args, check=True, timeout=60):
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise DrillError(f"docker {' '.join(args[:3])}: {proc.stderr.strip() or proc.returncode}")
    return proc


def running(container):
    proc = docker("inspect", "--format", "{{.State.Running}}", container, check=False)
    return proc.stdout.strip() == "true"


def holders(lbs, vip):
    """The running load balancers that have ``vip`` on an interface."""
    found = []
    for container in lbs:
        if not running(container):
            continue
        out = docker("exec", container, "ip", "-4", "-o", "addr", "show", check=False).stdout
        if any(field.split("/")[0] == vip for line in out.splitlines() for field in line.split()):
            found.append(container)
    return found


def wait_for_holder(lbs, vip, wanted, timeout=20.0):
    """Seconds until exactly ``wanted`` holds the VIP (polled every 0.1 s), or None."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if holders(lbs, vip) == [wanted]:
            return time.monotonic() - start
        time.sleep(0.1)
    return None


def finished_at(container):
    """When the container's init died (docker's State.FinishedAt) as a Unix time, or None."""
    text = docker("inspect", "--format", "{{.State.FinishedAt}}", container).stdout.strip()
    try:
        stamp, fraction = text.rstrip("Z").split(".", 1) if "." in text else (text.rstrip("Z"), "0")
        whole = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return whole.timestamp() + float("0." + fraction)


def notify_lines(container):
    return docker("exec", container, "cat", NOTIFY_LOG, check=False).stdout.splitlines()


def advert_int(container):
    """The advert interval in the installed keepalived.conf (what actually ran)."""
    conf = docker("exec", container, "cat", "/etc/keepalived/keepalived.conf").stdout
    values = {line.split()[1] for line in conf.splitlines() if line.strip().startswith("advert_int")}
    return float(values.pop()) if len(values) == 1 else sorted(values)


def start_probe(client, vip, port, interval, duration):
    """Start the UDP probe in the client container (python3 is in the lab image)."""
    return subprocess.Popen(
        ["docker", "exec", client, "python3", "-c", PROBE, vip, str(port), str(interval), str(duration)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_probe(proc, timeout):
    out, err = proc.communicate(timeout=timeout)
    answers, sent = [], None
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "SENT":
            sent = int(parts[1])
        elif len(parts) == 3:
            answers.append((float(parts[0]), parts[1], parts[2]))
    if sent is None:
        raise DrillError(f"the probe in the client did not finish: {err.strip()[-300:]}")
    return answers, sent


def busy_loops(lbs, seconds, per_container=2):
    """Bounded CPU load: ``per_container`` busy loops in each load balancer for ``seconds``."""
    for container in lbs:
        for dummy in range(per_container):
            docker("exec", "-d", container, "timeout", str(int(seconds)), "sh", "-c", "while :; do :; done")


def flap_count(window):
    """Flaps in a window: changes of the answering LB plus VRRP instance entries into MASTER in the notify logs."""
    entries = {}
    for container, lines in window["transitions"].items():
        for line in lines:
            fields = line.split()
            if len(fields) >= 4 and fields[1] == "INSTANCE" and fields[3] == "MASTER":
                entries[(container, fields[2])] = entries.get((container, fields[2]), 0) + 1
    return window["responder_changes"] + max(entries.values(), default=0)


def flap_window(lbs, client, vip, seconds, port=5060, interval=0.05, load=True):
    """Probe the VIP for ``seconds`` (cores busy when ``load``); count changes of the answering LB."""
    before = {c: len(notify_lines(c)) for c in lbs}
    holder = holders(lbs, vip)
    if load:
        busy_loops(lbs, seconds)
    proc = start_probe(client, vip, port, interval, seconds)
    answers, sent = finish_probe(proc, seconds + 60)
    transitions = {c: notify_lines(c)[before[c]:] for c in lbs}
    names = [name for dummy, name, dummy2 in answers]
    changes = sum(1 for a, b in zip(names, names[1:]) if a != b)
    return {
        "window_s": seconds, "sent": sent, "answered": len(answers), "responders": sorted(set(names)),
        "responder_changes": changes, "transitions": {c: lines for c, lines in transitions.items() if lines},
        "holder_before": holder, "holder_after": holders(lbs, vip),
    }


def hard_kill_failover(lbs, client, vip, port=5060, interval=0.01, lead_s=2.0, after_s=4.0):
    """docker kill the VIP holder while the client probes; seconds until the other LB answers."""
    current = holders(lbs, vip)
    if len(current) != 1:
        raise DrillError(f"VIP {vip} must be on exactly one load balancer before the drill, not {current}")
    victim = current[0]
    proc = start_probe(client, vip, port, interval, lead_s + after_s)
    time.sleep(lead_s)
    t_kill = time.time()
    docker("kill", victim)
    t_killed = time.time()
    answers, sent = finish_probe(proc, lead_s + after_s + 60)
    t_dead = finished_at(victim)
    name = victim.removeprefix("fsha-")
    before = [a for a in answers if a[0] < t_kill]
    from_victim = [a[0] for a in answers if a[1] == name]
    after_other = [a for a in answers if a[0] >= t_kill and a[1] != name]
    survivors = [c for c in lbs if c != victim]
    first_other = after_other[0][0] if after_other else None
    return {
        "victim": victim, "sent": sent, "answered": len(answers),
        "answered_before_kill_by": sorted({a[1] for a in before}),
        "kill_command_s": round(t_killed - t_kill, 3),
        "dead_after_s": round(t_dead - t_kill, 3) if t_dead else None,
        # The figure: the client's gap, from the killed LB's last answer to the
        # other LB's first answer (the kill landed within one probe interval
        # after that last answer). The other two bracket it: from docker's
        # FinishedAt (reported a little late: a lower bound) and from the moment
        # `docker kill` was issued (includes the docker CLI: an upper bound).
        "takeover_s": round(first_other - max(from_victim), 3) if first_other and from_victim else None,
        "takeover_from_finished_at_s": round(first_other - t_dead, 3) if first_other and t_dead else None,
        "takeover_from_kill_command_s": round(first_other - t_kill, 3) if first_other else None,
        "new_responder": after_other[0][1] if after_other else None,
        "victim_answers_after_kill": len([t for t in from_victim if t >= t_killed]),
        "holders_after": holders(survivors, vip),
    }


def restore(lbs, victim, vip, preferred, timeout=120.0):
    """Start the killed container again and wait until the preferred LB holds the VIP and both run keepalived."""
    docker("start", victim)
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        ready = all(docker("exec", c, "systemctl", "is-active", "--quiet", "keepalived", check=False).returncode == 0
                    for c in lbs)
        if ready and holders(lbs, vip) == [preferred]:
            time.sleep(3)
            return
        time.sleep(0.5)
    raise DrillError(f"{victim} did not come back with keepalived within {timeout:.0f} s")


def record_figures(figures, settings):
    """Write figures with benchreport, keeping the other edge settings (benchreport replaces a tier's settings)."""
    sys.path.insert(0, str(TOOLS))
    from benchreport import REPORT, record  # pylint: disable=import-outside-toplevel
    try:
        merged = dict(json.loads(REPORT.read_text(encoding="utf-8"))["settings"]["edge"])
    except (OSError, ValueError, KeyError, TypeError):
        merged = {}
    merged.update(settings)
    return record(figures, settings=merged, tier="edge")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lbs", default="fsha-kav1,fsha-kav2", help="the two load-balancer containers, preferred first")
    parser.add_argument("--client", default="fsha-kavc", help="the client container that probes")
    parser.add_argument("--vip", default="172.28.68.100")
    parser.add_argument("--port", type=int, default=5060, help="UDP port the responders answer on")
    parser.add_argument("--window", type=int, default=300, help="seconds of the no-flap window (cores busy)")
    parser.add_argument("--kills", type=int, default=5, help="hard kills of the VIP holder (restarted in between)")
    parser.add_argument("--no-record", action="store_true", help="print only, do not write build/bench.json")
    args = parser.parse_args(argv)
    lbs = args.lbs.split(",")
    takeovers = []
    try:
        interval = advert_int(lbs[0])
        print(f"bench_vip: advert_int {interval} s; no-flap window of {args.window} s with both cores busy ...", flush=True)
        window = flap_window(lbs, args.client, args.vip, args.window, args.port)
        print(f"bench_vip: window: {window}", flush=True)
        for run in range(args.kills):
            if run:
                restore(lbs, lbs[0], args.vip, lbs[0])
            kill = hard_kill_failover(lbs, args.client, args.vip, args.port)
            print(f"bench_vip: hard kill {run + 1}/{args.kills}: {kill}", flush=True)
            if kill["takeover_s"] is None:
                print("bench_vip: the other load balancer never answered on the VIP", file=sys.stderr)
                return 1
            takeovers.append(kill["takeover_s"])
        restore(lbs, lbs[0], args.vip, lbs[0])
    except DrillError as exc:
        print(f"bench_vip: {exc}", file=sys.stderr)
        return 2
    flaps = flap_count(window)
    figures = {"edge.vip_failover_s": max(takeovers), "edge.vip_failover_median_s": statistics.median(takeovers),
               "edge.vip_flaps": flaps, "edge.vip_flap_window_s": args.window}
    if not args.no_record:
        record_figures(figures, {"advert_int": interval, "vip_kills": args.kills,
                                 "vip_probe": "UDP to VIP:5060 every 10 ms from the client; gap last old -> first new answer",
                                 "vip_kill": "docker kill of the VIP holder", "vip_flap_load": "2 busy loops per LB"})
    print(f"bench_vip: {figures} (takeovers {takeovers})")
    if flaps:
        # a benchmark measures and reports; make bench goes on to the table (the keepalived scenario's own
        # 60 s window is the test that fails on a flap)
        print(f"bench_vip: TARGET MISSED: {flaps} VIP flap(s) in {args.window} s with both cores busy", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
