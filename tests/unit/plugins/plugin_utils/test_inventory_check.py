"""inventory_check: every problem at once, each naming host and variable."""

from __future__ import annotations

import pytest

from bad_inventories import CASES, mutated
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import (
    format_problems,
    inventory_problems,
    is_example_secret,
)


def test_lab_inventory_has_no_problem(lab_farm):
    assert inventory_problems(lab_farm) == []


@pytest.mark.parametrize(("mutation", "host", "variable", "fragment"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_bad_inventory_names_host_and_variable(lab_farm, mutation, host, variable, fragment):
    problems = inventory_problems(mutated(lab_farm, mutation))
    matching = [p for p in problems if p["host"] == host and p["variable"] == variable]
    assert matching, f"expected {host}: {variable} in {format_problems(problems)}"
    assert any(fragment in p["message"] for p in matching), format_problems(matching)


COMPATIBLE = (
    "rtp_ranges_overlap", "rtp_range_hits_rtpengine", "duplicate_vrrp_router_id", "vip_outside_subnet",
    "invalid_address", "missing_address", "weight_zero", "tenant_without_lb_pair", "missing_secret",
    "example_secret_changeme", "duplicate_switchname", "unknown_dispatcher_algorithm", "one_load_balancer",
)


def test_every_problem_is_reported_at_once(lab_farm):
    chosen = [case for case in CASES if case[0] in COMPATIBLE]
    assert len(chosen) == len(COMPATIBLE)
    farm = lab_farm
    for dummy, mutation, dummy, dummy, dummy in chosen:
        farm = mutated(farm, mutation)
    found = {(p["host"], p["variable"]) for p in inventory_problems(farm)}
    for dummy, dummy, host, variable, dummy in chosen:
        assert (host, variable) in found


def test_secret_values_never_appear_in_messages(lab_farm):
    lab_farm["vars"]["freeswitch_ha_db_password"] = "example-Very-Distinctive-9"
    lab_farm["vars"]["freeswitch_ha_esl_password"] = 12345
    lines = "\n".join(format_problems(inventory_problems(lab_farm)))
    assert "Very-Distinctive" not in lines and "12345" not in lines
    assert "all: freeswitch_ha_esl_password: secret must be a string" in lines


@pytest.mark.parametrize(("value", "example"), [
    ("changeme", True), ("CHANGE_ME", True), ("Password", True), ("secret", True),
    ("example123", True), ("Example-db", True), ("<vault>", True), ("ClueCon", True),
    ("Zq8v1nRkT0pXa2", False), ("my-secret-db-pw-2024", False),
])
def test_example_secret_detection(value, example):
    assert is_example_secret(value) is example


def test_garbage_picture_is_a_problem_not_a_crash():
    assert inventory_problems("nonsense")[0]["variable"] == "inventory"
    problems = inventory_problems({"hosts": {}, "groups": {}, "vars": {"freeswitch_ha_tenants": ["a"]}})
    assert {"host": "all", "variable": "freeswitch_ha_tenants",
            "message": "freeswitch_ha_tenants must be a mapping of tenant name to settings"} in problems
