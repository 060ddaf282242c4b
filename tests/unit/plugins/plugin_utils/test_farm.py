"""farm: the shared lookups, one definition each, and the preflight and the plan agreeing on them."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import farm
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import inventory_problems


def test_problem_builder():
    assert farm.problem("fs1", "freeswitch_ha_weight", 3) == {
        "host": "fs1", "variable": "freeswitch_ha_weight", "message": "3"}
    problems = farm.Problems()
    problems.add(farm.ALL, "freeswitch_ha_network", "bad")
    assert problems == [{"host": "all", "variable": "freeswitch_ha_network", "message": "bad"}]


def test_every_host_once_all_first():
    groups = {"freeswitch": ["fs1", "fs2"], "all": ["lb1", "fs1"], "databases": ["db1", "fs2"]}
    assert farm.every_host(groups) == ["lb1", "fs1", "fs2", "db1"]
    assert farm.every_host(None) == []


@pytest.mark.parametrize(("groups", "servers"), [
    ({"storage": ["st1", "st2"], "databases": ["db1", "db2"]}, ["st1", "st2"]),
    ({"storage": [], "databases": ["db1", "db2"]}, ["db1", "db2"]),  # an empty group: the database hosts
    ({"databases": ["db1", "db2"]}, ["db1", "db2"]),
    ({}, []),
])
def test_storage_servers(groups, servers):
    assert farm.storage_servers(groups) == servers


@pytest.mark.parametrize("storage", [None, []])
def test_the_preflight_and_the_plan_agree_on_the_storage_servers(lab_farm, storage):
    # the rule had two copies: the preflight refused an empty storage group, the playbook used the databases
    lab_farm["vars"]["freeswitch_ha_storage_replica"] = 2
    lab_farm["vars"]["freeswitch_ha_storage_arbiter"] = False
    if storage is None:
        del lab_farm["groups"]["storage"]
    else:
        lab_farm["groups"]["storage"] = storage
    assert inventory_problems(lab_farm) == []
    assert farm_plan(lab_farm)["storage"]["servers"] == ["db1", "db2"]


def test_a_lone_storage_host_is_refused_with_its_group(lab_farm):
    lab_farm["groups"]["storage"] = ["db1"]
    found = {(p["host"], p["variable"]) for p in inventory_problems(lab_farm)}
    assert ("storage", "members") in found


def test_network_setting_prefers_the_farm_network():
    assert farm.network_setting({"freeswitch_ha_lab_subnet": "10.1.0.0/24"}) == (
        "freeswitch_ha_lab_subnet", "10.1.0.0/24")
    assert farm.network_setting({"freeswitch_ha_network": "10.2.0.0/24", "freeswitch_ha_lab_subnet": "x"})[1] == \
        "10.2.0.0/24"
    assert farm.network_setting({}) == (None, None)
    assert str(farm.farm_network({"freeswitch_ha_network": "10.2.0.5/24"})) == "10.2.0.0/24"
    assert farm.farm_network({"freeswitch_ha_network": "nope"}) is None


def test_database_clients_and_haproxy_hosts():
    groups = {"freeswitch": ["fs1", "fs2"], "edge_db": ["fs2", "px1"]}
    assert farm.db_haproxy_hosts(groups, {}) == ["fs1", "fs2"]
    assert farm.db_clients(groups, {}) == ["fs1", "fs2"]
    assert farm.db_clients(groups, {"freeswitch_ha_db_haproxy_group": "edge_db"}) == ["fs1", "fs2", "px1"]
    assert farm.db_haproxy_hosts(groups, {"freeswitch_ha_db_haproxy_group": ["x"]}) == []


def test_tenants_of_a_load_balancer():
    tenants = {"a": {"lb_hosts": ["lb1", "lb2"]}, "b": {"lb_hosts": ["lb3", "lb4"]}, "c": {"lb_hosts": ["lb2", "lb3"]}}
    assert farm.lb_tenants(tenants, "lb2") == ["a", "c"]
    assert farm.lb_tenants(tenants, "lb9") == []
    assert farm.lb_peers(tenants, "lb2") == ["lb1", "lb3"]
    assert farm.lb_peers(tenants, "lb4") == ["lb3"]


def test_tenant_where():
    assert farm.tenant_where("alpha", "variable") == ("all", "freeswitch_ha_tenants.alpha.")
    assert farm.tenant_where("beta", "group tenant_beta") == ("tenant_beta", "freeswitch_ha_tenant.")


def test_switchname_is_the_box_name_unless_set():
    hosts = {"fs1": {"freeswitch_ha_switchname": "edge-one"}, "fs2": {}, "fs3": {"freeswitch_ha_switchname": ""}}
    assert [farm.switchname(hosts, box) for box in ("fs1", "fs2", "fs3", "fs4")] == ["edge-one", "fs2", "fs3", "fs4"]


def test_lookups_never_raise_on_a_bare_picture():
    bare = copy.deepcopy({"hosts": {}, "groups": {}, "vars": {}})
    assert farm.members(bare["groups"], "freeswitch") == []
    assert farm.host_address(bare["hosts"], "fs1") is None
    assert farm.host_addresses({"fs1": {"freeswitch_ha_address": "10.0.0.1"}}, ["fs1", "fs2"]) == {
        "fs1": "10.0.0.1", "fs2": None}


def test_as_list_one_rule_for_tenant_lists(lab_farm):
    assert farm.as_list(None) == []
    assert farm.as_list("fs1") == ["fs1"]
    assert farm.as_list(("fs1", "fs2")) == ["fs1", "fs2"]
    assert farm.as_list({"fs1": 1}) is None
    assert farm.as_list(3) is None
    # a tenant given one box as a string: the preflight accepts it and the plan reads it the same way
    tenant = lab_farm["vars"]["freeswitch_ha_tenants"]["alpha"]
    tenant["sip_domains"] = tenant["sip_domains"][0]
    assert not inventory_problems(lab_farm)
    assert farm_plan(lab_farm)["tenants"]["alpha"]["sip_domains"] == [tenant["sip_domains"]]
    tenant["sip_domains"] = {"alpha.lab.invalid": True}
    assert any(p["variable"].endswith("sip_domains") for p in inventory_problems(lab_farm))
