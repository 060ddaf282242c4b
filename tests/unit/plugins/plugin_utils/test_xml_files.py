"""xml_files: the operator's own FreeSWITCH XML files, checked before any host changes and planned per box."""

from __future__ import annotations

import json

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import xml_files
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import inventory_problems

EXTENSION = """<include>
  <extension name="sales">
    <condition field="destination_number" expression="^7000$">
      <action application="transfer" data="7000 XML sales"/>
    </condition>
  </extension>
</include>
"""
CONTEXT = '<include>\n  <context name="sales">\n    <extension name="x"/>\n  </context>\n</include>\n'
USERS = ('<include>\n  <user id="3001">\n    <params><param name="a1-hash" value="5f4dcc3b5aa765d61d8327deb882cf99"/>'
         '</params>\n  </user>\n</include>\n')
MODULE = '<include>\n  <configuration name="cdr_csv.conf" description="CDR CSV">\n  </configuration>\n</include>\n'


def _problems(farm):
    return [(p["host"], p["variable"], p["message"]) for p in xml_files.check(farm)]


def _with(farm, *entries):
    farm["vars"]["freeswitch_ha_xml_files"] = list(entries)
    return farm


def test_a_file_of_every_area_is_clean(lab_farm):
    _with(lab_farm, {"path": "dialplan/extensions/sales.xml", "content": EXTENSION, "tenant": "alpha"},
          {"path": "dialplan/sales.xml", "content": CONTEXT, "tenant": "alpha"},
          {"path": "directory/alpha.lab.invalid/3001.xml", "content": USERS},
          {"path": "autoload_configs/cdr_csv.conf.xml", "content": MODULE})
    assert xml_files.check(lab_farm) == []
    assert inventory_problems(lab_farm) == []


def test_no_files_is_clean(lab_farm):
    lab_farm["vars"].pop("freeswitch_ha_xml_files", None)
    assert xml_files.check(lab_farm) == []


@pytest.mark.parametrize("entry, variable, words", [
    ({"path": "sip_profiles/mine.xml", "content": EXTENSION}, "[0].path", "is in no area FreeSWITCH includes"),
    ({"path": "dialplan/../vars.xml", "content": EXTENSION}, "[0].path", "is in no area"),
    ({"path": "/etc/freeswitch/dialplan/x.xml", "content": CONTEXT}, "[0].path", "is in no area"),
    ({"path": "dialplan/x.txt", "content": CONTEXT}, "[0].path", "is in no area"),
    ({"path": "directory/gamma.lab.invalid/u.xml", "content": USERS}, "[0].path", "not a SIP domain the farm serves"),
    ({"path": "directory/beta.lab.invalid/u.xml", "content": USERS, "tenant": "alpha"}, "[0].path",
     "is a domain of tenant beta, not of alpha"),
    ({"path": "directory/ALPHA.lab.invalid/u.xml", "content": USERS}, "[0].path",
     "'ALPHA.lab.invalid': spell the domain as the farm does (alpha.lab.invalid)"),
    ({"path": "dialplan/x.xml", "content": CONTEXT, "tenant": "gamma"}, "[0].tenant", "is not a tenant of the farm"),
    ({"path": "dialplan/x.xml", "content": "<include>\n  <context name='x'>\n</include>\n"}, "[0].content",
     "does not parse as XML (mismatched tag: line 3, column 2)"),
    ({"path": "dialplan/x.xml", "content": None}, "[0].content", "is not a string"),
    ({"path": "dialplan/x.xml", "content": '<context name="x"/>'}, "[0].content", "the root element is <context>"),
    ({"path": "dialplan/x.xml", "content": '<include><context name="x"/></include>'}, "[0].content",
     "line 1: an <include> tag shares its line"),
    ({"path": "dialplan/extensions/x.xml", "content": CONTEXT}, "[0].content",
     "<context> is no element of extensions of the box's context (expected <extension>)"),
    ({"path": "directory/alpha.lab.invalid/x.xml", "content": EXTENSION}, "[0].content",
     "(expected <user> or <group>)"),
    ({"path": "dialplan/x.xml", "content": CONTEXT, "owner": "me"}, "[0]", "unknown keys owner"),
])
def test_a_bad_entry_is_named(lab_farm, entry, variable, words):
    _with(lab_farm, entry)
    [(host, found, message)] = _problems(lab_farm)
    assert (host, found) == ("all", "freeswitch_ha_xml_files" + variable)
    assert words in message


def test_preprocessor_lines_are_allowed_in_every_area(lab_farm):
    content = '<include>\n  <X-PRE-PROCESS cmd="set" data="sales_queue=7000"/>\n' + CONTEXT.split("\n", 1)[1]
    _with(lab_farm, {"path": "dialplan/x.xml", "content": content})
    assert xml_files.check(lab_farm) == []


def test_the_content_is_never_quoted(lab_farm):
    secret = "Vq8-rT2mZk4pLs9w"
    _with(lab_farm, {"path": "directory/alpha.lab.invalid/x.xml",
                     "content": f'<include>\n<user id="1"><param name="password" value="{secret}"/></include>\n'})
    problems = xml_files.check(lab_farm)
    assert problems and secret not in json.dumps(problems)


def test_the_same_path_twice_on_the_same_boxes_names_the_first(lab_farm):
    _with(lab_farm, {"path": "dialplan/x.xml", "content": CONTEXT, "tenant": "alpha"},
          {"path": "dialplan/x.xml", "content": CONTEXT, "tenant": "beta"},
          {"path": "dialplan/x.xml", "content": CONTEXT})
    assert _problems(lab_farm) == [
        ("all", "freeswitch_ha_xml_files[2]", "dialplan/x.xml is already freeswitch_ha_xml_files[0] on the same boxes")]


def test_a_bad_entry_stops_the_plan(lab_farm):
    _with(lab_farm, {"path": "dialplan/x.xml", "content": "<include>"})
    assert any(p["variable"] == "freeswitch_ha_xml_files[0].content" for p in inventory_problems(lab_farm))


def test_the_plan_gives_each_box_its_files_by_index_without_content(lab_farm):
    _with(lab_farm, {"path": "dialplan/extensions/sales.xml", "content": EXTENSION, "tenant": "alpha"},
          {"path": "directory/beta.lab.invalid/3001.xml", "content": USERS},
          {"path": "autoload_configs/cdr_csv.conf.xml", "content": MODULE})
    plan = farm_plan(lab_farm)
    alpha = [{"index": 0, "path": "dialplan/extensions/sales.xml"}, {"index": 2, "path": "autoload_configs/cdr_csv.conf.xml"}]
    beta = [{"index": 1, "path": "directory/beta.lab.invalid/3001.xml"},
            {"index": 2, "path": "autoload_configs/cdr_csv.conf.xml"}]
    assert plan["xml_files"] == {"fs1": alpha, "fs2": alpha, "fs3": beta, "fs4": beta}
    assert "<include>" not in json.dumps(plan)


def test_no_files_plans_empty_lists(lab_farm):
    lab_farm["vars"].pop("freeswitch_ha_xml_files", None)
    assert farm_plan(lab_farm, check=False)["xml_files"] == {"fs1": [], "fs2": [], "fs3": [], "fs4": []}
