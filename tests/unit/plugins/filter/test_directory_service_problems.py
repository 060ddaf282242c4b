"""The directory_service_problems filter: the preflight's directory service rule for the freeswitch role."""

from __future__ import annotations

from .filter_harness import get_filter, plugin_file_problems

NAME = "directory_service_problems"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_messages_name_the_role_variables_or_the_given_ones():
    values = {"url": "http://172.28.66.31:8095/", "timeout": 5, "credentials": "", "cacert_file": ""}
    [message] = get_filter(NAME)(values)
    assert message.startswith("freeswitch_xml_curl_url: plain http to 172.28.66.31")
    [message] = get_filter(NAME)(values, {"url": "directory_url"})
    assert message.startswith("directory_url: plain http")
    assert get_filter(NAME)({"url": "", "timeout": 5, "credentials": "", "cacert_file": ""}) == []
