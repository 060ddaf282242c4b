"""The summary and the diagram show the plan, and only the plan."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

import pytest
from conftest import LAB_FARM, SECRETS

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.topology import render_svg, summary_lines

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(name="farm")
def fixture_farm():
    farm = copy.deepcopy(LAB_FARM)
    farm["vars"].update(SECRETS)
    return farm


def test_summary_names_every_vip_box_range_and_weight(farm):
    plan = farm_plan(farm)
    text = "\n".join(summary_lines(farm, plan))
    for tenant in plan["tenants"].values():
        assert f"VIP {tenant['vip']}" in text
    for box, rtp in plan["rtp_ranges"].items():
        assert f"{box} {farm['hosts'][box]['freeswitch_ha_address']}: RTP {rtp['start']}-{rtp['end']}" in text
    assert "fs1 172.28.57.21: RTP 16384-17383, verto 172.28.57.100:8082 -> :8081, weight 75" in text
    assert "databases (multi-master): db1 (172.28.57.31), db2 (172.28.57.32)" in text
    assert all(secret not in text for secret in SECRETS.values())


def test_svg_is_well_formed_and_draws_every_host_once(farm):
    plan = farm_plan(farm)
    svg = render_svg(farm, plan)
    root = ET.fromstring(svg)
    titles = [t.text for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold" and t.get("font-size") is None]
    assert sorted(titles) == sorted(["lb1", "lb2", "fs1", "fs2", "fs3", "fs4", "db1", "db2", "client1"])
    # One edge from each LB of a tenant to each of its boxes, one dashed edge per box and storage/db node.
    lines = list(root.iter(f"{SVG}line"))
    solid = [line for line in lines if line.get("stroke-dasharray") is None]
    assert len(solid) == 2 * 4
    assert len(lines) - len(solid) == 4 * 3


def test_same_inventory_same_drawing(farm):
    plan = farm_plan(farm)
    assert render_svg(farm, plan) == render_svg(copy.deepcopy(farm), farm_plan(copy.deepcopy(farm)))


def test_names_are_escaped(farm):
    tenants = farm["vars"]["freeswitch_ha_tenants"]
    tenants["a&<b>"] = tenants.pop("alpha")
    svg = render_svg(farm, farm_plan(farm, check=False))
    assert "a&amp;&lt;b&gt;" in svg and "<b>" not in svg
    ET.fromstring(svg)


def test_not_a_plan_is_refused(farm):
    with pytest.raises(PlanError, match="must come from farm_plan"):
        summary_lines(farm, {"rtp_ranges": {}})
