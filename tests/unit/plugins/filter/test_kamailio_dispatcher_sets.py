"""The kamailio_dispatcher_sets filter: a thin wrapper over plugin_utils.kamailio_dispatcher (tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan

from .filter_harness import get_filter, plugin_file_problems

NAME = "kamailio_dispatcher_sets"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_sets_of_the_lab_plan(lab_farm):
    sets = get_filter(NAME)(farm_plan(lab_farm))
    assert [(s["name"], s["set_id"], s["algorithm_id"]) for s in sets] == [("alpha", 1, 9), ("beta", 2, 4)]
    assert sets[0]["destinations"][0]["uri"] == "sip:172.28.57.21:5060"


def test_plan_error_becomes_a_filter_error():
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: the plan must be farm_plan's result"):
        get_filter(NAME)("nope")
