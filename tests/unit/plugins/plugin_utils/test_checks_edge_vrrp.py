"""checks_edge_vrrp: the keepalived variables of the inventory, checked in preflight."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_edge_vrrp import check


def found(farm):
    return {(p["host"], p["variable"]): p["message"] for p in check(farm)}


def test_lab_inventory_is_fine(lab_farm):
    assert check(lab_farm) == []


def test_settings_that_are_fine(lab_farm):
    lab_farm["vars"].update({
        "freeswitch_ha_vrrp_advert_int": 0.05, "freeswitch_ha_vrrp_unicast": True,
        "freeswitch_ha_vrrp_nopreempt": False, "freeswitch_ha_vrrp_priority_step": 40,
        "freeswitch_ha_vrrp_interface": "eth0", "freeswitch_ha_vrrp_rt_priority": 0,
        "freeswitch_ha_vrrp_track_scripts": [{"name": "k", "script": "/bin/true", "weight": -41}],
    })
    assert check(lab_farm) == []


@pytest.mark.parametrize(("var", "value", "variable", "fragment"), [
    ("freeswitch_ha_vrrp_advert_int", 0.001, "freeswitch_ha_vrrp_advert_int", "outside 0.01-40.95"),
    ("freeswitch_ha_vrrp_advert_int", 100, "freeswitch_ha_vrrp_advert_int", "outside"),
    ("freeswitch_ha_vrrp_advert_int", 0.015, "freeswitch_ha_vrrp_advert_int", "centiseconds"),
    ("freeswitch_ha_vrrp_rt_priority", 100, "freeswitch_ha_vrrp_rt_priority", "1 to 99"),
    ("freeswitch_ha_vrrp_rt_priority", "40", "freeswitch_ha_vrrp_rt_priority", "0 for normal scheduling"),
    ("freeswitch_ha_vrrp_unicast", "yes", "freeswitch_ha_vrrp_unicast", "true or false"),
    ("freeswitch_ha_vrrp_nopreempt", 1, "freeswitch_ha_vrrp_nopreempt", "true or false"),
    ("freeswitch_ha_vrrp_priority_step", 200, "freeswitch_ha_vrrp_priority_step", "1 to 127"),
    ("freeswitch_ha_vrrp_interface", "eth 0", "freeswitch_ha_vrrp_interface", "interface name"),
    ("freeswitch_ha_vrrp_track_scripts", [{"name": "k", "script": "/bin/true", "weight": 20}],
     "freeswitch_ha_vrrp_track_scripts[0].weight", "would not move the VIP"),
    ("freeswitch_ha_vrrp_track_scripts", [{"name": "k"}], "freeswitch_ha_vrrp_track_scripts[0].script", "required"),
])
def test_bad_settings_name_the_variable(lab_farm, var, value, variable, fragment):
    lab_farm["vars"][var] = value
    problems = found(lab_farm)
    assert fragment in problems[("all", variable)], problems


def test_garbage_does_not_raise():
    assert check(None) == []
    assert check({"vars": None}) == []
    assert check({"vars": "x"}) == []
