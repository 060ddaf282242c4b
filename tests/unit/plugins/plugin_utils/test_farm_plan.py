"""plan_farm and farm_inventory."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_inventory, plan_farm


def test_whole_lab_plan(lab_farm):
    plan = plan_farm(lab_farm)
    assert set(plan) == {"tenants", "box_tenants", "rtp_ranges", "dispatcher", "call_rates", "verto", "internal_vip"}
    assert plan["call_rates"]["survivor_cps"] == {"alpha": 30, "beta": 30}
    assert list(plan["rtp_ranges"]) == ["fs1", "fs2", "fs3", "fs4"]
    assert plan["internal_vip"] == {"vip": "172.28.57.99", "vrrp_router_id": 50}
    assert plan["verto"]["fs3"]["vip"] == "172.28.57.101"


def test_each_box_names_its_tenant(lab_farm):
    plan = plan_farm(lab_farm)
    assert set(plan["box_tenants"]) == set(plan["rtp_ranges"])
    for box, name in plan["box_tenants"].items():
        assert box in plan["tenants"][name]["freeswitch_hosts"]


def test_plan_is_deterministic(lab_farm):
    assert plan_farm(lab_farm) == plan_farm(lab_farm)


def test_problems_are_all_listed(lab_farm):
    lab_farm["vars"]["freeswitch_ha_db_password"] = "changeme"
    lab_farm["hosts"]["fs1"]["freeswitch_ha_weight"] = -1
    with pytest.raises(PlanError) as info:
        plan_farm(lab_farm)
    text = str(info.value)
    assert "all: freeswitch_ha_db_password: " in text and "fs1: freeswitch_ha_weight: " in text
    assert "changeme" not in text


def test_farm_inventory_copies_only_plan_variables():
    groups = {"all": ["fs1"], "freeswitch": ["fs1"], "lonely": ["x"]}
    hostvars = {"fs1": {"freeswitch_ha_address": "10.0.0.1", "ansible_host": "h", "freeswitch_ha_db_password": "s"}}
    picture = farm_inventory(groups, hostvars, {"freeswitch_ha_rtp_pool": "2000-3000", "other": 1})
    assert picture == {"hosts": {"fs1": {"freeswitch_ha_address": "10.0.0.1"}, "x": {}},
                       "groups": groups, "vars": {"freeswitch_ha_rtp_pool": "2000-3000"}}


def test_a_pin_that_moves_other_ranges_plans_only_when_allowed(lab_farm):
    lab_farm["hosts"]["fs4"]["freeswitch_ha_rtp_range"] = "16384-17383"
    with pytest.raises(PlanError, match="fs4: freeswitch_ha_rtp_range: 16384-17383 lies over pool slots"):
        plan_farm(lab_farm)
    lab_farm["vars"]["freeswitch_ha_rtp_allow_moving_ranges"] = True
    ranges = plan_farm(lab_farm)["rtp_ranges"]
    assert [(box, span["start"]) for box, span in ranges.items()] == [
        ("fs1", 17384), ("fs2", 18384), ("fs3", 19384), ("fs4", 16384)]
