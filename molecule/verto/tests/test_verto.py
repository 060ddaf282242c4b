"""Verto partition: rules on the LB pair, routes on the boxes, forwarding seen from the client.

The client (vtc) reaches the boxes from its public address (198.51.100.10,
TEST-NET-2) through the tenant VIPs; the boxes run stand-in listeners
(prepare.yml) that name themselves in every answer and log every datagram.
This file checks the return path the scenario converges with (route);
test_verto_snat.py switches to snat and back.
"""

import uuid

import pytest
from verto_lab import BOXES, CLIENT, INTERNAL_VIP, OTHER


def _name(host):
    return host.backend.get_hostname()


def _only(host, *names):
    if _name(host) not in names:
        pytest.skip(f"checked on {', '.join(names)}")


def test_rules_file_loaded_and_persisted_on_each_lb(host):
    _only(host, "vtlb1", "vtlb2")
    assert host.file("/etc/freeswitch_ha/verto.nft").exists
    unit = host.service("freeswitch-ha-verto.service")
    assert unit.is_enabled and unit.is_running
    tcp = host.check_output("nft list map ip freeswitch_ha_verto verto_tcp")
    rtp = host.check_output("nft list map ip freeswitch_ha_verto verto_rtp")
    assert "172.28.67.100 . 8082 : 172.28.67.21 . 8081" in tcp
    assert "172.28.67.101 . 8082 : 172.28.67.22 . 8081" in tcp
    assert "172.28.67.100 . 16384-17383 : 172.28.67.21" in rtp
    assert "172.28.67.101 . 17384-18383 : 172.28.67.22" in rtp


def test_rules_file_passes_nft_check(host):
    _only(host, "vtlb1", "vtlb2")
    host.run_test("nft -c -f /etc/freeswitch_ha/verto.nft")


def test_only_the_collection_table_is_added(host):
    _only(host, "vtlb1", "vtlb2")
    tables = set(host.check_output("nft list tables").splitlines())
    # Docker's own table for the embedded DNS is left alone
    assert tables - {"table ip nat"} == {"table ip freeswitch_ha_verto"}


def test_reapplying_the_file_is_atomic_and_changes_nothing(host):
    _only(host, "vtlb1", "vtlb2")
    before = host.check_output("nft list table ip freeswitch_ha_verto")
    host.run_test("systemctl reload freeswitch-ha-verto.service")
    assert host.check_output("nft list table ip freeswitch_ha_verto") == before


def test_forwarding_is_on(host):
    _only(host, "vtlb1", "vtlb2")
    assert host.file("/proc/sys/net/ipv4/ip_forward").content_string.strip() == "1"


def test_boxes_route_clients_through_the_internal_vip(host):
    _only(host, "vtfs1", "vtfs2")
    assert host.service("freeswitch-ha-verto-route.service").is_enabled
    route = host.check_output("ip -4 route show exact 198.51.100.0/24")
    assert f"via {INTERNAL_VIP}" in route


@pytest.mark.parametrize("box", sorted(BOXES))
def test_tcp_to_vip_port_reaches_the_right_box(host, box):
    _only(host, "vtc")
    vip, port, dummy = BOXES[box]
    banner = host.check_output(f"verto-probe tcp {CLIENT} {vip} {port}")
    # the box answers, and sees the client's real address (route return path)
    assert banner == f"{box} {CLIENT}"


@pytest.mark.parametrize("box", sorted(BOXES))
def test_rtp_to_box_range_arrives_at_that_box_only(host, box):
    _only(host, "vtc")
    import testinfra  # pylint: disable=import-outside-toplevel

    vip, dummy, (start, end) = BOXES[box]
    for port in (start, (start + end) // 2 & ~1, end):
        token = f"rtp-{uuid.uuid4().hex[:12]}"
        echo = host.check_output(f"verto-probe udp {CLIENT} {vip} {port} {token}")
        assert echo == f"{box} {port} {token}"
        target = testinfra.get_host(f"docker://fsha-{box}")
        other = testinfra.get_host(f"docker://fsha-{OTHER[box]}")
        assert f"udp {port} {CLIENT}:" in target.check_output(f"grep -F {token} /var/log/verto-standin.log")
        assert other.run(f"grep -F {token} /var/log/verto-standin.log").rc == 1


def test_other_tenant_range_is_not_forwarded_on_this_vip(host):
    _only(host, "vtc")
    # vtfs2's RTP port on tenant a's VIP: no rule, no answer
    result = host.run(f"verto-probe udp {CLIENT} 172.28.67.100 17500 cross-{uuid.uuid4().hex[:8]}")
    assert result.rc != 0
