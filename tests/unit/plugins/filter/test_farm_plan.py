"""The farm_plan filter: a thin wrapper over plugin_utils.farm_plan.farm_plan (whose rules are tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_partitions

from .filter_harness import get_filter, plugin_file_problems

NAME = "farm_plan"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_plan_of_the_lab(lab_farm):
    plan = get_filter(NAME)(lab_farm)
    assert plan["tenants"] == tenant_partitions(lab_farm)
    assert plan["rtp_ranges"]["fs2"]["start"] == 17384
    assert plan["internal_vip"] == {"vip": "172.28.57.99", "vrrp_router_id": 50}


def test_tenants_false_plans_only_what_needs_no_tenant(lab_farm):
    plan = get_filter(NAME)(lab_farm, tenants=False)
    assert sorted(plan) == ["boxes", "database", "edge", "network", "settings", "storage"]
    assert plan["boxes"]["fs1"]["max_sessions"] == 300


def test_check_false_plans_an_inventory_the_preflight_refuses(lab_farm):
    del lab_farm["vars"]["freeswitch_ha_esl_password"]
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: the inventory has problems:\nall: freeswitch_ha_esl_password"):
        get_filter(NAME)(lab_farm)
    assert get_filter(NAME)(lab_farm, check=False)["rtp_ranges"]["fs1"]["start"] == 16384
