"""The rtp_port_ranges filter: a thin wrapper over plugin_utils.rtp_port_ranges (whose rules are tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from .filter_harness import get_filter, plugin_file_problems

NAME = "rtp_port_ranges"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_ranges_of_the_lab_boxes(lab_farm):
    ranges = get_filter(NAME)(lab_farm["groups"]["freeswitch"])
    assert [(host, r["start"], r["end"]) for host, r in ranges.items()] == [
        ("fs1", 16384, 17383), ("fs2", 17384, 18383), ("fs3", 18384, 19383), ("fs4", 19384, 20383)]


def test_pool_min_and_slot_ports_are_passed_on(lab_farm):
    ranges = get_filter(NAME)(lab_farm["groups"]["freeswitch"], "20000-29999", 500, 1000)
    assert ranges["fs2"] == {"start": 21000, "end": 21999, "ports": 1000, "source": "pool"}
    assert get_filter(NAME)({"fs1": None, "fs2": "30000-30999"})["fs2"]["source"] == "override"


def test_plan_error_becomes_a_filter_error():
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: RTP pool 1-2 lies outside 1024-65535"):
        get_filter(NAME)(["a"], "1-2")
