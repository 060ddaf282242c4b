"""Property: an inventory the preflight accepts always plans.

Inventories are the lab's with random changes an operator could make (good
values, bad values and values of the wrong type) to the variables the plan
reads. Whenever inventory_check finds no problem, farm_plan must not raise:
the preflight and the planner read the same rules, so a gap between them (a
value the preflight lets through and the planner chokes on) fails here.
"""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from conftest import LAB_FARM
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import inventory_problems
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import ALGORITHMS

BOXES = ("fs1", "fs2", "fs3", "fs4", "fs5")
GARBAGE = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, width=16), st.text(max_size=6),
                    st.lists(st.integers(0, 70000), max_size=3),
                    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
PORT = st.one_of(st.integers(-10, 70000), st.sampled_from([1024, 5060, 8081, 8082, 16384, 40000, 65535]))


def _span(slot_or_port, size):
    return f"{slot_or_port}-{slot_or_port + size - 1}"


RTP_RANGE = st.one_of(
    # a whole slot of the lab pool, or a range that straddles slots, or lies beyond them
    st.builds(lambda slot, size: _span(16384 + slot * 1000, size), st.integers(0, 17), st.sampled_from([1000, 2000])),
    st.builds(_span, st.integers(1000, 66000), st.integers(-2, 3000)),
    st.builds(lambda start, size: [start, start + size - 1], st.integers(1000, 66000), st.integers(1, 3000)),
    GARBAGE,
)
POOL = st.one_of(st.builds(_span, st.integers(500, 66000), st.integers(-5, 40000)),
                 st.sampled_from(["16384-32767", "16384-20383", "10001-20000"]), GARBAGE)
MIN_PORTS = st.one_of(st.integers(-1, 5000), st.sampled_from(["1000", "500"]), GARBAGE)
CAPACITY = st.one_of(st.integers(-2, 2000), GARBAGE)
HOST_KEYS = {
    "freeswitch_ha_rtp_range": RTP_RANGE,
    "freeswitch_ha_max_sessions": CAPACITY,
    "freeswitch_ha_weight": CAPACITY,
    "freeswitch_ha_cores": CAPACITY,
    "freeswitch_ha_verto_port": st.one_of(PORT, GARBAGE),
    "freeswitch_ha_switchname": st.one_of(st.sampled_from(["fs1", "FS2", "box-9", "a b"]), GARBAGE),
    "freeswitch_ha_address": st.one_of(st.sampled_from(["172.28.57.77", "172.28.57.21", "10.0.0.1"]), GARBAGE),
}
FARM_KEYS = {
    "freeswitch_ha_rtp_pool": POOL,
    "freeswitch_ha_rtp_min_ports": MIN_PORTS,
    "freeswitch_ha_rtpengine_ports": st.one_of(st.sampled_from(["40000-44999", "30000-34999", "60000-61000"]), GARBAGE),
    "freeswitch_ha_rtp_allow_moving_ranges": st.one_of(st.booleans(), GARBAGE),
    "freeswitch_ha_internal_vrrp_router_id": st.one_of(st.integers(-1, 300), GARBAGE),
}
TENANT_KEYS = {
    "freeswitch_hosts": st.one_of(st.lists(st.sampled_from(BOXES), max_size=4), st.sampled_from(BOXES), GARBAGE),
    "dispatcher_algorithm": st.one_of(st.sampled_from(sorted(ALGORITHMS)), GARBAGE),
    "dispatcher_set": st.one_of(st.integers(-1, 5), GARBAGE),
    "verto_port_base": st.one_of(PORT, GARBAGE),
    "vrrp_router_id": st.one_of(st.integers(0, 256), GARBAGE),
    "lb_hosts": st.one_of(st.sampled_from([["lb1", "lb2"], ["lb1"], "lb1", ["lb2", "lb1"]]), GARBAGE),
    "vip": st.one_of(st.sampled_from(["172.28.57.100", "172.28.57.101", "172.28.57.102"]), GARBAGE),
}


