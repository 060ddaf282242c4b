"""Return path snat, live: the operator switches the converged farm from route to snat and back.

The scenario converges with the default return path (route: the boxes route
the client network through the internal VIP; test_verto.py proves the box
sees the client's own address). Here playbooks/verto.yml runs again with
freeswitch_ha_verto_return_path=snat, as an operator would change it in the
inventory: the LBs masquerade what they DNAT from the VIPs, the boxes lose
their return routes, and a TCP connection or RTP datagram through VIP:port
reaches the right box, which sees the VIP holder's own address as the source,
and the reply comes back to the client from the VIP (through the LB). A second
snat run must change nothing; the last test switches back to route (the
failover drill runs on the default) and proves the client's address is seen
again.

These tests drive the lab from the controller and run once, in file order.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid

from verto_lab import (
    BOXES,
    CLIENT,
    CLIENT_NETWORK,
    INTERNAL_VIP,
    LB_ADDRESS,
    LBS,
    OTHER,
    ROOT,
    SCENARIO,
    holders,
    on,
    probe,
    standin_log_lines,
)

HOSTS = ("vtlb1", "vtlb2", "vtfs1", "vtfs2")
MASQUERADE = "ct status dnat ct original ip daddr @verto_vips masquerade"
ROUTE_UNIT = "/etc/systemd/system/freeswitch-ha-verto-route.service"
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def _verto_playbook(return_path):
    """Run playbooks/verto.yml on the scenario inventory with the given return path; {host: recap}, output."""
    env = dict(os.environ)
    env.update({
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / "build" / "collections"),
        "ANSIBLE_ROLES_PATH": str(ROOT / "roles"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "MOLECULE_PROJECT_DIRECTORY": str(ROOT),
    })
    tool = ROOT / ".venv" / "bin" / "ansible-playbook"
    proc = subprocess.run(
        [str(tool) if tool.exists() else "ansible-playbook", "-i", str(SCENARIO / "inventory" / "hosts.yml"),
         str(ROOT / "playbooks" / "verto.yml"), "-e", f"freeswitch_ha_verto_return_path={return_path}"],
        capture_output=True, text=True, check=False, env=env, cwd=ROOT, timeout=900)
    output = proc.stdout + proc.stderr
    recap = {m[0]: {"changed": int(m[2]), "unreachable": int(m[3]), "failed": int(m[4])}
             for m in RECAP.findall(output)}
    assert proc.returncode == 0, (
        f"verto.yml with return path {return_path} failed (rc {proc.returncode}):\n{output[-3000:]}")
    assert set(HOSTS) <= set(recap), f"verto.yml with return path {return_path}: no recap for {set(HOSTS) - set(recap)}"
    return recap, output


def _holder():
    found = holders()
    assert len(found) == 1, f"exactly one of {LBS} must hold every VIP, got {found}"
    return found[0]


def test_switching_to_snat_changes_the_lbs_and_the_boxes():
    recap, output = _verto_playbook("snat")
    # the LBs get the masquerade chain, the boxes lose their return routes
    unchanged = [host for host in HOSTS if recap[host]["changed"] == 0]
    assert not unchanged, f"switching to snat changed nothing on {unchanged}:\n{output[-2000:]}"


def test_snat_rerun_changes_nothing():
    recap, output = _verto_playbook("snat")
    changed = {host: r["changed"] for host, r in recap.items() if r["changed"]}
    assert not changed, f"a second snat run changed {changed}:\n{output[-3000:]}"


def test_lbs_masquerade_the_dnat_from_the_vips():
    for lb in LBS:
        table = on(lb, "nft", "list", "table", "ip", "freeswitch_ha_verto").stdout
        assert MASQUERADE in table, f"{lb}: no masquerade in table ip freeswitch_ha_verto with return path snat"
        assert "hook postrouting" in table, f"{lb}: no postrouting chain with return path snat"


def test_boxes_lose_their_return_routes():
    for box in BOXES:
        route = on(box, "ip", "-4", "route", "show", "exact", CLIENT_NETWORK).stdout.strip()
        assert f"via {INTERNAL_VIP}" not in route, f"{box}: return route via {INTERNAL_VIP} left with snat: {route}"
        assert on(box, "test", "-e", ROUTE_UNIT, check=False).returncode == 1, f"{box}: {ROUTE_UNIT} left with snat"


def test_tcp_through_the_vip_reaches_the_box_from_the_lb():
    holder = _holder()
    for box, (vip, port, dummy) in BOXES.items():
        # the connection is answered (so the SYN-ACK came back from the VIP), by the right box, which sees
        # the holder's own address, not the client's
        banner = probe("tcp", vip, port)
        assert banner == f"{box} {LB_ADDRESS[holder]}", (
            f"{box}: TCP to {vip}:{port} with snat answered {banner!r}, expected {box} {LB_ADDRESS[holder]}")


def test_rtp_through_the_vip_reaches_the_box_from_the_lb():
    holder = _holder()
    for box, (vip, dummy, (start, end)) in BOXES.items():
        for port in (start, end):
            token = f"snat-{uuid.uuid4().hex[:12]}"
            # verto-probe checks that the echo comes back from VIP:port
            echo = probe("udp", vip, port, token)
            assert echo == f"{box} {port} {token}", f"{box}: UDP to {vip}:{port} with snat echoed {echo!r}"
            seen = standin_log_lines(box, token)
            assert len(seen) == 1 and seen[0].startswith(f"udp {port} {LB_ADDRESS[holder]}:"), (
                f"{box}: datagram {token} to {vip}:{port} logged as {seen}, expected from {LB_ADDRESS[holder]}")
            assert not standin_log_lines(OTHER[box], token), f"{OTHER[box]}: got {token} meant for {box}"


def test_switching_back_to_route_restores_the_clients_address():
    recap, output = _verto_playbook("route")
    unchanged = [host for host in HOSTS if recap[host]["changed"] == 0]
    assert not unchanged, f"switching back to route changed nothing on {unchanged}:\n{output[-2000:]}"
    for lb in LBS:
        table = on(lb, "nft", "list", "table", "ip", "freeswitch_ha_verto").stdout
        assert "masquerade" not in table, f"{lb}: masquerade left after switching back to route"
    for box, (vip, port, dummy) in BOXES.items():
        route = on(box, "ip", "-4", "route", "show", "exact", CLIENT_NETWORK).stdout
        assert f"via {INTERNAL_VIP}" in route, f"{box}: no return route via {INTERNAL_VIP} after switching back"
        banner = probe("tcp", vip, port)
        assert banner == f"{box} {CLIENT}", f"{box}: TCP to {vip}:{port} with route answered {banner!r}"
