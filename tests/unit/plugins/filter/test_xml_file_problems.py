"""The xml_file_problems filter: the preflight's XML file rule for the freeswitch role (rule tested in plugin_utils)."""

from __future__ import annotations

from .filter_harness import get_filter, plugin_file_problems

NAME = "xml_file_problems"
USERS = '<include>\n  <user id="3001"/>\n</include>\n'


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_sound_files_have_no_problem():
    files = [{"path": "directory/Alpha.lab.invalid/3001.xml", "content": USERS}]
    assert get_filter(NAME)(files, ["Alpha.lab.invalid"]) == []
    assert get_filter(NAME)(files, ["alpha.lab.invalid"]) == [
        "freeswitch_xml_files[0].path: 'Alpha.lab.invalid': spell the domain as the farm does (alpha.lab.invalid)"]
    assert get_filter(NAME)([], ["alpha.lab.invalid"]) == []


def test_messages_name_the_role_variable():
    files = [{"path": "directory/beta.lab.invalid/3001.xml", "content": USERS},
             {"path": "directory/beta.lab.invalid/3001.xml", "content": "<include>"}]
    assert get_filter(NAME)(files, ["alpha.lab.invalid"]) == [
        "freeswitch_xml_files[0].path: 'beta.lab.invalid' is not a SIP domain the farm serves (alpha.lab.invalid)",
        "freeswitch_xml_files[1].path: 'beta.lab.invalid' is not a SIP domain the farm serves (alpha.lab.invalid)",
        "freeswitch_xml_files[1].content: does not parse as XML (no element found: line 1, column 9)",
        "freeswitch_xml_files[1]: directory/beta.lab.invalid/3001.xml is already freeswitch_xml_files[0] on the same boxes",
    ]
