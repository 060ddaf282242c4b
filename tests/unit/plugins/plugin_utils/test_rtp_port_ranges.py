"""rtp_port_ranges: disjoint, even-aligned, inside the pool, stable."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.rtp_port_ranges import (
    DEFAULT_MIN_PORTS,
    DEFAULT_POOL,
    farm_rtp_problems,
    farm_rtp_ranges,
    rtp_port_ranges,
    pool_slots,
)


def test_lab_ranges_are_consecutive_slots():
    ranges = rtp_port_ranges(["fs1", "fs2", "fs3", "fs4"], "16384-32767", 1000)
    assert [(r["start"], r["end"]) for r in ranges.values()] == [
        (16384, 17383), (17384, 18383), (18384, 19383), (19384, 20383)]
    assert all(r["source"] == "pool" and r["ports"] == 1000 for r in ranges.values())


def test_odd_pool_start_and_odd_minimum_are_aligned():
    ranges = rtp_port_ranges(["a", "b"], "10001-20000", 501)
    assert ranges["a"] == {"start": 10002, "end": 10503, "ports": 502, "source": "pool"}
    assert ranges["b"]["start"] == 10504


def test_override_is_kept_and_its_slots_skipped():
    ranges = rtp_port_ranges({"fs1": None, "fs2": "17384-18383", "fs3": None}, "16384-32767", 1000)
    assert (ranges["fs2"]["start"], ranges["fs2"]["end"], ranges["fs2"]["source"]) == (17384, 18383, "override")
    assert (ranges["fs1"]["start"], ranges["fs3"]["start"]) == (16384, 18384)


def test_hostvars_mapping_and_list_forms():
    ranges = rtp_port_ranges({"fs1": {"freeswitch_ha_rtp_range": [20000, 20999]}, "fs2": {}}, "16384-32767", 1000)
    assert ranges["fs1"]["start"] == 20000
    assert ranges["fs2"]["start"] == 16384


@pytest.mark.parametrize(("nodes", "pool", "min_ports", "fragment"), [
    (["a"], "100-2000", 10, "outside 1024-65535"),
    (["a"], "30000-20000", 10, "ends before it starts"),
    (["a"], "nonsense", 10, "not of the form"),
    (["a"], "16384-32767", 1, "below 2"),
    ({"a": "16385-17384"}, "16384-32767", 100, "even port"),
    ({"a": "16384-17384"}, "16384-32767", 100, "even number of ports"),
    ({"a": "16384-16483"}, "16384-32767", 1000, "fewer than the minimum"),
    ({"a": "16384-17383", "b": "17000-17999"}, "16384-32767", 1000, "overlaps a's"),
    (["a", "b", "c"], "16384-18383", 1000, "no free slot"),
    (["a", "a"], "16384-32767", 1000, "listed twice"),
    (42, "16384-32767", 1000, "list of host names"),
])
def test_bad_arguments_raise_plan_error(nodes, pool, min_ports, fragment):
    with pytest.raises(PlanError, match=fragment):
        rtp_port_ranges(nodes, pool, min_ports)


names = st.lists(st.text("abcdefghij0123456789", min_size=1, max_size=6), unique=True, max_size=25)


@st.composite
def farms(draw):
    start = draw(st.integers(1024, 60000))
    end = draw(st.integers(start + 100, min(65535, start + 30000)))
    min_ports = draw(st.integers(2, 400))
    hosts = draw(names)
    first, size, count = pool_slots(f"{start}-{end}", min_ports)
    # a few overrides on distinct free slots of the pool, or outside it
    overrides = {}
    slots = draw(st.lists(st.integers(0, max(count - 1, 0)), unique=True, max_size=len(hosts)))
    for host, slot in zip(hosts, slots):
        if draw(st.booleans()) and count:
            overrides[host] = f"{first + slot * size}-{first + slot * size + size - 1}"
    return start, end, min_ports, hosts, overrides


def _plan_or_none(hosts, overrides, pool, min_ports):
    try:
        return rtp_port_ranges({h: overrides.get(h) for h in hosts}, pool, min_ports)
    except PlanError:
        return None


@settings(max_examples=300, deadline=None)
@given(farms())
def test_ranges_are_disjoint_aligned_in_pool_and_big_enough(farm):
    start, end, min_ports, hosts, overrides = farm
    ranges = _plan_or_none(hosts, overrides, f"{start}-{end}", min_ports)
    if ranges is None:  # only when the pool is too small for every host
        first, size, count = pool_slots(f"{start}-{end}", min_ports)
        assert len(hosts) > count - len(overrides) or count == 0
        return
    spans = sorted((r["start"], r["end"]) for r in ranges.values())
    for (a_start, a_end), (b_start, dummy) in zip(spans, spans[1:]):
        assert a_end < b_start
    for host, r in ranges.items():
        assert r["start"] % 2 == 0 and r["end"] % 2 == 1
        assert r["end"] - r["start"] + 1 >= min_ports
        assert start <= r["start"] and r["end"] <= end
        if host in overrides:
            assert f"{r['start']}-{r['end']}" == overrides[host]


@settings(max_examples=300, deadline=None)
@given(farms(), st.lists(st.text("klmnopq", min_size=1, max_size=5), unique=True, min_size=1, max_size=5))
def test_appending_hosts_never_moves_existing_ranges(farm, newcomers):
    start, end, min_ports, hosts, overrides = farm
    pool = f"{start}-{end}"
    before = _plan_or_none(hosts, overrides, pool, min_ports)
    after = _plan_or_none(hosts + newcomers, overrides, pool, min_ports)
    if before is None or after is None:
        return
    for host, r in before.items():
        assert after[host] == r


def _farm(overrides, pool="16384-20383", min_ports=1000):
    boxes = ["fs1", "fs2", "fs3", "fs4", "fs5"]
    return {"hosts": {box: ({"freeswitch_ha_rtp_range": overrides[box]} if box in overrides else {}) for box in boxes},
            "groups": {"freeswitch": boxes},
            "vars": {"freeswitch_ha_rtp_pool": pool, "freeswitch_ha_rtp_min_ports": min_ports}}


def test_preflight_lists_every_problem_the_planner_stops_at():
    # one allocator: the planner raises the first of the problems the preflight lists
    farm = _farm({"fs1": "30001-31000", "fs2": "30000-30999", "fs3": "30500-31499"}, pool="16384-17383")
    problems = farm_rtp_problems(farm)
    assert [(p["host"], p["variable"]) for p in problems] == [
        ("fs1", "freeswitch_ha_rtp_range"), ("fs3", "freeswitch_ha_rtp_range"), ("fs5", "freeswitch_ha_rtp_range")]
    assert "even port" in problems[0]["message"]
    assert problems[1]["message"] == "30500-31499 overlaps fs2's RTP range 30000-30999"
    assert "no free slot of 1000 ports" in problems[2]["message"]
    with pytest.raises(PlanError) as info:
        farm_rtp_ranges(farm)
    assert str(info.value) == f"fs1: {problems[0]['message']}"


def test_preflight_and_planner_read_the_same_defaults():
    farm = _farm({})
    del farm["vars"]["freeswitch_ha_rtp_pool"], farm["vars"]["freeswitch_ha_rtp_min_ports"]
    assert farm_rtp_problems(farm) == []
    assert farm_rtp_ranges(farm) == rtp_port_ranges(farm["groups"]["freeswitch"], DEFAULT_POOL, DEFAULT_MIN_PORTS)


@pytest.mark.parametrize(("variable", "value", "fragment"), [
    ("freeswitch_ha_rtp_min_ports", 1, "must be an integer of at least 2"),
    ("freeswitch_ha_rtp_min_ports", True, "must be an integer of at least 2"),
    ("freeswitch_ha_rtp_pool", "1000-9999", "outside 1024-65535"),
])
def test_bounds_refused_by_both(variable, value, fragment):
    farm = _farm({})
    farm["vars"][variable] = value
    assert any(p["variable"] == variable and fragment in p["message"] for p in farm_rtp_problems(farm))
    with pytest.raises(PlanError):
        farm_rtp_ranges(farm)


def _lab_like(overrides, **farm_vars):
    farm = _farm(overrides, pool="16384-32767")
    farm["vars"].update(farm_vars)
    return farm


def test_pin_over_other_boxes_slots_is_refused_naming_them():
    # fs5 takes fs1's slot: without the pin fs1..fs4 hold the first four slots, with it each moves one up
    problems = farm_rtp_problems(_lab_like({"fs5": "16384-17383"}))
    assert problems == [{"host": "fs5", "variable": "freeswitch_ha_rtp_range", "message":
                         "16384-17383 lies over pool slots other boxes would get and moves the RTP ranges of "
                         "fs1, fs2, fs3, fs4 (fs1 16384-17383 -> 17384-18383, fs2 17384-18383 -> 18384-19383, "
                         "fs3 18384-19383 -> 19384-20383, fs4 19384-20383 -> 20384-21383): pin a range clear of "
                         "them, or set freeswitch_ha_rtp_allow_moving_ranges: true to move them"}]


def test_moving_ranges_explicitly_allowed_plans_as_before():
    farm = _lab_like({"fs5": "16384-17383"}, freeswitch_ha_rtp_allow_moving_ranges=True)
    assert farm_rtp_problems(farm) == []
    ranges = farm_rtp_ranges(farm)
    assert [ranges[box]["start"] for box in ("fs1", "fs2", "fs3", "fs4", "fs5")] == [17384, 18384, 19384, 20384, 16384]


@pytest.mark.parametrize("overrides", [
    {"fs2": "17384-18383"},  # fs2 pinned to the slot it has: nobody moves
    {"fs5": "30000-31999"},  # beyond the slots in use (inventories/example pins like this)
    {"fs5": "40000-40999"},  # outside the pool
    {"fs1": "16384-17383", "fs2": "17384-18383"},
])
def test_pins_that_move_nobody_are_accepted(overrides):
    farm = _lab_like(overrides)
    assert farm_rtp_problems(farm) == []
    unpinned = farm_rtp_ranges(_lab_like({}))
    ranges = farm_rtp_ranges(farm)
    if set(overrides) <= {"fs1", "fs2"}:
        assert ranges == {box: dict(span, source="override" if box in overrides else "pool")
                          for box, span in unpinned.items()}
    else:
        assert {box: ranges[box] for box in ("fs1", "fs2", "fs3", "fs4")} == {
            box: unpinned[box] for box in ("fs1", "fs2", "fs3", "fs4")}


def test_a_middle_box_pinned_outside_the_pool_is_accepted():
    # fs3..fs5 slide down one slot compared with fs2 in the pool, but not compared with a farm where fs2
    # is a new box: the preflight cannot tell which is today's farm, so it refuses only what moves either way
    farm = _lab_like({"fs2": "40000-40999"})
    assert farm_rtp_problems(farm) == []
    assert farm_rtp_ranges(farm)["fs3"]["start"] == 17384


def test_allow_moving_must_be_a_boolean_and_a_wrong_one_allows_nothing():
    problems = farm_rtp_problems(_lab_like({"fs5": "16384-17383"}, freeswitch_ha_rtp_allow_moving_ranges="yes"))
    assert [(p["host"], p["variable"]) for p in problems] == [
        ("all", "freeswitch_ha_rtp_allow_moving_ranges"), ("fs5", "freeswitch_ha_rtp_range")]
    assert problems[0]["message"] == "'yes' must be true or false"
