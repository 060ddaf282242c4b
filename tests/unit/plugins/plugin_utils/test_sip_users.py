"""sip_users: the farm's users, checked before any host changes and planned per box without passwords."""

from __future__ import annotations

import json

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import sip_users
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import inventory_problems

PASSWORD = "Vq8-rT2mZk4pLs9w"


def _users(*entries):
    return [dict(zip(("user", "domain", "password"), entry)) for entry in entries]


def _problems(farm):
    return [(p["host"], p["variable"], p["message"]) for p in sip_users.check(farm)]


def test_users_of_both_tenants_are_clean(lab_farm):
    lab_farm["vars"]["freeswitch_ha_sip_users"] = _users(
        ("1001", "alpha.lab.invalid", PASSWORD), (1002, "ALPHA.lab.invalid", PASSWORD + "x"),
        ("1001", "beta.lab.invalid", PASSWORD))
    assert sip_users.check(lab_farm) == []
    assert inventory_problems(lab_farm) == []


def test_no_users_is_clean(lab_farm):
    lab_farm["vars"].pop("freeswitch_ha_sip_users", None)
    assert sip_users.check(lab_farm) == []


@pytest.mark.parametrize("entry, variable, words", [
    (("1001", "alpha.lab.invalid", ""), "freeswitch_ha_sip_users[0].password", "secret is missing"),
    (("1001", "alpha.lab.invalid", None), "freeswitch_ha_sip_users[0].password", "secret is missing"),
    (("1001", "alpha.lab.invalid", "changeme"), "freeswitch_ha_sip_users[0].password", "example value"),
    (("1001", "gamma.lab.invalid", PASSWORD), "freeswitch_ha_sip_users[0].domain", "not a SIP domain the farm serves"),
    (("10 01", "alpha.lab.invalid", PASSWORD), "freeswitch_ha_sip_users[0].user", "is not a user name"),
    (("<x>", "alpha.lab.invalid", PASSWORD), "freeswitch_ha_sip_users[0].user", "is not a user name"),
    ((True, "alpha.lab.invalid", PASSWORD), "freeswitch_ha_sip_users[0].user", "is not a user name"),
])
def test_a_bad_entry_is_named(lab_farm, entry, variable, words):
    lab_farm["vars"]["freeswitch_ha_sip_users"] = _users(entry)
    [(host, found, message)] = _problems(lab_farm)
    assert (host, found) == ("all", variable)
    assert words in message


def test_a_password_is_never_quoted(lab_farm):
    lab_farm["vars"]["freeswitch_ha_sip_users"] = _users(("bad user", "gamma.invalid", "example-Secret-42"))
    problems = sip_users.check(lab_farm)
    assert len(problems) == 3
    assert "example-Secret-42" not in json.dumps(problems)


def test_a_duplicate_user_names_the_first(lab_farm):
    lab_farm["vars"]["freeswitch_ha_sip_users"] = _users(
        ("1001", "alpha.lab.invalid", PASSWORD), ("1001", "Alpha.Lab.Invalid", PASSWORD + "y"))
    assert _problems(lab_farm) == [("all", "freeswitch_ha_sip_users[1]",
                                    "user 1001@Alpha.Lab.Invalid is already freeswitch_ha_sip_users[0]")]


@pytest.mark.parametrize("users, words", [
    ({"user": "1001"}, "is not a list"),
    ("1001", "is not a list"),
])
def test_not_a_list(lab_farm, users, words):
    lab_farm["vars"]["freeswitch_ha_sip_users"] = users
    [(host, variable, message)] = _problems(lab_farm)
    assert (host, variable) == ("all", "freeswitch_ha_sip_users") and words in message


def test_an_entry_that_is_no_mapping_and_unknown_keys(lab_farm):
    lab_farm["vars"]["freeswitch_ha_sip_users"] = [
        "1001", {"user": "1002", "domain": "alpha.lab.invalid", "password": PASSWORD, "pasword": "x"}]
    assert _problems(lab_farm) == [
        ("all", "freeswitch_ha_sip_users[0]", "is not a mapping of user, domain and password"),
        ("all", "freeswitch_ha_sip_users[1]", "unknown keys pasword (known: user, domain, password)"),
    ]


def test_the_plan_gives_each_box_its_tenants_users_without_passwords(lab_farm):
    lab_farm["vars"]["freeswitch_ha_sip_users"] = _users(
        ("1001", "ALPHA.lab.invalid", PASSWORD), ("2001", "beta.lab.invalid", PASSWORD + "b"), (1002, "alpha.lab.invalid", PASSWORD))
    plan = farm_plan(lab_farm)
    alpha = [{"index": 0, "user": "1001", "domain": "alpha.lab.invalid"},
             {"index": 2, "user": "1002", "domain": "alpha.lab.invalid"}]
    beta = [{"index": 1, "user": "2001", "domain": "beta.lab.invalid"}]
    assert plan["sip_users"] == {"fs1": alpha, "fs2": alpha, "fs3": beta, "fs4": beta}
    assert PASSWORD not in json.dumps(plan)


def test_the_plan_leaves_out_what_the_preflight_refuses(lab_farm):
    lab_farm["vars"]["freeswitch_ha_sip_users"] = ["1001", {"user": "1003", "domain": "nowhere.invalid"}]
    assert farm_plan(lab_farm, check=False)["sip_users"] == {"fs1": [], "fs2": [], "fs3": [], "fs4": []}
