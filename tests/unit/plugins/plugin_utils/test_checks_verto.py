"""checks_verto: the verto tier's preflight checks, and the shared ones it relies on."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import checks_verto
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import (
    TIER_CHECKS,
    format_problems,
    inventory_problems,
)


def _only(problems, host, variable):
    return [p["message"] for p in problems if p["host"] == host and p["variable"] == variable]


def test_lab_and_verto_settings_are_clean(lab_farm):
    lab_farm["vars"].update(freeswitch_ha_verto_return_path="snat", freeswitch_ha_verto_conntrack_sync=True,
                            freeswitch_ha_verto_client_networks=["0.0.0.0/0", "198.51.100.0/24"])
    assert checks_verto.check(lab_farm) == []
    assert inventory_problems(lab_farm) == []


def test_registered_in_the_preflight():
    assert checks_verto.check in TIER_CHECKS


@pytest.mark.parametrize(("var", "value", "fragment"), [
    ("freeswitch_ha_verto_return_path", "masquerade", "not one of route, snat"),
    ("freeswitch_ha_verto_conntrack_sync", "yes", "true or false"),
    ("freeswitch_ha_verto_client_networks", "0.0.0.0/0", "non-empty list"),
    ("freeswitch_ha_verto_client_networks", [], "non-empty list"),
    ("freeswitch_ha_verto_client_networks", ["198.51.100.1/24"], "not an IPv4 network"),
    ("freeswitch_ha_verto_client_networks", ["172.28.57.0/24"], "farm network 172.28.57.0/24"),
    ("freeswitch_ha_verto_client_networks", ["172.28.57.128/25"], "inside) the farm network"),
])
def test_bad_settings(lab_farm, var, value, fragment):
    lab_farm["vars"][var] = value
    messages = _only(inventory_problems(lab_farm), "all", var)
    assert any(fragment in m for m in messages), messages


def test_rtp_range_holding_a_sip_port(lab_farm):
    lab_farm["hosts"]["fs2"]["freeswitch_ha_rtp_range"] = "5000-5999"
    assert any("SIP port 5060" in m for m in _only(checks_verto.check(lab_farm), "fs2", "freeswitch_ha_rtp_range"))
    lab_farm["hosts"]["fs2"].pop("freeswitch_ha_rtp_range")
    lab_farm["vars"]["freeswitch_ha_rtp_pool"] = "4060-12059"
    problems = checks_verto.check(lab_farm)
    # 1000-port slots: fs1 4060-5059, fs2 5060-6059
    assert _only(problems, "fs2", "freeswitch_ha_rtp_pool") == [
        "RTP range 5060-6059 holds the SIP port 5060: the load balancers forward the whole range on the tenant VIP"]
    assert not _only(problems, "fs1", "freeswitch_ha_rtp_pool")


def test_vip_held_by_two_lb_pairs(lab_farm):
    lab_farm["hosts"]["lb3"] = {"freeswitch_ha_address": "172.28.57.13"}
    lab_farm["hosts"]["lb4"] = {"freeswitch_ha_address": "172.28.57.14"}
    lab_farm["groups"]["loadbalancers"] += ["lb3", "lb4"]
    lab_farm["vars"]["freeswitch_ha_tenants"]["beta"].update(
        vip="172.28.57.100", vrrp_router_id=51, lb_hosts=["lb3", "lb4"], verto_port_base=9000)
    messages = _only(inventory_problems(lab_farm), "all", "freeswitch_ha_tenants.beta.lb_hosts")
    assert messages == ["VIP 172.28.57.100 of tenant beta is held by tenant alpha's LB pair lb1, lb2, not by lb3, lb4"]


def test_bad_data_never_raises():
    assert checks_verto.check(None) == []
    assert checks_verto.check({"vars": "x"}) == []
    broken = {"vars": {"freeswitch_ha_tenants": "x", "freeswitch_ha_rtp_pool": "x"}, "groups": {"freeswitch": ["a"]}}
    assert checks_verto.check(broken) == []


# The three bad inputs of the verto issue, reported by the shared preflight
# (inventory_check): covered here so the verto tier's contract is explicit.
def test_two_boxes_same_public_port_on_one_vip(lab_farm):
    lab_farm["vars"]["freeswitch_ha_tenants"]["beta"].update(vip="172.28.57.100", vrrp_router_id=51)
    messages = _only(inventory_problems(lab_farm), "fs3", "freeswitch_ha_tenants.beta.verto_port_base")
    assert messages == ["public verto port 8082 on VIP 172.28.57.100 is already fs1's (tenant alpha)"]


def test_rtp_range_colliding_with_rtpengine_on_the_lb(lab_farm):
    lab_farm["hosts"]["fs1"]["freeswitch_ha_rtp_range"] = "44000-44999"
    messages = _only(inventory_problems(lab_farm), "fs1", "freeswitch_ha_rtp_range")
    assert any("collides with rtpengine's range 40000-44999" in m for m in messages), messages


@pytest.mark.parametrize("lbs", [[], ["lb1"], ["lb1", "lb1"], ["lb1", "lb9"]])
def test_tenant_without_lb_pair(lab_farm, lbs):
    lab_farm["vars"]["freeswitch_ha_tenants"]["beta"]["lb_hosts"] = lbs
    problems = inventory_problems(lab_farm)
    messages = _only(problems, "all", "freeswitch_ha_tenants.beta.lb_hosts")
    assert any("no LB pair" in m or "not in the loadbalancers group" in m for m in messages), format_problems(problems)
