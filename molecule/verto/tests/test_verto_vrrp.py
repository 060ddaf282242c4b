"""The VIPs come from the collection's keepalived role, and its track script follows the verto table.

keepalived is deployed by converge.yml through playbooks/edge_vrrp.yml with
the plan's VRRP instances (tenant_a, tenant_b, internal) and the scenario's
track script chk_verto (group_vars/all/vrrp.yml): an LB without the verto
table in its kernel must not hold the VIPs. Stopping freeswitch-ha-verto.service
on the master (its ExecStop deletes the table) must move all three VIPs to the
other LB, where the client still reaches the same boxes; starting it again
brings them back (preempt). The failover drill (test_zz_failover.py) then
starts from the preferred master again.

These tests drive the lab from the controller and run once, in file order.
"""

from __future__ import annotations

import time

from verto_lab import (
    BOXES,
    CLIENT,
    INSTANCES,
    LBS,
    holders,
    on,
    probe,
    vrrp_states,
    wait_for_holder,
)

PRIORITY = {"vtlb1": 150, "vtlb2": 100}
EXPECTED = {"vtlb1": "MASTER", "vtlb2": "BACKUP"}
CHK_VERTO = "/usr/sbin/nft list map ip freeswitch_ha_verto verto_tcp"  # group_vars/all/vrrp.yml


def test_keepalived_config_is_the_roles_with_the_plans_instances():
    for lb in LBS:
        assert on(lb, "systemctl", "is-active", "keepalived.service", check=False).stdout.strip() == "active", (
            f"{lb}: keepalived.service is not active")
        conf = on(lb, "cat", "/etc/keepalived/keepalived.conf").stdout
        result = on(lb, "keepalived", "-t", "-f", "/etc/keepalived/keepalived.conf", check=False)
        assert result.returncode == 0, f"{lb}: keepalived -t rejects the installed config: {result.stderr}"
        for instance in INSTANCES:
            assert f"vrrp_instance {instance} {{" in conf, f"{lb}: keepalived.conf has no instance {instance}"
        assert conf.count(f"priority {PRIORITY[lb]}\n") == len(INSTANCES), f"{lb}: priorities are not {PRIORITY[lb]}"
        assert f'vrrp_script chk_verto {{\n    script "{CHK_VERTO}"' in conf, (
            f"{lb}: keepalived.conf does not run the scenario's chk_verto (freeswitch_ha_vrrp_track_scripts)")
        assert conf.count("        chk_verto\n") == len(INSTANCES), f"{lb}: not every instance tracks chk_verto"
        group = conf.split("vrrp_sync_group ", 1)[1].split("}", 1)[0]
        assert all(f"        {instance}\n" in group for instance in INSTANCES), (
            f"{lb}: the tenant VIPs and the internal VIP are not in one sync group")


def test_vips_sit_on_the_preferred_master():
    assert holders() == ["vtlb1"], f"every VIP must be on vtlb1 (priority 150), holders: {holders()}"
    for lb in LBS:
        states = vrrp_states(lb)
        assert set(states.values()) == {EXPECTED[lb]}, f"{lb}: VRRP states {states}, expected {EXPECTED[lb]}"


def test_master_without_the_verto_table_gives_up_the_vips():
    started = time.monotonic()
    on("vtlb1", "systemctl", "stop", "freeswitch-ha-verto.service")
    try:
        moved = wait_for_holder("vtlb2")
        assert moved is not None, (
            f"vtlb1 lost table ip freeswitch_ha_verto but the VIPs stayed: holders {holders()}, "
            f"vtlb1 states {vrrp_states('vtlb1')}")
        print(f"verto table gone on vtlb1 -> VIPs on vtlb2 after {time.monotonic() - started:.2f} s "
              f"(chk_verto interval 1 s, fall 2)")
        assert set(vrrp_states("vtlb1").values()) == {"FAULT"}, f"vtlb1 states {vrrp_states('vtlb1')}"
        for box, (vip, port, dummy) in BOXES.items():
            banner = probe("tcp", vip, port)
            assert banner == f"{box} {CLIENT}", f"{box}: TCP to {vip}:{port} through vtlb2 answered {banner!r}"
            token = f"vrrp-{box}-{int(time.time() * 1000)}"
            echo = probe("udp", vip, BOXES[box][2][0], token)
            assert echo == f"{box} {BOXES[box][2][0]} {token}", f"{box}: RTP through vtlb2 echoed {echo!r}"
    finally:
        on("vtlb1", "systemctl", "start", "freeswitch-ha-verto.service")
    back = wait_for_holder("vtlb1")
    assert back is not None, f"the VIPs did not come back to vtlb1 (preempt) once its table was back: {holders()}"
    print(f"verto table back on vtlb1 -> VIPs on vtlb1 again after {back:.2f} s (rise 2)")
    assert set(vrrp_states("vtlb1").values()) == {"MASTER"}, f"vtlb1 states {vrrp_states('vtlb1')}"
