"""Hard-kill the LB holding the VIPs: the same VIP ports reach the same boxes through the other LB.

Runs last (file name): it kills a container, which only the scenario's
destroy step removes. Measures verto.failover_s into build/bench.json: from
just before `docker kill` until every probe (a reconnecting verto TCP client
per box, and one RTP stream per box with fixed ports) is answered again, for
good, by the right box. The figure is recorded, never asserted (2 shared cores),
with the advert interval read from the keepalived.conf the role installed and
the machine's load average at the time of the kill.
"""

import json
import os
import re
import subprocess
import sys
import time

import pytest
from verto_lab import CLIENT, LBS, ROOT, advert_int, holders

TARGETS = {
    "tcp:172.28.67.100:8082": "vtfs1",
    "udp:172.28.67.100:16600": "vtfs1",
    "tcp:172.28.67.101:8082": "vtfs2",
    "udp:172.28.67.101:17600": "vtfs2",
}
WATCH_S = 8.0
INTERVAL_S = 0.02


def _docker(*args, check=True):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=60)


def _recovered_at(attempts):
    """Start of the first attempt after which every attempt succeeded; None if the tail fails."""
    recovered = None
    for attempt in attempts:
        if not attempt["ok"]:
            recovered = None
        elif recovered is None:
            recovered = attempt["t"]
    return recovered


def test_hard_kill_of_the_vip_holder_fails_over(host):
    if host.backend.get_hostname() != "vtc":
        pytest.skip("driven from the client")
    holding = holders()
    assert len(holding) == 1, f"exactly one LB must hold every VIP, got {holding}"
    victim = holding[0]
    survivor = LBS[1 - LBS.index(victim)]
    advert_int_s = advert_int(victim)
    # the settings the drill runs with, read from the victim rather than assumed
    table = _docker("exec", f"fsha-{victim}", "nft", "list", "table", "ip", "freeswitch_ha_verto").stdout
    return_path = "snat" if "masquerade" in table else "route"
    keepalived_conf = _docker("exec", f"fsha-{victim}", "cat", "/etc/keepalived/keepalived.conf").stdout
    conntrack_sync = _docker("exec", f"fsha-{victim}", "systemctl", "is-active", "--quiet", "conntrackd.service",
                             check=False).returncode == 0
    watch = subprocess.Popen(
        ["docker", "exec", "fsha-vtc", "verto-probe", "watch", CLIENT, str(WATCH_S), str(INTERVAL_S), *TARGETS],
        stdout=subprocess.PIPE, text=True)
    time.sleep(2.0)
    load = os.getloadavg()
    killed_at = time.time()
    _docker("kill", f"fsha-{victim}")
    kill_returned = time.time() - killed_at
    out, dummy = watch.communicate(timeout=WATCH_S + 30)
    attempts = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    by_target = {target: [a for a in attempts if a["target"] == target] for target in TARGETS}

    recovery = {}
    for target, box in TARGETS.items():
        before = [a for a in by_target[target] if a["t"] < killed_at]
        assert before and all(a["ok"] for a in before[-10:]), f"{target} was not healthy before the kill"
        after = [a for a in by_target[target] if a["t"] >= killed_at]
        answered = {a["who"].split()[0] for a in after if a["ok"]}
        assert answered == {box}, f"{target} answered by {answered} after the failover, expected {box}"
        recovered = _recovered_at(after)
        assert recovered is not None, f"{target} did not come back within {WATCH_S} s"
        recovery[target] = round(max(recovered - killed_at, 0.0), 3)
    assert holders() == [survivor], f"the surviving LB {survivor} must hold every VIP, holders: {holders()}"

    failover_s = max(recovery.values())
    tcp_s = max(v for k, v in recovery.items() if k.startswith("tcp"))
    rtp_s = max(v for k, v in recovery.items() if k.startswith("udp"))
    sys.path.insert(0, str(ROOT / "tools"))
    from benchreport import record  # pylint: disable=import-outside-toplevel
    from bench_vip import finished_at  # pylint: disable=import-outside-toplevel

    # When the victim really died (docker's FinishedAt, reported a little late),
    # and what each probe saw around it: failed attempts, and the longest pause
    # between two attempts (a starved probe that sent nothing during the outage
    # would show no failure and a long pause, not a fast failover).
    died = finished_at(f"fsha-{victim}")
    died_s = round(died - killed_at, 3) if died else None
    seen = {}
    for target in TARGETS:
        after = [a for a in by_target[target] if a["t"] >= killed_at - 0.5]
        gaps = [b["t"] - a["t"] for a, b in zip(after, after[1:])]
        failed = [round(a["t"] - killed_at, 3) for a in after if not a["ok"] and a["t"] >= killed_at]
        seen[target] = {"failed": len(failed), "first_failed_s": failed[0] if failed else None,
                        "last_failed_s": failed[-1] if failed else None,
                        "max_pause_s": round(max(gaps), 3) if gaps else None,
                        "errors": sorted({a["error"] for a in after if a.get("error")})[:3]}
    max_pause = max(v["max_pause_s"] or 0.0 for v in seen.values())
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "verto-failover-attempts.json").write_text(
        json.dumps({"killed_at": killed_at, "kill_returned_s": kill_returned, "died_s": died_s, "attempts": attempts},
                   indent=1) + "\n", encoding="utf-8")
    print(f"verto failover: {failover_s} s (tcp {tcp_s} s, rtp {rtp_s} s, docker kill {kill_returned:.3f} s, "
          f"victim died at +{died_s} s, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")
    for target, what in seen.items():
        print(f"  {target}: recovered +{recovery[target]} s, {what}")

    # The victim dies somewhere while `docker kill` runs (0.1-0.7 s on a busy
    # host): failover_s counts from before the call (an upper bound), the
    # second figure from its return (a lower bound).
    after_return = round(max(failover_s - kill_returned, 0.0), 3)
    figures = {"verto.failover_s": failover_s, "verto.failover_tcp_s": tcp_s, "verto.failover_rtp_s": rtp_s,
               "verto.failover_from_kill_return_s": after_return, "verto.failover_probe_max_pause_s": max_pause,
               "verto.failover_failed_attempts": {k: v["failed"] for k, v in seen.items()}}
    if died_s is not None:
        figures["verto.failover_from_death_s"] = round(max(failover_s - died_s, 0.0), 3)
    record(figures,
           settings={"advert_int_s": advert_int_s, "probe_interval_s": INTERVAL_S, "probe_timeout_s": 0.1,
                     "return_path": return_path, "conntrack_sync": conntrack_sync, "killed": victim,
                     "vrrp_unicast": "unicast_peer" in keepalived_conf,
                     "vrrp_track_scripts": re.findall(r"^vrrp_script (\S+) \{", keepalived_conf, re.M),
                     "docker_kill_s": round(kill_returned, 3),
                     "load_avg_1_5_15": [round(value, 2) for value in load]},
           tier="verto")
