"""The kamailio_dispatcher_problems filter: a thin wrapper over plugin_utils.kamailio_dispatcher (tested there)."""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import kamailio_dispatcher_sets

from .filter_harness import get_filter, plugin_file_problems

NAME = "kamailio_dispatcher_problems"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_the_lab_sets_have_no_problem_until_one_loses_its_boxes(lab_farm):
    sets = kamailio_dispatcher_sets(farm_plan(lab_farm))
    assert get_filter(NAME)(sets) == []
    sets[1]["destinations"] = []
    assert get_filter(NAME)(sets) == ["set beta: the set has no destinations"]


def test_no_set_is_a_problem_not_an_error():
    # the role asserts on the list: bad input is reported, never raised
    assert get_filter(NAME)([]) == ["kamailio_dispatcher_sets: there is no dispatcher set (one per tenant is expected)"]
