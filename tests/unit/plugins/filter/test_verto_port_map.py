"""The verto_port_map filter: a thin wrapper over plugin_utils.verto_port_map (whose rules are tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.rtp_port_ranges import rtp_port_ranges
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_partitions

from .filter_harness import get_filter, plugin_file_problems

NAME = "verto_port_map"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_port_map_of_the_lab(lab_farm):
    tenants = tenant_partitions(lab_farm)
    ranges = rtp_port_ranges(lab_farm["groups"]["freeswitch"])
    ports = get_filter(NAME)(tenants, ranges, lab_farm["hosts"])
    assert ports["fs2"]["rtp_start"] == 17384
    assert ports["fs3"] == {"tenant": "beta", "vip": "172.28.57.101", "public_port": 8082, "address": "172.28.57.23",
                            "local_port": 8081, "rtp_start": 18384, "rtp_end": 19383}


def test_plan_error_becomes_a_filter_error():
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: a: no RTP range planned"):
        get_filter(NAME)({"t": {"freeswitch_hosts": ["a"]}}, {})
