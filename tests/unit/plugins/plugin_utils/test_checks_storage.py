"""checks_storage: the storage tier's preflight checks."""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_storage import check
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import storage_servers


def farm(storage=("db1", "db2", "st3"), clients=("fs1", "fs2"), **farm_vars):
    hosts = {h: {"freeswitch_ha_address": f"10.0.0.{i + 10}"} for i, h in enumerate(("db1", "db2", "st3") + tuple(clients))}
    groups = {"all": list(hosts), "databases": ["db1", "db2"], "freeswitch": list(clients)}
    if storage is not None:
        groups["storage"] = list(storage)
    return {"hosts": hosts, "groups": groups, "vars": dict(farm_vars)}


def found(problems, host, variable, fragment):
    return any(p["host"] == host and p["variable"] == variable and fragment in p["message"] for p in problems)


def test_three_servers_replica3_arbiter_is_fine():
    assert check(farm()) == []


def test_storage_defaults_to_the_database_nodes():
    picture = farm(storage=None)
    assert storage_servers(picture["groups"]) == ["db1", "db2"]
    assert found(check(picture), "storage", "members", "2 storage host(s) (db1, db2) for replica 3 arbiter 1")


def test_fewer_storage_nodes_than_replica():
    problems = check(farm(storage=("db1", "db2")))
    assert found(problems, "storage", "members", "a volume needs 3 servers")
    assert check(farm(storage=("db1", "db2"), freeswitch_ha_storage_replica=2, freeswitch_ha_storage_arbiter=False)) == []


def test_not_a_multiple_of_the_replica():
    picture = farm(storage=("db1", "db2", "st3", "fs1"), clients=("fs2",))
    assert found(check(picture), "storage", "members", "not a multiple of the replica count 3")


def test_bad_replica_and_arbiter():
    assert found(check(farm(freeswitch_ha_storage_replica=4)), "all", "freeswitch_ha_storage_replica", "must be 2 or 3")
    assert found(check(farm(freeswitch_ha_storage_replica=True)), "all", "freeswitch_ha_storage_replica", "must be 2 or 3")
    assert found(check(farm(freeswitch_ha_storage_replica=2)), "all", "freeswitch_ha_storage_arbiter", "needs replica 3")
    assert found(check(farm(freeswitch_ha_storage_arbiter="yes")), "all", "freeswitch_ha_storage_arbiter", "true or false")


def test_brick_path_on_a_client_only_host():
    picture = farm()
    picture["hosts"]["fs1"]["freeswitch_ha_storage_brick_root"] = "/data/bricks"
    problems = check(picture)
    assert found(problems, "fs1", "freeswitch_ha_storage_brick_root", "not a storage server (client only)")
    assert len(problems) == 1


def test_brick_path_inherited_from_group_vars_all_is_not_a_client_problem():
    picture = farm(freeswitch_ha_storage_brick_root="/data/bricks")
    for host in picture["hosts"].values():
        host["freeswitch_ha_storage_brick_root"] = "/data/bricks"
    assert check(picture) == []


def test_brick_path_must_be_absolute():
    picture = farm()
    picture["hosts"]["st3"]["freeswitch_ha_storage_brick_root"] = "bricks"
    assert found(check(picture), "st3", "freeswitch_ha_storage_brick_root", "absolute directory")
    picture["hosts"]["st3"]["freeswitch_ha_storage_brick_root"] = "/"
    assert found(check(picture), "st3", "freeswitch_ha_storage_brick_root", "absolute directory")


def test_volume_list():
    good = [{"name": "rec", "path": "/var/lib/freeswitch/recordings"}, {"name": "vm", "path": "/var/lib/freeswitch/storage"}]
    assert check(farm(freeswitch_ha_storage_volumes=good)) == []
    assert found(check(farm(freeswitch_ha_storage_volumes=[])), "all", "freeswitch_ha_storage_volumes", "non-empty")
    bad = [{"name": "rec ordings", "path": "/a"}, {"name": "vm", "path": "relative"}, {"name": "vm", "path": "/b"},
           {"name": "sub", "path": "/a/b"}, "oops"]
    problems = check(farm(freeswitch_ha_storage_volumes=bad))
    assert found(problems, "all", "freeswitch_ha_storage_volumes[0].name", "not a volume name")
    assert found(problems, "all", "freeswitch_ha_storage_volumes[1].path", "absolute directory")
    assert found(problems, "all", "freeswitch_ha_storage_volumes[2].name", "listed twice")
    assert found(problems, "all", "freeswitch_ha_storage_volumes[3].path", "overlaps the mount point /a of volume")
    assert found(problems, "all", "freeswitch_ha_storage_volumes[4]", "must be a mapping")
