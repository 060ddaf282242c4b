"""The farm_inventory filter: plugin_utils.farm_plan.farm_inventory registered as a filter (tested through it here)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from .filter_harness import get_filter, plugin_file_problems

NAME = "farm_inventory"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_the_lab_picture_comes_back_from_groups_and_hostvars(lab_farm):
    picture = get_filter(NAME)(lab_farm["groups"], lab_farm["hosts"], lab_farm["vars"])
    assert picture == lab_farm
    assert picture["hosts"]["fs1"] == {"freeswitch_ha_address": "172.28.57.21", "freeswitch_ha_max_sessions": 300}


def test_only_what_the_plan_reads_is_copied(lab_farm):
    hostvars = {host: dict(hvars, ansible_host="10.9.9.9") for host, hvars in lab_farm["hosts"].items()}
    hostvars["fs1"].update(freeswitch_ha_db_password="Zq8v1nRkT0pXa2-host", freeswitch_ha_max_sesions=50)
    picture = get_filter(NAME)(lab_farm["groups"], hostvars, dict(lab_farm["vars"], ansible_user="root"))
    assert "ansible_host" not in picture["hosts"]["lb1"]
    assert "freeswitch_ha_db_password" not in picture["hosts"]["fs1"]
    # an unknown name keeps its name (the preflight names it), never its value (it may be a misspelled secret)
    assert picture["hosts"]["fs1"]["freeswitch_ha_max_sesions"] is None
    assert "ansible_user" not in picture["vars"]


def test_a_group_member_without_hostvars_gets_an_empty_entry():
    picture = get_filter(NAME)({"freeswitch": ["fs9"]}, {})
    assert picture == {"hosts": {"fs9": {}}, "groups": {"freeswitch": ["fs9"]}, "vars": {}}


@pytest.mark.parametrize(("args", "message"), [
    ((["fs1"], {}), "the input must be Ansible's groups"),
    (({"freeswitch": ["fs1"]}, {}, ["freeswitch_ha_network"]), "farm_vars must be a mapping"),
])
def test_bad_arguments_become_filter_errors(args, message):
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: {message}"):
        get_filter(NAME)(*args)
