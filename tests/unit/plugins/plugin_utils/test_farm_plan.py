"""farm_plan and farm_inventory."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_inventory, farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_settings import SETTINGS
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.services import service


def test_whole_lab_plan(lab_farm):
    plan = farm_plan(lab_farm)
    assert set(plan) == {"tenants", "box_tenants", "rtp_ranges", "dispatcher", "call_rates", "verto", "internal_vip",
                         "settings", "network", "edge", "loadbalancers", "database", "storage", "services", "boxes",
                         "sip_users", "xml_files"}
    assert plan["call_rates"] == {"survivor_cps": {"alpha": 30, "beta": 30}}
    assert list(plan["rtp_ranges"]) == ["fs1", "fs2", "fs3", "fs4"]
    assert plan["internal_vip"] == {"vip": "172.28.57.99", "vrrp_router_id": 50}
    assert plan["verto"]["fs3"]["vip"] == "172.28.57.101"


def test_each_box_names_its_tenant(lab_farm):
    plan = farm_plan(lab_farm)
    assert set(plan["box_tenants"]) == set(plan["rtp_ranges"])
    for box, name in plan["box_tenants"].items():
        assert box in plan["tenants"][name]["freeswitch_hosts"]


def test_plan_is_deterministic(lab_farm):
    assert farm_plan(lab_farm) == farm_plan(lab_farm)


def test_problems_are_all_listed(lab_farm):
    lab_farm["vars"]["freeswitch_ha_db_password"] = "changeme"
    lab_farm["hosts"]["fs1"]["freeswitch_ha_weight"] = -1
    with pytest.raises(PlanError) as info:
        farm_plan(lab_farm)
    text = str(info.value)
    assert "all: freeswitch_ha_db_password: " in text and "fs1: freeswitch_ha_weight: " in text
    assert "changeme" not in text


def test_farm_inventory_copies_only_plan_variables():
    groups = {"all": ["fs1"], "freeswitch": ["fs1"], "lonely": ["x"]}
    hostvars = {"fs1": {"freeswitch_ha_address": "10.0.0.1", "ansible_host": "h", "freeswitch_ha_db_password": "s"}}
    picture = farm_inventory(groups, hostvars, {"freeswitch_ha_rtp_pool": "2000-3000", "other": 1})
    assert picture == {"hosts": {"fs1": {"freeswitch_ha_address": "10.0.0.1"}, "x": {}},
                       "groups": groups, "vars": {"freeswitch_ha_rtp_pool": "2000-3000"}}


def test_a_pin_that_moves_other_ranges_plans_only_when_allowed(lab_farm):
    lab_farm["hosts"]["fs4"]["freeswitch_ha_rtp_range"] = "16384-17383"
    with pytest.raises(PlanError, match="fs4: freeswitch_ha_rtp_range: 16384-17383 lies over pool slots"):
        farm_plan(lab_farm)
    lab_farm["vars"]["freeswitch_ha_rtp_allow_moving_ranges"] = True
    ranges = farm_plan(lab_farm)["rtp_ranges"]
    assert [(box, span["start"]) for box, span in ranges.items()] == [
        ("fs1", 17384), ("fs2", 18384), ("fs3", 19384), ("fs4", 16384)]


def test_lab_selections(lab_farm):
    plan = farm_plan(lab_farm)
    assert plan["network"] == "172.28.57.0/24"
    assert plan["edge"]["sip_client_networks"] == ["172.28.57.0/24"]
    assert [s["name"] for s in plan["edge"]["vrrp_track_scripts"]] == ["chk_kamailio", "chk_rtpengine"]
    assert plan["loadbalancers"]["lb1"] == {
        "tenants": ["alpha", "beta"], "vips": ["172.28.57.100", "172.28.57.101"], "peers": ["lb2"],
        "sip_advertise": "172.28.57.100"}
    assert plan["database"]["servers"] == {"db1": "172.28.57.31", "db2": "172.28.57.32"}
    assert plan["database"]["haproxy_bind"] == {box: "127.0.0.1" for box in ("fs1", "fs2", "fs3", "fs4")}
    assert plan["database"]["pg_hba_clients"] == ["172.28.57.21", "172.28.57.22", "172.28.57.23", "172.28.57.24"]
    assert plan["storage"] == {"servers": ["db1", "db2", "client1"],
                               "addresses": ["172.28.57.31", "172.28.57.32", "172.28.57.41"],
                               "brick_roots": {h: "/srv/gluster/bricks" for h in ("db1", "db2", "client1")}}


def test_derived_settings_follow_the_inventory(lab_farm):
    lab_farm["vars"].update({"freeswitch_ha_sip_advertise": "192.0.2.1", "freeswitch_ha_vrrp_verto_check": "/bin/true",
                             "freeswitch_ha_db_client_networks": ["172.28.57.0/24"]})
    lab_farm["hosts"]["db2"]["freeswitch_ha_storage_brick_root"] = "/data/bricks"
    plan = farm_plan(lab_farm)
    assert plan["loadbalancers"]["lb2"]["sip_advertise"] == "192.0.2.1"
    assert plan["edge"]["vrrp_track_scripts"][-1] == {"name": "chk_verto", "script": "/bin/true", "timeout": 3}
    assert plan["database"]["pg_hba_clients"] == ["172.28.57.0/24"]
    assert plan["storage"]["brick_roots"]["db2"] == "/data/bricks"


def test_an_inventory_of_one_tier_gets_the_settings_part():
    # what plan.yml adds to a scenario's stand-in plan (molecule/storage: no tenant, no load balancer)
    picture = {"hosts": {"gl1": {"freeswitch_ha_address": "10.0.0.11"}, "gl2": {"freeswitch_ha_address": "10.0.0.12"},
                         "glc1": {"freeswitch_ha_address": "10.0.0.21"}},
               "groups": {"all": ["gl1", "gl2", "glc1"], "storage": ["gl1", "gl2"], "freeswitch": ["glc1"]},
               "vars": {"freeswitch_ha_lab_subnet": "10.0.0.0/24", "freeswitch_ha_storage_replica": 2}}
    plan = farm_plan(picture, check=False, tenants=False)
    assert set(plan) == {"settings", "network", "edge", "database", "storage", "boxes"}
    assert plan["boxes"] == {"glc1": {"install_method": "repo", "switchname": "glc1", "max_sessions": 1000,
                                      "sessions_per_second": 30}}
    assert plan["storage"]["servers"] == ["gl1", "gl2"]
    assert plan["settings"]["freeswitch_ha_storage_replica"] == 2
    assert plan["database"]["servers"] == {}


def test_lab_boxes(lab_farm):
    # the lab's own capacities, its farm-wide install method, the table's defaults for the rest
    boxes = farm_plan(lab_farm)["boxes"]
    assert list(boxes) == ["fs1", "fs2", "fs3", "fs4"]
    assert boxes["fs1"] == {"install_method": "repo", "switchname": "fs1", "max_sessions": 300,
                            "sessions_per_second": SETTINGS["freeswitch_ha_sessions_per_second"].default}
    assert {box: entry["max_sessions"] for box, entry in boxes.items()} == {
        box: lab_farm["hosts"][box].get("freeswitch_ha_max_sessions", SETTINGS["freeswitch_ha_max_sessions"].default)
        for box in boxes}


def test_a_box_setting_wins_over_the_farm_and_the_table(lab_farm):
    lab_farm["vars"]["freeswitch_ha_install_method"] = "source"
    lab_farm["hosts"]["fs2"].update({"freeswitch_ha_install_method": "none", "freeswitch_ha_switchname": "fs-two",
                                     "freeswitch_ha_sessions_per_second": 45})
    for box in ("fs3", "fs4"):  # one capacity kind per tenant: beta's boxes declare none
        lab_farm["hosts"][box].pop("freeswitch_ha_max_sessions", None)
    plan = farm_plan(lab_farm)
    boxes = plan["boxes"]
    assert [boxes[box]["install_method"] for box in boxes] == ["source", "none", "source", "source"]
    assert boxes["fs2"]["switchname"] == "fs-two" and boxes["fs2"]["sessions_per_second"] == 45
    assert boxes["fs3"]["max_sessions"] == boxes["fs4"]["max_sessions"] == SETTINGS["freeswitch_ha_max_sessions"].default
    # the survivor rate of fs2's tenant is its slowest box; the dispatcher names fs2 by its switchname
    assert plan["call_rates"]["survivor_cps"]["alpha"] == 30
    assert [d["duid"] for d in plan["dispatcher"]["alpha"]["destinations"]] == ["fs1", "fs-two"]


def test_the_playbooks_catalogue_entries_of_a_box(lab_farm):
    # freeswitch.yml trusts the from_addresses of the box's freeswitch-sip entry and listens for verto on the
    # port of its freeswitch-verto entry: the load balancers' addresses, then its tenant's VIP and the internal VIP
    plan = farm_plan(lab_farm)
    for box, tenant in plan["box_tenants"].items():
        sip = service(plan["services"], box, "freeswitch-sip")
        assert sip["from_addresses"] == ([lab_farm["hosts"][lb]["freeswitch_ha_address"] for lb in ("lb1", "lb2")]
                                         + [plan["tenants"][tenant]["vip"], plan["internal_vip"]["vip"]])
        assert service(plan["services"], box, "freeswitch-verto")["port"] == plan["verto"][box]["local_port"]


def test_backups_and_restores_are_planned_for_the_backup_node(lab_farm):
    farm = copy.deepcopy(lab_farm)
    farm["vars"].update(freeswitch_ha_db_backup_node="db2", freeswitch_ha_db_backup_cipher_pass="Wq2mT9vLx4RkP7sZa1Nc")
    database = farm_plan(farm)["database"]
    assert database["backups"] == {"db2": {
        "stanza": "freeswitch", "repository": "/var/lib/pgbackrest", "repository_mounted": False, "retention_full": 2,
        "full_schedule": "Sun *-*-* 02:00:00", "diff_schedule": "Mon..Sat *-*-* 02:00:00", "archive_timeout": 60}}
    assert database["restore"] is None and database["reseed"] is None
    assert "Wq2mT9vLx4RkP7sZa1Nc" not in repr(farm_plan(farm))
    farm["vars"]["freeswitch_ha_db_restore_target"] = "latest"
    database = farm_plan(farm)["database"]
    assert database["restore"] == {"node": "db2", "target": "latest", "mode": "standalone"}
    assert database["reseed"] is None
    farm["vars"]["freeswitch_ha_db_restore_mode"] = "member"
    database = farm_plan(farm)["database"]
    assert database["restore"]["mode"] == "member" and database["reseed"] == "db2"


def test_no_backup_node_plans_no_backups(lab_farm):
    database = farm_plan(lab_farm)["database"]
    assert database["backups"] == {} and database["restore"] is None
