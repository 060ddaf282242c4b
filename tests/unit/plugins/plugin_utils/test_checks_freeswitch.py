"""checks_freeswitch: the FreeSWITCH tier's preflight checks."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import checks_freeswitch
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import (
    format_problems,
    inventory_problems,
)

TOKEN = "pat_Zk3uV9qLm2Rw8sT1yB4n"


@pytest.fixture
def signalwire_farm(lab_farm):
    """The lab farm with SignalWire's repository (the lab's own needs no token)."""
    lab_farm["vars"].pop("freeswitch_ha_repo_auth", None)
    return lab_farm


def _only(problems, host, variable):
    return [p["message"] for p in problems if p["host"] == host and p["variable"] == variable]


@pytest.mark.parametrize("settings", [
    {},
    {"freeswitch_ha_install_method": "none"},
    {"freeswitch_ha_install_method": "source"},
    {"freeswitch_ha_install_method": "repo", "freeswitch_ha_signalwire_token": TOKEN},
    {"freeswitch_ha_db_haproxy_port": 5432},
])
def test_sound_settings_are_clean(lab_farm, settings):
    lab_farm["vars"].update(settings)
    assert checks_freeswitch.check(lab_farm) == []


def test_missing_token_with_method_repo(signalwire_farm):
    signalwire_farm["vars"]["freeswitch_ha_install_method"] = "repo"
    [message] = _only(checks_freeswitch.check(signalwire_farm), "all", "freeswitch_ha_signalwire_token")
    assert "is required by install method repo (fs1, fs2, fs3, fs4)" in message


def test_missing_token_for_one_host_set_to_repo(signalwire_farm):
    signalwire_farm["vars"]["freeswitch_ha_install_method"] = "none"
    signalwire_farm["hosts"]["fs3"]["freeswitch_ha_install_method"] = "repo"
    [message] = _only(checks_freeswitch.check(signalwire_farm), "all", "freeswitch_ha_signalwire_token")
    assert "(fs3)" in message


def test_a_repository_without_auth_needs_no_token(lab_farm):
    lab_farm["vars"].update(freeswitch_ha_install_method="repo", freeswitch_ha_repo_auth=False)
    assert checks_freeswitch.check(lab_farm) == []
    lab_farm["vars"]["freeswitch_ha_repo_auth"] = True
    assert _only(checks_freeswitch.check(lab_farm), "all", "freeswitch_ha_signalwire_token")
    lab_farm["vars"]["freeswitch_ha_repo_auth"] = "no"
    assert _only(checks_freeswitch.check(lab_farm), "all", "freeswitch_ha_repo_auth") == ["'no' is not true or false"]


def test_lab_method_none_needs_no_token(lab_farm):
    assert checks_freeswitch.check(lab_farm) == []


def test_unset_method_is_repo_and_needs_a_token(signalwire_farm):
    del signalwire_farm["vars"]["freeswitch_ha_install_method"]
    assert _only(checks_freeswitch.check(signalwire_farm), "all", "freeswitch_ha_signalwire_token")


@pytest.mark.parametrize("token", ["changeme", "example-token", "<your token>"])
def test_example_token(signalwire_farm, token):
    signalwire_farm["vars"].update(freeswitch_ha_install_method="repo", freeswitch_ha_signalwire_token=token)
    [message] = _only(checks_freeswitch.check(signalwire_farm), "all", "freeswitch_ha_signalwire_token")
    assert "example value" in message
    assert token not in message


def test_unknown_method_farm_wide_and_per_host(lab_farm):
    lab_farm["vars"]["freeswitch_ha_install_method"] = "apt"
    lab_farm["hosts"]["fs2"]["freeswitch_ha_install_method"] = "docker"
    problems = checks_freeswitch.check(lab_farm)
    assert "'apt' is not an install method" in _only(problems, "all", "freeswitch_ha_install_method")[0]
    assert "'docker' is not an install method" in _only(problems, "fs2", "freeswitch_ha_install_method")[0]


@pytest.mark.parametrize("password", ["pa:ss9Xq2", 'pa"ss9Xq2', "pa<ss9Xq2", "pa&ss9Xq2", "pa ss9Xq2"])
def test_password_that_breaks_the_dsn(lab_farm, password):
    lab_farm["vars"]["freeswitch_ha_db_password"] = password
    [message] = _only(checks_freeswitch.check(lab_farm), "all", "freeswitch_ha_db_password")
    assert "breaks the FreeSWITCH DSN" in message
    assert password not in message


def test_esl_password_checked_too(lab_farm):
    lab_farm["vars"]["freeswitch_ha_esl_password"] = "a<b>c9Xq2"
    assert _only(checks_freeswitch.check(lab_farm), "all", "freeswitch_ha_esl_password")


@pytest.mark.parametrize("port", [0, 70000, "5432", True])
def test_bad_haproxy_port(lab_farm, port):
    lab_farm["vars"]["freeswitch_ha_db_haproxy_port"] = port
    assert _only(checks_freeswitch.check(lab_farm), "all", "freeswitch_ha_db_haproxy_port")


def test_example_db_password_is_caught_by_the_shared_preflight(lab_farm):
    # "a DSN password left at an example value": the shared secret check covers it
    lab_farm["vars"]["freeswitch_ha_db_password"] = "example-db-password"
    lines = format_problems(inventory_problems(lab_farm))
    assert any(line.startswith("all: freeswitch_ha_db_password: secret is still an example value") for line in lines)


def test_overlapping_rtp_ranges_are_caught_by_the_shared_preflight(lab_farm):
    lab_farm["hosts"]["fs1"]["freeswitch_ha_rtp_range"] = "20000-20999"
    lab_farm["hosts"]["fs2"]["freeswitch_ha_rtp_range"] = "20500-21499"
    lines = format_problems(inventory_problems(lab_farm))
    assert "fs2: freeswitch_ha_rtp_range: 20500-21499 overlaps fs1's RTP range 20000-20999" in lines


def test_not_a_mapping():
    assert checks_freeswitch.check(None) == []


def test_registered_in_the_preflight():
    from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import HOST_VARS
    from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import TIER_CHECKS
    assert checks_freeswitch.check in TIER_CHECKS
    assert "freeswitch_ha_install_method" in HOST_VARS
