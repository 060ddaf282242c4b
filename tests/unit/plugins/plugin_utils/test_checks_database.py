"""checks_database: the database tier's preflight problems, each naming host and variable."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import checks_database
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import db_clients
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import inventory_problems


def _with(farm, **farm_vars):
    farm = copy.deepcopy(farm)
    farm["vars"].update(farm_vars)
    return farm


def _names(problems):
    return [(p["host"], p["variable"]) for p in problems]


def test_lab_farm_is_clean(lab_farm):
    assert checks_database.check(lab_farm) == []


def test_registered_with_the_preflight(lab_farm):
    problems = inventory_problems(_with(lab_farm, freeswitch_ha_postgresql_version=9))
    assert ("all", "freeswitch_ha_postgresql_version") in _names(problems)


@pytest.mark.parametrize(("farm_vars", "variable", "fragment"), [
    ({"freeswitch_ha_postgresql_version": 9}, "freeswitch_ha_postgresql_version", "no supported multi-master engine"),
    ({"freeswitch_ha_postgresql_version": "latest"}, "freeswitch_ha_postgresql_version", "not a PostgreSQL major version"),
    ({"freeswitch_ha_postgresql_version": 15, "freeswitch_ha_db_engine": "native"}, "freeswitch_ha_db_engine",
     "does not run on PostgreSQL 15"),
    ({"freeswitch_ha_db_engine": "bdr"}, "freeswitch_ha_db_engine", "not one of auto, pglogical, native"),
    ({"freeswitch_ha_db_haproxy_group": "db_proxies"}, "freeswitch_ha_db_haproxy_group", "has no host"),
    ({"freeswitch_ha_db_client_networks": "172.28.57.0/24"}, "freeswitch_ha_db_client_networks", "must be a list"),
    ({"freeswitch_ha_db_client_networks": ["172.28.57.0/33"]}, "freeswitch_ha_db_client_networks", "not a network"),
])
def test_farm_wide_problems(lab_farm, farm_vars, variable, fragment):
    problems = checks_database.check(_with(lab_farm, **farm_vars))
    assert [p for p in problems if p["host"] == "all" and p["variable"] == variable and fragment in p["message"]], problems


def test_freeswitch_host_missing_from_pg_hba_networks(lab_farm):
    problems = checks_database.check(_with(lab_farm, freeswitch_ha_db_client_networks=["172.28.57.16/29"]))
    assert _names(problems) == [("fs4", "freeswitch_ha_address")]
    assert "FreeSWITCH host 172.28.57.24 is in none of freeswitch_ha_db_client_networks" in problems[0]["message"]
    assert "pg_hba would refuse it" in problems[0]["message"]
    assert checks_database.check(_with(lab_farm, freeswitch_ha_db_client_networks=["172.28.57.16/28"])) == []


def test_dedicated_haproxy_hosts_must_be_covered_too(lab_farm):
    farm = _with(lab_farm, freeswitch_ha_db_haproxy_group="lab_clients", freeswitch_ha_db_client_networks=["172.28.57.16/28"])
    problems = checks_database.check(farm)
    assert _names(problems) == [("client1", "freeswitch_ha_address")]
    assert problems[0]["message"].startswith("HAProxy host 172.28.57.41")
    assert db_clients(farm["groups"], farm["vars"]) == ["fs1", "fs2", "fs3", "fs4", "client1"]


@pytest.mark.parametrize(("case", "host", "variable", "fragment"), [
    ("one_database_node", "databases", "members", "two database nodes"),
    ("example_secret_changeme", "all", "freeswitch_ha_db_password", "example value"),
    ("example_secret_prefix", "all", "freeswitch_ha_replication_password", "example value"),
])
def test_common_checks_cover_the_rest_of_the_issue(lab_farm, case, host, variable, fragment):
    from bad_inventories import CASES, mutated
    mutation = {c[0]: c[1] for c in CASES}[case]
    problems = inventory_problems(mutated(lab_farm, mutation))
    assert [p for p in problems if p["host"] == host and p["variable"] == variable and fragment in p["message"]]


BACKUP = {"freeswitch_ha_db_backup_node": "db2", "freeswitch_ha_db_backup_cipher_pass": "Wq2mT9vLx4RkP7sZa1Nc"}


def test_backup_settings_that_pass(lab_farm):
    assert checks_database.check(_with(lab_farm, **BACKUP)) == []
    assert checks_database.check(_with(lab_farm, **BACKUP, freeswitch_ha_db_restore_target="latest",
                                       freeswitch_ha_db_restore_mode="member")) == []
    assert checks_database.check(_with(lab_farm, **BACKUP,
                                       freeswitch_ha_db_restore_target="2026-12-01 09:30:00+00")) == []


@pytest.mark.parametrize(("farm_vars", "variable", "fragment"), [
    ({"freeswitch_ha_db_backup_cipher_pass": "changeme-please-soon-now"}, "freeswitch_ha_db_backup_cipher_pass",
     "not an example value"),
    ({"freeswitch_ha_db_backup_cipher_pass": "short"}, "freeswitch_ha_db_backup_cipher_pass", "at least 20"),
    ({"freeswitch_ha_db_backup_repository": "/"}, "freeswitch_ha_db_backup_repository", "absolute directory below /"),
    ({"freeswitch_ha_db_backup_retention_full": 0}, "freeswitch_ha_db_backup_retention_full", "at least 1"),
    ({"freeswitch_ha_db_backup_retention_full": True}, "freeswitch_ha_db_backup_retention_full", "whole number"),
    ({"freeswitch_ha_db_archive_timeout": "60s"}, "freeswitch_ha_db_archive_timeout", "whole number of seconds"),
    ({"freeswitch_ha_db_backup_full_schedule": ""}, "freeswitch_ha_db_backup_full_schedule", "OnCalendar"),
    ({"freeswitch_ha_db_restore_target": "yesterday"}, "freeswitch_ha_db_restore_target", "neither 'latest'"),
    ({"freeswitch_ha_db_restore_target": "latest", "freeswitch_ha_db_restore_mode": "replace"},
     "freeswitch_ha_db_restore_mode", "not one of standalone, member"),
    ({"freeswitch_ha_db_restore_target": "latest", "freeswitch_ha_db_reseed": "db1"},
     "freeswitch_ha_db_reseed", "a restore and a re-seed in one run"),
])
def test_backup_and_restore_problems(lab_farm, farm_vars, variable, fragment):
    problems = checks_database.check(_with(lab_farm, **{**BACKUP, **farm_vars}))
    assert [p for p in problems if p["host"] == "all" and p["variable"] == variable and fragment in p["message"]], problems


def test_backup_settings_are_ignored_without_a_backup_node(lab_farm):
    assert checks_database.check(_with(lab_farm, freeswitch_ha_db_backup_retention_full=0)) == []


@pytest.mark.parametrize(("value", "fine"), [
    ("latest", True), ("2026-12-01 09:30:00+00:00", True), ("2026-12-01T09:30:00.5+01:00", True),
    ("2026-12-01 09:30:00", False), ("now", False), (20261201, False),
])
def test_restore_target_problem(value, fine):
    assert (checks_database.restore_target_problem(value) is None) == fine
