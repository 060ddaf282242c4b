"""Hard-kill the LB holding the VIPs: the same VIP ports reach the same boxes through the other LB.

Runs last (file name): it kills a container, which only the scenario's
destroy step removes. Measures verto.failover_s into build/bench.json: from
just before `docker kill` until every probe (a reconnecting verto TCP client
per box, and one RTP stream per box with fixed ports) is answered again, for
good, by the right box. The figure is recorded, never asserted (2 shared cores).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLIENT = "198.51.100.10"
LBS = ("vtlb1", "vtlb2")
VIPS = ("172.28.67.99", "172.28.67.100", "172.28.67.101")
TARGETS = {
    "tcp:172.28.67.100:8082": "vtfs1",
    "udp:172.28.67.100:16600": "vtfs1",
    "tcp:172.28.67.101:8082": "vtfs2",
    "udp:172.28.67.101:17600": "vtfs2",
}
WATCH_S = 8.0
INTERVAL_S = 0.02
ADVERT_INT_S = 0.1  # prepare.yml's keepalived stand-in
ROOT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))


def _docker(*args, check=True):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=60)


def _holder():
    holders = []
    for lb in LBS:
        out = _docker("exec", f"fsha-{lb}", "ip", "-o", "-4", "addr", "show", "dev", "eth0", check=False).stdout
        if all(f" {vip}/" in out for vip in VIPS):
            holders.append(lb)
    return holders


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
    holders = _holder()
    assert len(holders) == 1, f"exactly one LB must hold every VIP, got {holders}"
    victim = holders[0]
    survivor = LBS[1 - LBS.index(victim)]
    watch = subprocess.Popen(
        ["docker", "exec", "fsha-vtc", "verto-probe", "watch", CLIENT, str(WATCH_S), str(INTERVAL_S), *TARGETS],
        stdout=subprocess.PIPE, text=True)
    time.sleep(2.0)
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
    assert _holder() == [survivor], "the surviving LB must hold every VIP"

    failover_s = max(recovery.values())
    tcp_s = max(v for k, v in recovery.items() if k.startswith("tcp"))
    rtp_s = max(v for k, v in recovery.items() if k.startswith("udp"))
    print(f"verto failover: {failover_s} s (tcp {tcp_s} s, rtp {rtp_s} s, docker kill {kill_returned:.3f} s)")
    sys.path.insert(0, str(ROOT / "tools"))
    from benchreport import record  # pylint: disable=import-outside-toplevel

    # The victim dies somewhere while `docker kill` runs (0.1-0.7 s on a busy
    # host): failover_s counts from before the call (an upper bound), the
    # second figure from its return (a lower bound).
    after_return = round(max(failover_s - kill_returned, 0.0), 3)
    record({"verto.failover_s": failover_s, "verto.failover_tcp_s": tcp_s, "verto.failover_rtp_s": rtp_s,
            "verto.failover_from_kill_return_s": after_return},
           settings={"advert_int_s": ADVERT_INT_S, "probe_interval_s": INTERVAL_S, "probe_timeout_s": 0.1,
                     "return_path": "route", "conntrack_sync": False, "killed": victim,
                     "docker_kill_s": round(kill_returned, 3)},
           tier="verto")
