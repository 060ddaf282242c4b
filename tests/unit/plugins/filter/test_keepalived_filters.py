"""The keepalived filter wrappers: registration, documentation, pass-through and errors."""

from __future__ import annotations

import importlib

import pytest
from ansible.errors import AnsibleFilterError

PACKAGE = "ansible_collections.telephony.freeswitch_ha.plugins.filter"
FACTS = {"interfaces": ["eth0"], "eth0": {"ipv4": {"address": "172.28.57.11", "netmask": "255.255.255.0"}}}


def _filter(name):
    module = importlib.import_module(f"{PACKAGE}.{name}")
    assert module.DOCUMENTATION and module.EXAMPLES and module.RETURN
    return module.FilterModule().filters()[name]


def test_vrrp_instances_from_the_lab_plan(lab_farm):
    plan = _filter("farm_plan")(lab_farm)
    instances = _filter("vrrp_instances")(plan)
    assert [i["virtual_router_id"] for i in instances] == [51, 52, 50]
    assert _filter("vrrp_instances")(plan, pair=["lb2", "lb1"])[-1]["lb_hosts"] == ["lb2", "lb1"]


def test_keepalived_picture_passes_through(lab_farm):
    instances = _filter("vrrp_instances")(_filter("farm_plan")(lab_farm))
    result = _filter("keepalived_picture")(FACTS, host="lb1", address="172.28.57.11", instances=instances,
                                           advert_int=0.2)
    assert result["problems"] == []
    assert {i["advert_int"] for i in result["instances"]} == {"0.2"}


@pytest.mark.parametrize(("name", "args", "kwargs"), [
    ("vrrp_instances", ("plan",), {}),
    ("vrrp_instances", ({},), {"pair": "lb1"}),
    ("keepalived_picture", ("facts", "lb1", "10.0.0.1", []), {}),
    ("keepalived_picture", ({}, "lb1", "10.0.0.1", []), {"peers": ["x"]}),
])
def test_bad_arguments_become_filter_errors(name, args, kwargs):
    with pytest.raises(AnsibleFilterError, match=f"^{name}: "):
        _filter(name)(*args, **kwargs)
