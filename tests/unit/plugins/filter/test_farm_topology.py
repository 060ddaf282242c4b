"""The farm_topology filter: a thin wrapper over plugin_utils.topology (whose drawing is tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan

from .filter_harness import get_filter, plugin_file_problems

NAME = "farm_topology"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_summary_of_the_lab(lab_farm):
    lines = get_filter(NAME)(lab_farm, farm_plan(lab_farm))
    assert lines[0] == "load balancers: lb1 (172.28.57.11), lb2 (172.28.57.12)"
    assert "  fs2 172.28.57.22: RTP 17384-18383, verto 172.28.57.100:8083 -> :8081, weight 25" in lines


def test_svg_of_the_lab(lab_farm):
    svg = get_filter(NAME)(lab_farm, farm_plan(lab_farm), output="svg")
    assert svg.startswith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    assert "172.28.57.100" in svg


def test_unknown_output_is_a_filter_error(lab_farm):
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: output must be summary or svg, not 'png'"):
        get_filter(NAME)(lab_farm, farm_plan(lab_farm), output="png")


def test_plan_error_becomes_a_filter_error(lab_farm):
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: topology: the plan must come from farm_plan"):
        get_filter(NAME)(lab_farm, {"settings": {}})
