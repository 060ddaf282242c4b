"""Helpers the verto scenario's tests share: the lab's layout, docker calls, VIP holders, the client probe.

Not a test module (pytest collects test_*.py only). The constants are the
scenario inventory's (inventory/hosts.yml, group_vars/all/farm.yml) and the
plan it gives (checked against the LBs' own nft maps in test_verto.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))
SCENARIO = Path(__file__).resolve().parents[1]
CLIENT = "198.51.100.10"
CLIENT_NETWORK = "198.51.100.0/24"
INTERNAL_VIP = "172.28.67.99"
LBS = ("vtlb1", "vtlb2")
LB_ADDRESS = {"vtlb1": "172.28.67.11", "vtlb2": "172.28.67.12"}
VIPS = (INTERNAL_VIP, "172.28.67.100", "172.28.67.101")
INSTANCES = ("tenant_a", "tenant_b", "internal")
# box: (tenant VIP, public verto port, RTP range) as the plan computes them
BOXES = {
    "vtfs1": ("172.28.67.100", 8082, (16384, 17383)),
    "vtfs2": ("172.28.67.101", 8082, (17384, 18383)),
}
OTHER = {"vtfs1": "vtfs2", "vtfs2": "vtfs1"}
STANDIN_LOG = "/var/log/verto-standin.log"


def docker(*args, check=True, timeout=120):
    """Run the docker CLI; with check, a failure raises naming the command and its stderr."""
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, check=False, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc


def on(host, *argv, check=True):
    """Run argv in the container of inventory host ``host``; returns the CompletedProcess."""
    return docker("exec", f"fsha-{host}", *argv, check=check)


def holders(vips=VIPS):
    """The LBs whose eth0 carries every one of ``vips``."""
    found = []
    for lb in LBS:
        out = on(lb, "ip", "-o", "-4", "addr", "show", "dev", "eth0", check=False).stdout
        if all(f" {vip}/" in out for vip in vips):
            found.append(lb)
    return found


def any_holder(vip):
    """The LBs that carry ``vip`` at all (to catch a split: VIPs on both LBs)."""
    return [lb for lb in LBS if f" {vip}/" in on(lb, "ip", "-o", "-4", "addr", "show", "dev", "eth0",
                                                     check=False).stdout]


def wait_for_holder(lb, timeout=20.0):
    """Seconds until ``lb`` alone carries every VIP (and no other LB carries any), or None on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if holders() == [lb] and all(any_holder(vip) == [lb] for vip in VIPS):
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def vrrp_states(lb):
    """{instance: state} from the keepalived role's notify state files on ``lb``."""
    states = {}
    for instance in INSTANCES:
        proc = on(lb, "cat", f"/run/keepalived-notify/{instance}.state", check=False)
        states[instance] = proc.stdout.strip() if proc.returncode == 0 else None
    return states


def advert_int(lb):
    """The advert interval in the keepalived.conf the role installed on ``lb`` (one value for all instances)."""
    conf = on(lb, "cat", "/etc/keepalived/keepalived.conf").stdout
    values = set(re.findall(r"^\s*advert_int\s+(\S+)\s*$", conf, re.M))
    if len(values) != 1:
        raise AssertionError(f"{lb}: expected one advert_int in keepalived.conf, found {sorted(values) or 'none'}")
    return float(values.pop())


def probe(*args, check=True):
    """Run verto-probe on the client from its public address: probe('tcp', VIP, PORT) / ('udp', VIP, PORT, TOKEN)."""
    proc = on("vtc", "verto-probe", args[0], CLIENT, *map(str, args[1:]), check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"vtc: verto-probe {' '.join(map(str, args))} failed: {proc.stderr.strip()[-400:]}")
    return proc.stdout.strip() if check else proc


def standin_log_lines(box, token):
    """The stand-in log lines of ``box`` that hold ``token``."""
    proc = on(box, "grep", "-F", "--", token, STANDIN_LOG, check=False)
    return proc.stdout.splitlines()
