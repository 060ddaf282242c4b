"""The kamailio_dispatcher_features filter: a thin wrapper over plugin_utils.kamailio_dispatcher (tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import kamailio_dispatcher_sets

from .filter_harness import get_filter, plugin_file_problems

NAME = "kamailio_dispatcher_features"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_features_of_the_lab_sets(lab_farm):
    sets = kamailio_dispatcher_sets(farm_plan(lab_farm))
    assert get_filter(NAME)(sets) == {"call_load": False}
    sets[0]["algorithm_id"] = 10
    assert get_filter(NAME)(sets) == {"call_load": True}


def test_plan_error_becomes_a_filter_error():
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: the dispatcher sets must be a list"):
        get_filter(NAME)("nope")
