"""The verto_nft_rules filter: a thin wrapper over plugin_utils.verto_rules.verto_nft_rules."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan

from .filter_harness import get_filter, plugin_file_problems

NAME = "verto_nft_rules"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_renders_the_lab_lb(lab_farm):
    plan = farm_plan(lab_farm)
    rules = get_filter(NAME)(plan["verto"], plan["tenants"], "lb1", return_path="snat")
    assert [b["box"] for b in rules["boxes"]] == ["fs1", "fs2", "fs3", "fs4"]
    assert rules["return_path"] == "snat" and rules["lb_host"] == "lb1"


def test_plan_errors_become_filter_errors(lab_farm):
    plan = farm_plan(lab_farm)
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: return_path"):
        get_filter(NAME)(plan["verto"], plan["tenants"], "lb1", return_path="nope")
