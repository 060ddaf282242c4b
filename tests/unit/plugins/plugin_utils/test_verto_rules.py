"""verto_nft_rules and the role template it feeds: one nft file per LB, atomic table replacement, stable per-box elements."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import LAB_FARM
from role_templates import render_role_template

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.verto_rules import (
    conntrack_required,
    lb_boxes,
    verto_nft_rules,
)


def _rendered(*args, **kwargs):
    """The filter's data plus the nft file verto_partition's template makes of it."""
    rules = verto_nft_rules(*args, **kwargs)
    text = render_role_template("verto_partition", "etc/freeswitch_ha/verto.nft.j2", {"__verto_partition_rules": rules})
    return {**rules, "text": text}


def _plan(farm):
    plan = farm_plan(farm)
    return plan["verto"], plan["tenants"]


def _add_box(farm, name, tenant, address):
    farm["hosts"][name] = {"freeswitch_ha_address": address, "freeswitch_ha_max_sessions": 100}
    farm["groups"]["freeswitch"].append(name)
    farm["groups"]["all"].append(name)
    farm["vars"]["freeswitch_ha_tenants"][tenant]["freeswitch_hosts"].append(name)


def _element_lines(text):
    return [line.strip() for line in text.splitlines() if " : " in line and "type " not in line]


def test_lab_rules_forward_each_box_on_its_tenant_vip(lab_farm):
    verto, tenants = _plan(lab_farm)
    rules = _rendered(verto, tenants, "lb1")
    assert _element_lines(rules["text"]) == [
        "172.28.57.100 . 8082 : 172.28.57.21 . 8081,  # fs1 (tenant alpha)",
        "172.28.57.100 . 8083 : 172.28.57.22 . 8081,  # fs2 (tenant alpha)",
        "172.28.57.101 . 8082 : 172.28.57.23 . 8081,  # fs3 (tenant beta)",
        "172.28.57.101 . 8083 : 172.28.57.24 . 8081,  # fs4 (tenant beta)",
        "172.28.57.100 . 16384-17383 : 172.28.57.21,  # fs1 (tenant alpha)",
        "172.28.57.100 . 17384-18383 : 172.28.57.22,  # fs2 (tenant alpha)",
        "172.28.57.101 . 18384-19383 : 172.28.57.23,  # fs3 (tenant beta)",
        "172.28.57.101 . 19384-20383 : 172.28.57.24,  # fs4 (tenant beta)",
    ]
    assert rules["vips"] == ["172.28.57.100", "172.28.57.101"]
    assert rules["conntrack_required"] == 4000 + 65536
    assert _rendered(verto, tenants, "lb2")["text"].replace("lb2", "lb1") == rules["text"]


def test_file_replaces_only_its_own_table_atomically(lab_farm):
    verto, tenants = _plan(lab_farm)
    text = _rendered(verto, tenants, "lb1", table="fsha_test")["text"]
    statements = [line for line in text.splitlines() if line and not line.startswith(("#", "\t", "}"))]
    # create-if-missing, delete, define: one nft -f transaction, no flush ruleset, no other table
    assert statements == ["table ip fsha_test", "delete table ip fsha_test", "table ip fsha_test {"]
    assert "flush" not in text
    assert set(re.findall(r"table (?:ip|inet|ip6) (\w+)", text)) == {"fsha_test"}


def test_return_path_snat_adds_masquerade_of_our_dnat_only(lab_farm):
    verto, tenants = _plan(lab_farm)
    assert "masquerade" not in _rendered(verto, tenants, "lb1", "route")["text"]
    text = _rendered(verto, tenants, "lb1", "snat")["text"]
    assert "ct status dnat ct original ip daddr @verto_vips masquerade" in text


def test_lb_forwards_only_its_tenants(lab_farm):
    lab_farm["hosts"]["lb3"] = {"freeswitch_ha_address": "172.28.57.13"}
    lab_farm["hosts"]["lb4"] = {"freeswitch_ha_address": "172.28.57.14"}
    lab_farm["groups"]["loadbalancers"] += ["lb3", "lb4"]
    lab_farm["groups"]["all"] += ["lb3", "lb4"]
    lab_farm["vars"]["freeswitch_ha_tenants"]["beta"]["lb_hosts"] = ["lb3", "lb4"]
    verto, tenants = _plan(lab_farm)
    assert [b["box"] for b in lb_boxes(verto, tenants, "lb1")] == ["fs1", "fs2"]
    assert [b["box"] for b in lb_boxes(verto, tenants, "lb4")] == ["fs3", "fs4"]
    assert lb_boxes(verto, tenants, "client1") == []
    empty = _rendered(verto, tenants, "client1")
    assert "elements" not in empty["text"] and empty["conntrack_required"] == 65536


def test_adding_a_box_adds_exactly_its_rules_and_moves_no_other(lab_farm):
    before = _rendered(*_plan(lab_farm), "lb1")["text"]
    grown = copy.deepcopy(lab_farm)
    _add_box(grown, "fs5", "alpha", "172.28.57.25")
    after = _rendered(*_plan(grown), "lb1")["text"]
    old, new = before.splitlines(), after.splitlines()
    added = [line for line in new if line not in old]
    assert [line for line in old if line not in new] == []
    assert [line.strip() for line in added] == [
        "172.28.57.100 . 8084 : 172.28.57.25 . 8081,  # fs5 (tenant alpha)",
        "172.28.57.100 . 20384-21383 : 172.28.57.25,  # fs5 (tenant alpha)",
    ]


def test_rerender_is_identical(lab_farm):
    verto, tenants = _plan(lab_farm)
    assert _rendered(verto, tenants, "lb1") == _rendered(copy.deepcopy(verto), tenants, "lb1")


@pytest.mark.parametrize(("mutate", "fragment"), [
    (lambda v, t: v["fs2"].update(vip="172.28.57.100", public_port=8082), "already fs1's"),
    (lambda v, t: v["fs2"].update(rtp_start=17000), "overlaps fs1's"),
    (lambda v, t: v["fs2"].update(address=None), "freeswitch_ha_address"),
    (lambda v, t: v["fs2"].update(vip="fe80::1"), "not an IPv4 address"),
    (lambda v, t: v["fs2"].update(local_port=70000), "outside 1-65535"),
    (lambda v, t: v["fs2"].update(rtp_start=18000, rtp_end=17999), "ends before it starts"),
])
def test_inconsistent_plans_are_refused(lab_farm, mutate, fragment):
    verto, tenants = _plan(lab_farm)
    mutate(verto, tenants)
    with pytest.raises(PlanError, match=fragment):
        _rendered(verto, tenants, "lb1")


def test_bad_options_are_refused(lab_farm):
    verto, tenants = _plan(lab_farm)
    with pytest.raises(PlanError, match="return_path 'nat'"):
        _rendered(verto, tenants, "lb1", "nat")
    with pytest.raises(PlanError, match="table"):
        _rendered(verto, tenants, "lb1", table="x; flush ruleset")
    with pytest.raises(PlanError, match="negative"):
        conntrack_required([], -1)
    with pytest.raises(PlanError, match="mappings"):
        lb_boxes([], {}, "lb1")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=6))
def test_growing_tenants_never_moves_existing_elements(additions):
    farm = copy.deepcopy(LAB_FARM)
    farm["vars"]["freeswitch_ha_rtp_min_ports"] = 500
    before = set(_element_lines(_rendered(*_plan(farm), "lb1")["text"]))
    for number, count in enumerate(additions):
        for index in range(count):
            _add_box(farm, f"n{number}x{index}", ("alpha", "beta")[number % 2], f"172.28.57.{120 + number * 4 + index}")
        after = set(_element_lines(_rendered(*_plan(farm), "lb1")["text"]))
        assert before <= after and len(after - before) == 2 * count
        before = after
