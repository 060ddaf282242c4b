"""tenant_partitions: from the variable and from tenant_<name> groups."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_partitions


def test_lab_tenants(lab_farm):
    plan = tenant_partitions(lab_farm)
    assert list(plan) == ["alpha", "beta"]
    assert plan["alpha"] == {
        "name": "alpha", "set_id": 1, "algorithm": "weighted", "algorithm_id": 9,
        "freeswitch_hosts": ["fs1", "fs2"], "lb_hosts": ["lb1", "lb2"], "sip_domains": ["alpha.lab.invalid"],
        "vip": "172.28.57.100", "vrrp_router_id": 51, "verto_port_base": 8082, "source": "variable",
    }
    assert plan["beta"]["set_id"] == 2 and plan["beta"]["algorithm_id"] == 4


def test_explicit_set_ids_are_skipped_by_automatic_ones(lab_farm):
    lab_farm["vars"]["freeswitch_ha_tenants"]["beta"]["dispatcher_set"] = 1
    plan = tenant_partitions(lab_farm)
    assert (plan["alpha"]["set_id"], plan["beta"]["set_id"]) == (2, 1)


def test_group_tenants_and_the_variable_wins(lab_farm):
    lab_farm["groups"]["tenant_gamma"] = ["fs3", "fs4", "lb1", "lb2", "db1"]
    lab_farm["groups"]["tenant_alpha"] = ["fs4"]  # ignored: the variable defines alpha
    lab_farm["hosts"]["fs3"]["freeswitch_ha_tenant"] = {
        "vip": "172.28.57.102", "sip_domains": "gamma.invalid", "dispatcher_algorithm": "call_load",
    }
    del lab_farm["vars"]["freeswitch_ha_tenants"]["beta"]
    plan = tenant_partitions(lab_farm)
    assert list(plan) == ["alpha", "gamma"]
    assert plan["alpha"]["freeswitch_hosts"] == ["fs1", "fs2"]
    gamma = plan["gamma"]
    assert (gamma["freeswitch_hosts"], gamma["lb_hosts"]) == (["fs3", "fs4"], ["lb1", "lb2"])
    assert (gamma["sip_domains"], gamma["algorithm_id"], gamma["source"]) == (["gamma.invalid"], 10, "group tenant_gamma")


@pytest.mark.parametrize(("tenant_patch", "fragment"), [
    ({"dispatcher_algorithm": "random"}, "unknown dispatcher_algorithm"),
    ({"freeswitch_hosts": []}, "no FreeSWITCH"),
    ({"dispatcher_set": 0}, "not a positive integer"),
])
def test_bad_tenants(lab_farm, tenant_patch, fragment):
    lab_farm["vars"]["freeswitch_ha_tenants"]["alpha"].update(tenant_patch)
    with pytest.raises(PlanError, match=fragment):
        tenant_partitions(lab_farm)


def test_duplicate_set_id_and_bad_shapes(lab_farm):
    for tenant in ("alpha", "beta"):
        lab_farm["vars"]["freeswitch_ha_tenants"][tenant]["dispatcher_set"] = 7
    with pytest.raises(PlanError, match="already used"):
        tenant_partitions(lab_farm)
    with pytest.raises(PlanError, match="must be a mapping"):
        tenant_partitions({"vars": {"freeswitch_ha_tenants": {"a": "b"}}})
    with pytest.raises(PlanError, match="inventory picture"):
        tenant_partitions(None)
