"""kamailio_dispatcher: sets from the plan, their problems, dispatcher.list."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.dispatcher_weights import percent_weights
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import (
    algorithm_id,
    kamailio_dispatcher_list,
    kamailio_dispatcher_sets,
    kamailio_dispatcher_problems,
)


@pytest.fixture
def lab_sets(lab_farm):
    return kamailio_dispatcher_sets(farm_plan(lab_farm))


def test_sets_from_the_lab_plan(lab_sets):
    alpha, beta = lab_sets
    assert (alpha["name"], alpha["set_id"], alpha["algorithm_id"]) == ("alpha", 1, 9)
    assert (beta["name"], beta["set_id"], beta["algorithm_id"]) == ("beta", 2, 4)
    assert alpha["domains"] == ["alpha.lab.invalid"] and alpha["vip"] == "172.28.57.100"
    assert [d["uri"] for d in alpha["destinations"]] == ["sip:172.28.57.21:5060", "sip:172.28.57.22:5060"]
    assert alpha["destinations"][0]["attrs"] == "duid=fs1;weight=75;rweight=100;maxload=300"
    assert kamailio_dispatcher_problems(lab_sets) == []


def test_dispatcher_list_text(lab_sets):
    lines = [line for line in kamailio_dispatcher_list(lab_sets).splitlines() if not line.startswith("#")]
    assert lines == [
        "1 sip:172.28.57.21:5060 0 0 duid=fs1;weight=75;rweight=100;maxload=300",
        "1 sip:172.28.57.22:5060 0 0 duid=fs2;weight=25;rweight=33;maxload=100",
        "2 sip:172.28.57.23:5060 0 0 duid=fs3;weight=50;rweight=100;maxload=200",
        "2 sip:172.28.57.24:5060 0 0 duid=fs4;weight=50;rweight=100;maxload=200",
    ]


def test_list_is_in_set_id_order(lab_sets):
    text = kamailio_dispatcher_list(list(reversed(lab_sets)))
    assert text == kamailio_dispatcher_list(lab_sets)


@pytest.mark.parametrize(("value", "expected"), [
    ("round_robin", 4), ("weighted", 9), ("call_load", 10), ("relative_weight", 11), (0, 0), ("13", 13),
])
def test_algorithm_ids(value, expected):
    assert algorithm_id(value) == expected


@pytest.mark.parametrize("value", ["fastest", 14, -1, None, True])
def test_unknown_algorithms(value):
    with pytest.raises(PlanError):
        algorithm_id(value)


def _mutated(lab_sets, mutate):
    sets = copy.deepcopy(lab_sets)
    mutate(sets)
    return kamailio_dispatcher_problems(sets)


@pytest.mark.parametrize(("mutate", "words"), [
    (lambda s: s[0].update(destinations=[]), "set alpha: the set has no destinations"),
    (lambda s: s[1].update(algorithm_id=42), "set beta: algorithm_id: unknown algorithm id 42"),
    (lambda s: s[1].update(algorithm_id="fastest"), "set beta: algorithm_id: unknown algorithm 'fastest'"),
    (lambda s: s[1].update(set_id=1), "set beta: set_id 1 is already set alpha's"),
    (lambda s: s[0].update(set_id=0), "set alpha: set_id 0 must be an integer"),
    (lambda s: s[1].update(domains=["ALPHA.lab.invalid"]), "SIP domain ALPHA.lab.invalid is already set alpha's"),
    (lambda s: s[0]["destinations"][0].update(uri="172.28.57.21"), "destination 1: uri '172.28.57.21' is not a SIP URI"),
    (lambda s: s[0]["destinations"][0].update(attrs="duid=fs1 weight=75"), "must be key=value pairs"),
    (lambda s: s[0]["destinations"][0].update(attrs="duid=fs1;weight=70"), "weights summing to 100, not 95"),
    (lambda s: s[0]["destinations"][1].update(attrs="duid=fs2"), "weight attribute on every destination"),
    (lambda s: s[0].update(algorithm_id=10, destinations=[
        {"uri": "sip:10.0.0.1:5060", "attrs": "duid=a;maxload=5"},
        {"uri": "sip:10.0.0.2:5060", "attrs": "duid=a"}]), "duid a is not unique"),
    (lambda s: s[0].update(algorithm_id=10, destinations=[{"uri": "sip:10.0.0.1:5060", "attrs": "maxload=5"}]),
     "call load (10) needs a duid"),
    (lambda s: s[0].update(name="a b"), "name must be letters"),
])
def test_problems_name_the_set(lab_sets, mutate, words):
    problems = _mutated(lab_sets, mutate)
    assert any(words in p for p in problems), problems


def test_no_sets_at_all():
    assert kamailio_dispatcher_problems([]) == ["kamailio_dispatcher_sets: there is no dispatcher set (one per tenant is expected)"]
    assert "must be a mapping" in kamailio_dispatcher_problems(["x"])[0]


def test_list_refuses_bad_sets(lab_sets):
    lab_sets[0]["destinations"] = []
    with pytest.raises(PlanError, match="no destinations"):
        kamailio_dispatcher_list(lab_sets)


def test_plan_must_be_a_plan():
    with pytest.raises(PlanError):
        kamailio_dispatcher_sets({"tenants": {}})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=30))
def test_any_weighted_plan_gives_a_valid_list(capacities):
    weights = percent_weights(capacities)
    sets = [{"name": "t", "set_id": 3, "algorithm_id": 9, "domains": ["t.invalid"], "destinations": [
        {"uri": f"sip:10.0.0.{i + 1}:5060", "attrs": f"duid=b{i};weight={w}"} for i, w in enumerate(weights)]}]
    assert kamailio_dispatcher_problems(sets) == []
    lines = [line for line in kamailio_dispatcher_list(sets).splitlines() if not line.startswith("#")]
    assert len(lines) == len(capacities)
    assert sum(int(line.split("weight=")[1]) for line in lines) == 100


def test_features_name_call_load_only_when_a_set_uses_it():
    from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import (
        CALL_LOAD,
        kamailio_dispatcher_features,
    )

    assert kamailio_dispatcher_features([]) == {"call_load": False}
    assert kamailio_dispatcher_features([{"algorithm_id": 9}, {"algorithm_id": 4}]) == {"call_load": False}
    assert kamailio_dispatcher_features([{"algorithm_id": 9}, {"algorithm_id": CALL_LOAD}]) == {"call_load": True}
    with pytest.raises(PlanError, match="unknown algorithm id 42"):
        kamailio_dispatcher_features([{"algorithm_id": 42}])
    with pytest.raises(PlanError, match="must be a list"):
        kamailio_dispatcher_features({"algorithm_id": 10})


def test_a_set_without_algorithm_id_is_a_problem_not_a_crash():
    from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import (
        kamailio_dispatcher_list,
        kamailio_dispatcher_problems,
    )

    sets = [{"name": "a", "set_id": 1, "algorithm": "weighted", "domains": ["a.lab.invalid"], "vip": None,
             "destinations": [{"uri": "sip:192.0.2.1:5060"}]}]
    assert kamailio_dispatcher_problems(sets) == [
        "set a: algorithm_id: unknown algorithm None (one of round_robin, weighted, call_load, relative_weight or an "
        "id 0-13)"]
    with pytest.raises(PlanError, match="set a: algorithm_id: unknown algorithm None"):
        kamailio_dispatcher_list(sets)
