"""The tenant_partitions filter: a thin wrapper over plugin_utils.tenant_partitions (whose rules are tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from .filter_harness import get_filter, plugin_file_problems

NAME = "tenant_partitions"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_tenants_of_the_lab(lab_farm):
    tenants = get_filter(NAME)(lab_farm)
    assert list(tenants) == ["alpha", "beta"]
    assert tenants["alpha"]["freeswitch_hosts"] == ["fs1", "fs2"]
    assert (tenants["beta"]["set_id"], tenants["beta"]["vip"]) == (2, "172.28.57.101")


def test_plan_error_becomes_a_filter_error():
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: freeswitch_ha_tenants must be a mapping"):
        get_filter(NAME)({"vars": {"freeswitch_ha_tenants": "x"}})
