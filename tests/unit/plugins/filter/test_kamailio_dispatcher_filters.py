"""The kamailio_dispatcher_* filters: thin wrappers, errors as AnsibleFilterError."""

from __future__ import annotations

import importlib

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import plan_farm

PACKAGE = "ansible_collections.telephony.freeswitch_ha.plugins.filter"


def _filter(name):
    module = importlib.import_module(f"{PACKAGE}.{name}")
    assert module.DOCUMENTATION and module.EXAMPLES and module.RETURN
    return module.FilterModule().filters()[name]


def test_plan_to_list(lab_farm):
    sets = _filter("kamailio_dispatcher_sets")(plan_farm(lab_farm))
    assert _filter("kamailio_dispatcher_problems")(sets) == []
    assert "1 sip:172.28.57.21:5060 0 0 duid=fs1;weight=75" in _filter("kamailio_dispatcher_list")(sets)


def test_errors_become_filter_errors(lab_farm):
    with pytest.raises(AnsibleFilterError, match="kamailio_dispatcher_sets: the plan must be"):
        _filter("kamailio_dispatcher_sets")("nope")
    sets = _filter("kamailio_dispatcher_sets")(plan_farm(lab_farm))
    sets[1]["destinations"] = []
    with pytest.raises(AnsibleFilterError, match="kamailio_dispatcher_list: set beta: the set has no destinations"):
        _filter("kamailio_dispatcher_list")(sets)
    assert _filter("kamailio_dispatcher_problems")(sets) == ["set beta: the set has no destinations"]


def test_features_of_the_plan_sets(lab_farm):
    sets = _filter("kamailio_dispatcher_sets")(plan_farm(lab_farm))
    assert _filter("kamailio_dispatcher_features")(sets) == {"call_load": False}
    sets[0]["algorithm_id"] = 10
    assert _filter("kamailio_dispatcher_features")(sets) == {"call_load": True}
    with pytest.raises(AnsibleFilterError, match="kamailio_dispatcher_features: the dispatcher sets must be a list"):
        _filter("kamailio_dispatcher_features")("nope")
