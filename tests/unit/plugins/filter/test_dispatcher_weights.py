"""The dispatcher_weights filter: a thin wrapper over plugin_utils.dispatcher_weights (whose rules are tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.dispatcher_weights import dispatcher_weights
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_partitions

from .filter_harness import get_filter, plugin_file_problems

NAME = "dispatcher_weights"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_weights_of_the_lab_tenants(lab_farm):
    tenants = tenant_partitions(lab_farm)
    sets = get_filter(NAME)(tenants, lab_farm["hosts"])
    assert [(d["host"], d["weight"]) for d in sets["alpha"]["destinations"]] == [("fs1", 75), ("fs2", 25)]
    assert sets == dispatcher_weights(tenants, lab_farm["hosts"])


def test_plan_error_becomes_a_filter_error():
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: tenant t: no FreeSWITCH hosts"):
        get_filter(NAME)({"t": {"freeswitch_hosts": []}}, {})
