"""checks_edge_sip: the SIP edge's knobs, every problem named by variable."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_edge_sip import check
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import inventory_problems


def _vars(lab_farm, **values):
    lab_farm["vars"].update(values)
    return lab_farm


def test_lab_inventory_is_clean(lab_farm):
    assert check(lab_farm) == []


def test_sound_knobs_pass(lab_farm):
    farm = _vars(lab_farm, freeswitch_ha_sip_client_networks=["0.0.0.0/0", "10.0.0.0/8"],
                 freeswitch_ha_sip_registrar="proxy", freeswitch_ha_sip_probe_interval=5,
                 freeswitch_ha_sip_failover_timer_ms=1000, freeswitch_ha_rtpengine_ng_port=2223,
                 freeswitch_ha_sip_advertise="192.0.2.10", freeswitch_ha_rtpengine_kernel=False)
    assert check(farm) == []


@pytest.mark.parametrize(("values", "variable", "words"), [
    ({"freeswitch_ha_sip_client_networks": "10.0.0.0/8"}, "freeswitch_ha_sip_client_networks", "must be a list"),
    ({"freeswitch_ha_sip_client_networks": []}, "freeswitch_ha_sip_client_networks", "refuse every client"),
    ({"freeswitch_ha_sip_client_networks": ["10.0.0.1/8"]}, "freeswitch_ha_sip_client_networks", "host bits"),
    ({"freeswitch_ha_sip_flood_exempt_networks": ["nope"]}, "freeswitch_ha_sip_flood_exempt_networks", "'nope'"),
    ({"freeswitch_ha_sip_registrar": "usrloc"}, "freeswitch_ha_sip_registrar", "freeswitch, proxy"),
    ({"freeswitch_ha_sip_probe_interval": 0}, "freeswitch_ha_sip_probe_interval", "from 1 to 3600"),
    ({"freeswitch_ha_sip_failover_timer_ms": "1000"}, "freeswitch_ha_sip_failover_timer_ms", "integer"),
    ({"freeswitch_ha_sip_pike_density": True}, "freeswitch_ha_sip_pike_density", "integer"),
    ({"freeswitch_ha_rtpengine_ng_port": 5060}, "freeswitch_ha_rtpengine_ng_port", "SIP port"),
    ({"freeswitch_ha_rtpengine_ng_port": 70000}, "freeswitch_ha_rtpengine_ng_port", "1 to 65535"),
    ({"freeswitch_ha_sip_advertise": "vip"}, "freeswitch_ha_sip_advertise", "IPv4 address"),
    ({"freeswitch_ha_rtpengine_advertise": "::1"}, "freeswitch_ha_rtpengine_advertise", "IPv4 address"),
    ({"freeswitch_ha_rtpengine_kernel": "yes"}, "freeswitch_ha_rtpengine_kernel", "true or false"),
])
def test_bad_knob_is_named(lab_farm, values, variable, words):
    problems = check(_vars(lab_farm, **values))
    assert len(problems) == 1, problems
    assert problems[0]["host"] == "all" and problems[0]["variable"] == variable
    assert words in problems[0]["message"]


def test_every_problem_at_once(lab_farm):
    farm = _vars(lab_farm, freeswitch_ha_sip_client_networks=["x", "y"], freeswitch_ha_sip_registrar="z",
                 freeswitch_ha_sip_probe_interval=-1)
    assert len(check(farm)) == 4


def test_not_a_mapping():
    assert check(None) == []


def test_empty_set_and_unknown_algorithm_come_from_the_planning_checks(lab_farm):
    """The edge does not duplicate them: the inventory check already names them."""
    lab_farm["vars"]["freeswitch_ha_tenants"]["alpha"]["freeswitch_hosts"] = []
    lab_farm["vars"]["freeswitch_ha_tenants"]["beta"]["dispatcher_algorithm"] = "fastest"
    variables = {p["variable"] for p in inventory_problems(lab_farm)}
    assert "freeswitch_ha_tenants.alpha.freeswitch_hosts" in variables
    assert "freeswitch_ha_tenants.beta.dispatcher_algorithm" in variables
    assert check(lab_farm) == []
