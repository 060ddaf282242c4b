"""The kamailio_dispatcher_list filter: a thin wrapper over plugin_utils.kamailio_dispatcher (tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import kamailio_dispatcher_sets

from .filter_harness import get_filter, plugin_file_problems

NAME = "kamailio_dispatcher_list"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_list_of_the_lab_sets(lab_farm):
    text = get_filter(NAME)(kamailio_dispatcher_sets(farm_plan(lab_farm)))
    assert "1 sip:172.28.57.21:5060 0 0 duid=fs1;weight=75" in text
    assert text.endswith("\n")


def test_plan_error_becomes_a_filter_error(lab_farm):
    sets = kamailio_dispatcher_sets(farm_plan(lab_farm))
    sets[1]["destinations"] = []
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: set beta: the set has no destinations"):
        get_filter(NAME)(sets)
