"""The vrrp_instances filter: a thin wrapper over plugin_utils.vrrp.vrrp_instances (tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan

from .filter_harness import get_filter, plugin_file_problems

NAME = "vrrp_instances"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_instances_of_the_lab_plan(lab_farm):
    plan = farm_plan(lab_farm)
    instances = get_filter(NAME)(plan)
    assert [(i["name"], i["virtual_router_id"]) for i in instances] == [
        ("tenant_alpha", 51), ("tenant_beta", 52), ("internal", 50)]
    assert get_filter(NAME)(plan, pair=["lb2", "lb1"])[-1]["lb_hosts"] == ["lb2", "lb1"]


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    (("plan",), {}, "the input must be the farm plan"),
    (({"tenants": ["alpha"]},), {}, "the input must be the farm plan"),
    (({},), {"pair": "lb1"}, "pair must be a list of load balancer names"),
])
def test_bad_arguments_become_filter_errors(args, kwargs, message):
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: {message}"):
        get_filter(NAME)(*args, **kwargs)
