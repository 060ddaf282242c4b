"""dispatcher_weights: proportional integer weights, every box > 0."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.dispatcher_weights import (
    percent_weights,
    dispatcher_weights,
    relative_weights,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_partitions


def test_lab_sets(lab_farm):
    plan = dispatcher_weights(tenant_partitions(lab_farm), lab_farm["hosts"])
    alpha, beta = plan["alpha"], plan["beta"]
    assert (alpha["set_id"], alpha["algorithm_id"], beta["set_id"], beta["algorithm_id"]) == (1, 9, 2, 4)
    fs1, fs2 = alpha["destinations"]
    assert (fs1["weight"], fs2["weight"]) == (75, 25)
    assert (fs1["ratio"], fs2["ratio"]) == (3, 1)
    assert (fs1["rweight"], fs2["rweight"]) == (100, 33)
    assert fs1["attrs"] == "duid=fs1;weight=75;rweight=100;maxload=300"
    assert fs1["uri"] == "sip:172.28.57.21:5060"
    assert [d["weight"] for d in beta["destinations"]] == [50, 50]


def test_cores_explicit_weight_and_nothing(lab_farm):
    hosts = {"a": {"freeswitch_ha_cores": 8, "freeswitch_ha_address": "fd00::1"}, "b": {"freeswitch_ha_cores": 4},
             "c": {"freeswitch_ha_weight": 1}, "d": {}}
    parts = {"t1": {"set_id": 1, "algorithm_id": 11, "freeswitch_hosts": ["a", "b"]},
             "t2": {"set_id": 2, "algorithm_id": 9, "freeswitch_hosts": ["c"]},
             "t3": {"set_id": 3, "algorithm_id": 4, "freeswitch_hosts": ["d"]}}
    plan = dispatcher_weights(parts, hosts)
    assert [d["rweight"] for d in plan["t1"]["destinations"]] == [100, 50]
    assert plan["t1"]["destinations"][0]["uri"] == "sip:[fd00::1]:5060"
    assert plan["t1"]["destinations"][0]["maxload"] is None
    assert plan["t2"]["destinations"][0]["weight"] == 100
    assert plan["t3"]["destinations"][0]["attrs"] == "duid=d;weight=100;rweight=100"


@pytest.mark.parametrize(("parts", "hosts", "fragment"), [
    ({"t": {"freeswitch_hosts": ["a"]}}, {"a": {"freeswitch_ha_weight": 0}}, "greater than 0"),
    ({"t": {"freeswitch_hosts": ["a", "b"]}}, {"a": {"freeswitch_ha_cores": 2}, "b": {"freeswitch_ha_max_sessions": 9}},
     "different variables"),
    ({"t": {"freeswitch_hosts": []}}, {}, "no FreeSWITCH"),
    ({"t": {"algorithm_id": 9, "freeswitch_hosts": [f"h{i}" for i in range(101)]}}, {}, "at most 100"),
    (["t"], {}, "partitions must be"),
])
def test_bad_arguments(parts, hosts, fragment):
    with pytest.raises(PlanError, match=fragment):
        dispatcher_weights(parts, hosts)


capacities = st.lists(st.integers(1, 100000), min_size=1, max_size=100)


@settings(max_examples=500, deadline=None)
@given(capacities)
def test_percent_weights_sum_to_100_and_stay_proportional(caps):
    weights = percent_weights(caps)
    assert sum(weights) == 100
    assert all(w >= 1 for w in weights)
    total = sum(caps)
    raw = [100.0 * c / total for c in caps]
    if all(r >= 1 for r in raw):  # no box had to be lifted to 1: largest remainder is within 1
        assert all(abs(w - r) < 1 for w, r in zip(weights, raw))
    # never inverted: a bigger box never gets a smaller weight than a smaller box
    for i, ci in enumerate(caps):
        for j, cj in enumerate(caps):
            if ci > cj:
                assert weights[i] >= weights[j]


@settings(max_examples=500, deadline=None)
@given(capacities)
def test_relative_weights_1_to_100_proportional_to_the_largest(caps):
    weights = relative_weights(caps)
    top = max(caps)
    for w, c in zip(weights, caps):
        assert 1 <= w <= 100
        assert abs(w - max(1.0, 100.0 * c / top)) <= 0.5 + 1e-9
    assert weights[caps.index(top)] == 100
