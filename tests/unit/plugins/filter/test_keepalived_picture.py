"""The keepalived_picture filter: a thin wrapper over plugin_utils.vrrp.keepalived_picture (tested there)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.vrrp import vrrp_instances

from .filter_harness import get_filter, plugin_file_problems

NAME = "keepalived_picture"
FACTS = {"interfaces": ["eth0"], "eth0": {"ipv4": {"address": "172.28.57.11", "netmask": "255.255.255.0"}}}


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_picture_of_lb1_in_the_lab(lab_farm):
    instances = vrrp_instances(farm_plan(lab_farm))
    result = get_filter(NAME)(FACTS, host="lb1", address="172.28.57.11", instances=instances, advert_int=0.2)
    assert result["problems"] == []
    assert (result["interface"], result["prefix"]) == ("eth0", 24)
    assert {i["advert_int"] for i in result["instances"]} == {"0.2"}


def test_problems_are_returned_not_raised(lab_farm):
    instances = vrrp_instances(farm_plan(lab_farm))
    result = get_filter(NAME)(FACTS, host="lb1", address="172.28.57.99", instances=instances)
    assert [p["variable"] for p in result["problems"]] == ["keepalived_address"]
    assert result["instances"] == []


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    (("facts", "lb1", "10.0.0.1", []), {}, "the input must be the host's facts"),
    (({}, "lb1", "10.0.0.1", []), {"peers": ["x"]}, "peers must map load balancer names to addresses"),
])
def test_bad_arguments_become_filter_errors(args, kwargs, message):
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: {message}"):
        get_filter(NAME)(*args, **kwargs)
