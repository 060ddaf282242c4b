"""vrrp: instances from the plan, interface detection, one host's keepalived picture."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.vrrp import (
    advert_int_problem,
    detect_interface,
    format_advert_int,
    vrrp_instances,
    keepalived_picture,
    track_script_problems,
)

FACTS = {
    "interfaces": ["lo", "eth0", "br_lan"],
    "lo": {"ipv4": {"address": "127.0.0.1", "netmask": "255.0.0.0", "prefix": "8"}},
    "eth0": {
        "ipv4": {"address": "172.28.57.11", "netmask": "255.255.255.0", "prefix": "24"},
        "ipv4_secondaries": [{"address": "172.28.57.100", "netmask": "255.255.255.0", "prefix": "24"}],
    },
    "br_lan": {"ipv4": {"address": "10.1.0.5", "netmask": "255.255.0.0"}},
}
PAIR = ["lb1", "lb2"]
INSTANCES = [
    {"name": "tenant_alpha", "virtual_router_id": 51, "vip": "172.28.57.100", "lb_hosts": PAIR},
    {"name": "internal", "virtual_router_id": 50, "vip": "172.28.57.99", "lb_hosts": PAIR},
]
PEERS = {"lb1": "172.28.57.11", "lb2": "172.28.57.12"}
SCRIPT = {"name": "chk_kamailio", "script": "/usr/bin/systemctl is-active --quiet kamailio.service"}


def picture(host="lb1", address="172.28.57.11", instances=None, **kw):
    return keepalived_picture(FACTS, host, address, INSTANCES if instances is None else instances, **kw)


def problems(result):
    return {(p["variable"], p["message"]) for p in result["problems"]}


def variables(result):
    return {p["variable"] for p in result["problems"]}


# ------------------------------------------------------------ advert interval
@pytest.mark.parametrize("value", [0.01, 0.1, "0.25", 1, 3, "40.95", Decimal("2.5")])
def test_advert_intervals_keepalived_accepts(value):
    assert advert_int_problem(value) is None


@pytest.mark.parametrize(("value", "fragment"), [
    (0.005, "outside"), (0, "outside"), (41, "outside"), (-1, "outside"), (0.125, "centiseconds"),
    ("fast", "not a number"), (True, "not a number"), (None, "not a number"), ("nan", "outside"),
])
def test_advert_intervals_keepalived_rejects_or_rounds(value, fragment):
    assert fragment in advert_int_problem(value)


@given(st.integers(min_value=1, max_value=4095))
def test_every_whole_centisecond_in_range_is_accepted(centis):
    value = Decimal(centis) / 100
    assert advert_int_problem(value) is None
    assert Decimal(format_advert_int(value)) == value


@given(st.integers(min_value=1, max_value=40950), st.integers(min_value=1, max_value=9))
def test_sub_centisecond_values_are_refused(centis_times_ten, extra):
    value = Decimal(centis_times_ten * 10 + extra) / 1000
    assert advert_int_problem(value) is not None


def test_advert_interval_rendering():
    assert format_advert_int(0.1) == "0.1"
    assert format_advert_int(1) == "1"
    assert format_advert_int("0.50") == "0.5"


# ------------------------------------------------------------ track scripts
def test_track_scripts_fine():
    assert track_script_problems([SCRIPT, {**SCRIPT, "name": "b", "weight": -60}], 50) == []
    assert track_script_problems(None, 50) == []


@pytest.mark.parametrize(("scripts", "suffix", "fragment"), [
    ("x", "", "must be a list"),
    (["x"], "[0]", "mapping"),
    ([{**SCRIPT, "interval": 0.5}], "[0].interval", "whole number"),
    ([{**SCRIPT, "fall": 0}], "[0].fall", "whole number"),
    ([{**SCRIPT, "weight": -30}], "[0].weight", "would not move the VIP"),
    ([{**SCRIPT, "weight": 300}], "[0].weight", "-253 to 253"),
    ([{**SCRIPT, "script": "systemctl is-active x"}], "[0].script", "absolute path"),
    ([{**SCRIPT, "script": '/bin/sh -c "x"'}], "[0].script", "double quotes"),
    ([{"name": "a"}], "[0].script", "is required"),
    ([{**SCRIPT, "name": "bad name"}], "[0].name", "not a script name"),
    ([SCRIPT, SCRIPT], "[1].name", "already defined"),
    ([{**SCRIPT, "period": 1}], "[0].period", "unknown setting"),
])
def test_track_script_problems(scripts, suffix, fragment):
    found = track_script_problems(scripts, 50)
    assert any(where == suffix and fragment in message for where, message in found), found


# ------------------------------------------------------------ plan -> instances
def test_instances_from_the_lab_plan(lab_farm):
    instances = vrrp_instances(farm_plan(lab_farm))
    assert instances == [
        {"name": "tenant_alpha", "virtual_router_id": 51, "vip": "172.28.57.100", "lb_hosts": PAIR},
        {"name": "tenant_beta", "virtual_router_id": 52, "vip": "172.28.57.101", "lb_hosts": PAIR},
        {"name": "internal", "virtual_router_id": 50, "vip": "172.28.57.99", "lb_hosts": PAIR},
    ]


def test_tenants_sharing_a_vip_share_the_instance():
    plan = {"tenants": {"a": {"vip": "10.0.0.5", "vrrp_router_id": 7, "lb_hosts": PAIR},
                        "b": {"vip": "10.0.0.5", "vrrp_router_id": 7, "lb_hosts": PAIR}},
            "internal_vip": {"vip": None}}
    assert [i["name"] for i in vrrp_instances(plan)] == ["tenant_a"]


def test_internal_vip_pair_can_be_given():
    plan = {"tenants": {}, "internal_vip": {"vip": "10.0.0.4", "vrrp_router_id": 9}}
    assert vrrp_instances(plan, ["x", "y"])[0]["lb_hosts"] == ["x", "y"]
    assert vrrp_instances({}) == []


# ------------------------------------------------------------ interface
def test_interface_detected_from_the_address():
    name, iface = detect_interface(FACTS, "172.28.57.11")
    assert (name, str(iface)) == ("eth0", "172.28.57.11/24")


def test_interface_detected_from_netmask_only():
    name, iface = detect_interface(FACTS, "10.1.0.5")
    assert (name, iface.network.prefixlen) == ("br_lan", 16)


def test_interface_given_must_carry_the_address():
    assert detect_interface(FACTS, "172.28.57.11", "eth0")[0] == "eth0"
    with pytest.raises(ValueError, match="does not carry"):
        detect_interface(FACTS, "172.28.57.11", "lo")
    with pytest.raises(ValueError, match="does not exist"):
        detect_interface(FACTS, "172.28.57.11", "eth9")
    with pytest.raises(ValueError, match="no interface carries"):
        detect_interface(FACTS, "172.28.57.13")
    with pytest.raises(ValueError, match="not an IPv4"):
        detect_interface(FACTS, "lb1")


# ------------------------------------------------------------ picture
def test_preferred_master_and_backup():
    lb2_facts = {"interfaces": ["eth0"], "eth0": {"ipv4": {"address": "172.28.57.12", "prefix": "24"}}}
    first = picture()
    second = keepalived_picture(lb2_facts, "lb2", "172.28.57.12", INSTANCES)
    assert [i["priority"] for i in first["instances"]] == [150, 150]
    assert [i["priority"] for i in second["instances"]] == [100, 100]


def test_second_lb_address_detection_uses_facts():
    # lb2's address is not in FACTS: the detection reports it on keepalived_address.
    assert variables(picture("lb2", "172.28.57.12")) == {"keepalived_address"}


def test_default_picture():
    result = picture(scripts=[SCRIPT])
    assert result["problems"] == []
    assert result["interface"] == "eth0" and result["prefix"] == 24
    alpha = result["instances"][0]
    assert alpha == {
        "name": "tenant_alpha", "interface": "eth0", "virtual_router_id": 51, "priority": 150,
        "advert_int": "0.1", "nopreempt": False, "vip": "172.28.57.100/24", "unicast_src_ip": None,
        "unicast_peers": [], "track_scripts": ["chk_kamailio"], "lb_hosts": PAIR,
    }
    assert result["sync_groups"] == [{"name": "pair_lb1_lb2", "members": ["tenant_alpha", "internal"],
                                      "tracking_weight": False}]
    assert result["scripts"] == [{**SCRIPT, "interval": 1, "fall": 2, "rise": 2, "weight": 0}]


def test_real_time_priority_is_off_unless_asked_for():
    assert picture()["rt_priority"] == 0
    assert picture(rt_priority=40)["rt_priority"] == 40
    assert picture(rt_priority=99)["problems"] == []


def test_unicast_nopreempt_and_weights():
    result = picture(scripts=[{**SCRIPT, "weight": -60}], unicast=True, peers=PEERS, nopreempt=True)
    alpha = result["instances"][0]
    assert (alpha["unicast_src_ip"], alpha["unicast_peers"], alpha["nopreempt"]) == ("172.28.57.11", ["172.28.57.12"], True)
    assert result["sync_groups"][0]["tracking_weight"] is True


def test_no_sync_group_for_one_instance_or_when_disabled():
    assert picture(instances=INSTANCES[:1])["sync_groups"] == []
    assert picture(sync_group=False)["sync_groups"] == []


def test_instances_of_other_pairs_are_left_out():
    other = {"name": "tenant_z", "virtual_router_id": 60, "vip": "172.28.57.120", "lb_hosts": ["lb3", "lb4"]}
    result = picture(instances=INSTANCES + [other])
    assert [i["name"] for i in result["instances"]] == ["tenant_alpha", "internal"]


def test_selected_track_scripts():
    inst = [{**INSTANCES[0], "track_scripts": []}, {**INSTANCES[1], "track_scripts": ["chk_kamailio"]}]
    result = picture(instances=inst, scripts=[SCRIPT])
    assert [i["track_scripts"] for i in result["instances"]] == [[], ["chk_kamailio"]]


@pytest.mark.parametrize(("change", "variable", "fragment"), [
    ({"advert_int": 0.005}, "keepalived_advert_int", "outside"),
    ({"advert_int": 0.125}, "keepalived_advert_int", "centiseconds"),
    ({"instances": [INSTANCES[0], {**INSTANCES[1], "virtual_router_id": 51}]},
     "keepalived_instances[1].virtual_router_id", "already used by instance tenant_alpha"),
    ({"instances": [{**INSTANCES[0], "vip": "172.28.58.100"}]}, "keepalived_instances[0].vip", "outside the subnet"),
    ({"instances": [{**INSTANCES[0], "vip": "172.28.57.11"}]}, "keepalived_instances[0].vip", "own address"),
    ({"instances": [{**INSTANCES[0], "vip": "vip"}]}, "keepalived_instances[0].vip", "not an IPv4"),
    ({"instances": [{**INSTANCES[0], "virtual_router_id": 256}]},
     "keepalived_instances[0].virtual_router_id", "1-255"),
    ({"instances": [INSTANCES[0], {**INSTANCES[1], "name": "tenant_alpha"}]},
     "keepalived_instances[1].name", "already defined"),
    ({"instances": [{**INSTANCES[0], "lb_hosts": ["lb1"]}]}, "keepalived_instances[0].lb_hosts", "two or more"),
    ({"instances": [{**INSTANCES[0], "lb_hosts": ["lb2", "lb3"]}]}, "keepalived_instances", "no instance's lb_hosts"),
    ({"instances": []}, "keepalived_instances", "at least one"),
    ({"instances": [{**INSTANCES[0], "track_scripts": ["nope"]}]}, "keepalived_instances[0].track_scripts", "not in"),
    ({"instances": [{**INSTANCES[0], "prio": 1}]}, "keepalived_instances[0].prio", "unknown setting"),
    ({"unicast": True, "peers": {"lb1": "172.28.57.11"}}, "keepalived_instances[0].lb_hosts", "address of lb2"),
    ({"scripts": [{**SCRIPT, "weight": 10}]}, "keepalived_track_scripts[0].weight", "would not move"),
    ({"priority_top": 255}, "keepalived_priority_top", "2 to 254"),
    ({"priority_step": 0}, "keepalived_priority_step", "1 to 254"),
    ({"interface": "eth9"}, "keepalived_interface", "does not exist"),
    ({"rt_priority": 100}, "keepalived_vrrp_rt_priority", "1 to 99"),
    ({"rt_priority": -1}, "keepalived_vrrp_rt_priority", "0 for normal"),
    ({"rt_priority": "40"}, "keepalived_vrrp_rt_priority", "integer"),
    ({"rt_priority": True}, "keepalived_vrrp_rt_priority", "integer"),
])
def test_every_bad_input_is_named(change, variable, fragment):
    result = picture(**change)
    assert any(v == variable and fragment in m for v, m in problems(result)), problems(result)
    assert result["instances"] == [] and result["scripts"] == []


def test_priority_step_too_big_for_a_long_list():
    inst = [{**INSTANCES[0], "lb_hosts": ["lb0", "lbx", "lby", "lb1"]}]
    assert "keepalived_priority_step" in variables(picture(instances=inst))


def test_all_problems_at_once():
    result = picture(advert_int=99, instances=[{**INSTANCES[0], "vip": "10.9.9.9", "virtual_router_id": 0}])
    assert variables(result) == {"keepalived_advert_int", "keepalived_instances[0].vip",
                                 "keepalived_instances[0].virtual_router_id"}
