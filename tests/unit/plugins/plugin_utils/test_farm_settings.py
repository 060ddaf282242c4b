"""farm_settings: the one table of freeswitch_ha_* variables, and the preflight's unknown-name check."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import farm_settings
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_inventory
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_settings import (
    COLLECTION_FACTS,
    KNOWN,
    REQUIRED,
    SECRETS,
    SETTINGS,
    closest_known,
    plan_settings,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import (
    format_problems,
    inventory_problems,
)

NAME_RE = re.compile(r"freeswitch_ha_\w+")
# Where the collection names its variables. changelogs/ is left out: a fragment
# may name a variable as it was when the fragment was written.
SCANNED = ("roles", "playbooks", "plugins", "inventories", "molecule", "tools", "tests", "docs",
           "README.md", "Makefile", "site.yml", "galaxy.yml", "meta")
# freeswitch_ha_* words that are not variables.
NOT_VARIABLES = {
    "freeswitch_ha_verto": "the nftables table of the verto rules (verto_rules.DEFAULT_TABLE)",
}
# Names the tests misspell to prove the preflight refuses them (tests/bad_inventories.py).
MISSPELLED_ON_PURPOSE = {
    "freeswitch_ha_max_sesions", "freeswitch_ha_rtp_pol", "freeswitch_ha_rtp_rang", "freeswitch_ha_tennants",
    "freeswitch_ha_vrrp_advert_interval", "freeswitch_ha_dbpassword",
}
TABLE = ROOT / "plugins" / "plugin_utils" / "farm_settings.py"


def _scan(exclude=()):
    """{name: first file naming it} over the SCANNED files; a trailing '_' is a prefix (freeswitch_ha_vrrp_*)."""
    found = {}
    for entry in SCANNED:
        top = ROOT / entry
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if path in exclude:
                continue
            data = path.read_bytes()
            if b"\0" in data:
                continue
            for name in NAME_RE.findall(data.decode("utf-8", "replace")):
                if not name.endswith("_"):
                    found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_every_name_the_repository_uses_is_in_the_table():
    found = _scan()
    assert {"freeswitch_ha_rtp_range", "freeswitch_ha_tenants", "freeswitch_ha_lab_subnet"} <= set(found)
    missing = {name: where for name, where in found.items()
               if name not in KNOWN and name not in NOT_VARIABLES and name not in MISSPELLED_ON_PURPOSE}
    assert not missing, f"add these to plugins/plugin_utils/farm_settings.py: {missing}"


def test_every_table_entry_is_used_somewhere():
    # outside the table itself and this file, or a retired variable would stay known forever
    unused = set(SETTINGS) - set(_scan(exclude={TABLE, ROOT / "tests" / "unit" / "plugins" / "plugin_utils"
                                                / "test_farm_settings.py"}))
    assert not unused, f"no file reads these any more: {sorted(unused)}"


def test_entries_have_a_scope_and_a_description():
    for name, setting in SETTINGS.items():
        assert name.startswith("freeswitch_ha_")
        assert setting.scope in ("farm", "host", "farm or host", "run", "lab"), name
        assert setting.description and "\n" not in setting.description, name
        # lab-only variables, and only they, are marked so
        assert (setting.scope == "lab") == name.startswith("freeswitch_ha_lab_"), name
        assert (setting.scope == "lab") == setting.description.startswith("lab-only"), name
    assert not set(SETTINGS) & set(COLLECTION_FACTS)


INLINE_DEFAULT_RE = re.compile(r"\b(freeswitch_ha_\w+)\s*\|\s*default\(((?:[^()]|\([^()]*\))*)\)")
PLAYBOOK_FILES = sorted((ROOT / "playbooks").rglob("*.yml")) + [ROOT / "site.yml"]


def _strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def _inline_defaults(text):
    """[(name, default)] of every `freeswitch_ha_<name> | default(<anything>)` in one template string."""
    return [(name, argument.strip()) for name, argument in INLINE_DEFAULT_RE.findall(text)]


def _placeholder(name):
    """True where an inline default may stay: a placeholder the role or the playbook itself refuses.

    A secret (the token's '' for a repository without auth) is never planned, and a value
    an operation requires (freeswitch_ha_drain_host) has no default to plan.
    """
    return name in SECRETS or SETTINGS[name].default == REQUIRED


def test_the_inline_default_scan_sees_literal_and_computed_defaults():
    assert _inline_defaults("{{ freeswitch_ha_allow_drills | default(false) | bool }}") == [
        ("freeswitch_ha_allow_drills", "false")]
    assert _inline_defaults("farm_{{ freeswitch_ha_switchname | default(inventory_hostname) }}") == [
        ("freeswitch_ha_switchname", "inventory_hostname")]
    assert _inline_defaults("{{ [freeswitch_ha_network | default(freeswitch_ha_lab_subnet)] }}") == [
        ("freeswitch_ha_network", "freeswitch_ha_lab_subnet")]
    assert not _placeholder("freeswitch_ha_switchname") and _placeholder("freeswitch_ha_signalwire_token")


def test_playbooks_have_no_inline_farm_default():
    # the defaults live in the table and reach the playbooks through the plan (settings, boxes, the catalogue)
    found = [(path.name, name, default) for path in PLAYBOOK_FILES
             for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
             for name, default in _inline_defaults(text) if not _placeholder(name)]
    assert not found, f"map the plan's values instead of an inline default: {found}"


@pytest.mark.parametrize(("typo", "meant"), [
    ("freeswitch_ha_max_sesions", "freeswitch_ha_max_sessions"),
    ("freeswitch_ha_rtp_rang", "freeswitch_ha_rtp_range"),
    ("freeswitch_ha_rtp_pol", "freeswitch_ha_rtp_pool"),
    ("freeswitch_ha_tennants", "freeswitch_ha_tenants"),
    ("freeswitch_ha_vrrp_advert_interval", "freeswitch_ha_vrrp_advert_int"),
])
def test_closest_known_name(typo, meant):
    assert closest_known(typo) == meant


def test_misspelled_host_variable_is_refused_with_a_suggestion(lab_farm):
    lab_farm["hosts"]["fs2"]["freeswitch_ha_max_sesions"] = 300
    lines = format_problems(inventory_problems(lab_farm))
    assert lines == [
        "fs2: freeswitch_ha_max_sesions: unknown variable: the collection does not read it, so it has no effect; "
        "did you mean freeswitch_ha_max_sessions? (known names: plugins/plugin_utils/farm_settings.py)"]


def test_unknown_names_are_all_reported_with_the_other_problems(lab_farm):
    lab_farm["vars"]["freeswitch_ha_rtp_pol"] = "20000-29999"
    lab_farm["hosts"]["fs1"]["freeswitch_ha_rtp_rang"] = "20000-20999"
    lab_farm["hosts"]["fs1"]["freeswitch_ha_weight"] = 0
    found = {(p["host"], p["variable"]) for p in inventory_problems(lab_farm)}
    assert {("all", "freeswitch_ha_rtp_pol"), ("fs1", "freeswitch_ha_rtp_rang"), ("fs1", "freeswitch_ha_weight")} <= found


def test_known_names_and_other_prefixes_are_not_refused(lab_farm):
    lab_farm["vars"]["freeswitch_ha_plan"] = {}
    lab_farm["vars"]["ansible_user"] = "deploy"
    lab_farm["hosts"]["fs1"]["freeswitch_ha_storage_brick_root"] = "/srv/b"
    assert farm_settings.check(lab_farm) == []


def test_farm_inventory_keeps_unknown_host_names_without_their_value():
    groups = {"all": ["fs1", "fs2"], "freeswitch": ["fs1", "fs2"]}
    farm_vars = {"freeswitch_ha_dbpassword": "s3cret"}
    hostvars = {
        # inherited from the farm-wide variables: reported once, for all
        "fs1": {"freeswitch_ha_address": "10.0.0.1", "freeswitch_ha_dbpassword": "s3cret"},
        # set again on the host (or its group) with another value: reported for the host too
        "fs2": {"freeswitch_ha_address": "10.0.0.2", "freeswitch_ha_dbpassword": "other",
                "freeswitch_ha_max_sesions": 10},
    }
    picture = farm_inventory(groups, hostvars, farm_vars)
    assert picture["hosts"] == {
        "fs1": {"freeswitch_ha_address": "10.0.0.1"},
        "fs2": {"freeswitch_ha_address": "10.0.0.2", "freeswitch_ha_dbpassword": None,
                "freeswitch_ha_max_sesions": None},
    }
    assert [(p["host"], p["variable"]) for p in farm_settings.check(picture)] == [
        ("all", "freeswitch_ha_dbpassword"), ("fs2", "freeswitch_ha_dbpassword"), ("fs2", "freeswitch_ha_max_sesions")]


def test_plan_settings_apply_the_defaults_and_leave_secrets_out(lab_farm):
    settings = plan_settings(lab_farm["vars"])
    assert settings["freeswitch_ha_sip_failover_timer_ms"] == 1000  # the lab's own value
    assert settings["freeswitch_ha_vrrp_advert_int"] == SETTINGS["freeswitch_ha_vrrp_advert_int"].default
    assert settings["freeswitch_ha_sip_advertise"] is None  # derived by the plan
    assert not set(settings) & SECRETS
    assert "freeswitch_ha_tenants" not in settings and "freeswitch_ha_drain_host" not in settings
    assert "freeswitch_ha_lab_subnet" not in settings
    # a default is a copy: changing one plan's list leaves the table alone
    settings["freeswitch_ha_relay_networks"].append("192.0.2.0/24")
    assert SETTINGS["freeswitch_ha_relay_networks"].default == []


def test_a_farm_wide_setting_on_one_host_is_refused():
    groups = {"all": ["lb1", "lb2"], "loadbalancers": ["lb1", "lb2"]}
    farm_vars = {"freeswitch_ha_vrrp_interface": "eth0", "freeswitch_ha_db_password": "Zq8v1nRkT0pXa2"}
    hostvars = {
        "lb1": {"freeswitch_ha_address": "10.0.0.1", "freeswitch_ha_vrrp_interface": "eth0"},  # inherited
        "lb2": {"freeswitch_ha_address": "10.0.0.2", "freeswitch_ha_vrrp_interface": "ens3",  # group_vars/lb2
                "freeswitch_ha_db_password": "other"},  # secrets are read on each host: not refused
    }
    picture = farm_inventory(groups, hostvars, farm_vars)
    assert picture["hosts"]["lb2"] == {"freeswitch_ha_address": "10.0.0.2", "freeswitch_ha_vrrp_interface": None}
    assert format_problems(farm_settings.check(picture)) == [
        "lb2: freeswitch_ha_vrrp_interface: is a farm-wide setting: set it once for the whole farm (group_vars/all); "
        "the plan reads it for the farm, so a value for one host or group has no effect"]