def _change(key_strategies):
    """(variable, value) of one of the variables."""
    return st.sampled_from(sorted(key_strategies)).flatmap(lambda key: st.tuples(st.just(key), key_strategies[key]))


CHANGE = st.one_of(
    st.tuples(st.just("host"), st.sampled_from(BOXES), _change(HOST_KEYS)),
    st.tuples(st.just("farm"), st.none(), _change(FARM_KEYS)),
    st.tuples(st.just("tenant"), st.sampled_from(["alpha", "beta"]), _change(TENANT_KEYS)),
    st.tuples(st.just("delete"), st.sampled_from(BOXES), _change(HOST_KEYS)),
    st.tuples(st.just("fs5"), st.none(), st.none()),
)


def _apply(farm, changes):
    farm = copy.deepcopy(farm)
    for kind, where, change in changes:
        if kind == "fs5":  # a fifth box, in beta
            farm["hosts"]["fs5"] = {"freeswitch_ha_address": "172.28.57.25", "freeswitch_ha_max_sessions": 200}
            for group in ("freeswitch", "all"):
                if "fs5" not in farm["groups"][group]:
                    farm["groups"][group].append("fs5")
            farm["vars"]["freeswitch_ha_tenants"]["beta"]["freeswitch_hosts"] = ["fs3", "fs4", "fs5"]
            continue
        key, value = change
        if kind == "host" and where in farm["hosts"]:
            farm["hosts"][where][key] = value
        elif kind == "delete" and where in farm["hosts"]:
            farm["hosts"][where].pop(key, None)
        elif kind == "farm":
            farm["vars"][key] = value
        elif kind == "tenant":
            farm["vars"]["freeswitch_ha_tenants"][where][key] = value
    return farm


INVENTORIES = st.lists(CHANGE, min_size=1, max_size=6).map(lambda changes: _apply(LAB_FARM, changes))


@st.composite
def rtp_inventories(draw):
    """Mostly well-formed RTP settings, so that many pinned farms pass and reach the planner."""
    min_ports = draw(st.sampled_from([500, 1000, 1500, 2000]))
    size = min_ports + min_ports % 2
    pool = draw(st.sampled_from(["16384-32767", "16384-24383", "10000-39999", "20001-29999"]))
    changes = [("farm", None, ("freeswitch_ha_rtp_pool", pool)),
               ("farm", None, ("freeswitch_ha_rtp_min_ports", min_ports)),
               ("farm", None, ("freeswitch_ha_rtp_allow_moving_ranges", draw(st.booleans())))]
    if draw(st.booleans()):
        changes.append(("fs5", None, None))
    for box in draw(st.lists(st.sampled_from(BOXES), unique=True, max_size=3)):
        start = draw(st.one_of(st.integers(0, 20).map(lambda slot: 16384 + slot * size),
                               st.integers(5000, 32000).map(lambda port: port - port % 2)))
        changes.append(("host", box, ("freeswitch_ha_rtp_range", _span(start, size * draw(st.integers(1, 2))))))
    return _apply(LAB_FARM, changes)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(INVENTORIES, rtp_inventories()))
def test_an_inventory_the_preflight_accepts_always_plans(farm):
    if inventory_problems(farm) == []:
        plan = farm_plan(farm, check=False)
        assert set(plan["rtp_ranges"]) == set(farm["groups"]["freeswitch"])


def _pinned(farm):
    return [box for box in farm["groups"]["freeswitch"] if "freeswitch_ha_rtp_range" in farm["hosts"][box]]


def test_the_inventories_include_accepted_changed_and_pinned_ones():
    # without accepted inventories other than the lab itself the property above would hold vacuously
    for strategy, wanted in ((INVENTORIES, lambda farm: farm != LAB_FARM),
                             (rtp_inventories(), lambda farm: len(_pinned(farm)) >= 2)):
        accepted = find(strategy, lambda farm, wanted=wanted: wanted(farm) and inventory_problems(farm) == [],
                        settings=settings(max_examples=2000, database=None))
        assert farm_plan(accepted)
