"""The inventory_problems filter: a thin wrapper over plugin_utils.inventory_check (whose checks are tested there)."""

from __future__ import annotations

from .filter_harness import get_filter, plugin_file_problems

NAME = "inventory_problems"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_the_lab_inventory_has_no_problem(lab_farm):
    assert get_filter(NAME)(lab_farm) == []


def test_problems_as_mappings_or_lines(lab_farm):
    del lab_farm["vars"]["freeswitch_ha_esl_password"]
    assert get_filter(NAME)(lab_farm) == [{
        "host": "all", "variable": "freeswitch_ha_esl_password",
        "message": "secret is missing: set it in a vault file (see inventories/example)"}]
    assert get_filter(NAME)(lab_farm, lines=True) == [
        "all: freeswitch_ha_esl_password: secret is missing: set it in a vault file (see inventories/example)"]


def test_a_picture_that_is_no_mapping_is_a_problem_not_an_error():
    # the filter never raises: the preflight fails with every problem at once
    assert get_filter(NAME)("nope", lines=True) == [
        "all: inventory: the inventory picture must be a mapping with hosts, groups and vars"]
