"""directory_service: the directory service (mod_xml_curl) rule of the preflight and the freeswitch role."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import directory_service
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_freeswitch import check

CREDENTIALS = "fsha:Rw8sT1yB4nZk3uV9qLm2"


@pytest.mark.parametrize("values", [
    {},
    {"url": ""},
    {"url": "https://directory.example.net/freeswitch"},
    {"url": "https://directory.example.net:8443/freeswitch?farm=a&b=c", "timeout": 60,
     "credentials": CREDENTIALS, "cacert_file": "/etc/ssl/certs/farm-ca.pem"},
    {"url": "http://127.0.0.1:8095/directory", "timeout": 1, "credentials": CREDENTIALS},
    {"url": "http://localhost/directory"},
    {"url": "http://[::1]:8095/"},
    {"url": "HTTPS://directory.example.net/", "cacert_file": "/etc/ssl/certs/farm-ca.pem"},
])
def test_sound_settings_have_no_problem(values):
    assert directory_service.problems(values) == []


@pytest.mark.parametrize("values, key, fragment", [
    ({"url": "ftp://directory.example.net/"}, "url", "is not an http:// or https:// URL"),
    ({"url": "https:///nohost"}, "url", "with a host"),
    ({"url": "https://directory.example.net:99999/"}, "url", "is not a URL"),
    ({"url": "http://172.28.57.31:8095/"}, "url", "plain http to 172.28.57.31"),
    ({"url": "HTTP://172.28.57.31:8095/"}, "url", "plain http to 172.28.57.31"),
    ({"url": "HTTP://127.0.0.1/", "cacert_file": "/etc/ca.pem"}, "cacert_file", "no effect with an http URL"),
    ({"url": "http://directory.example.net/"}, "url", "use https"),
    ({"url": "https://fsha:secret@directory.example.net/"}, "url", "carries credentials"),
    ({"url": "https://directory.example.net/$${domain}"}, "url", "'$'"),
    ({"url": "https://directory.example.net/ a"}, "url", "whitespace"),
    ({"url": 8095}, "url", "is not a string"),
    ({"url": "https://d.example.net/", "timeout": 0}, "timeout", "from 1 to 60"),
    ({"url": "https://d.example.net/", "timeout": "5"}, "timeout", "from 1 to 60"),
    ({"url": "https://d.example.net/", "timeout": True}, "timeout", "from 1 to 60"),
    ({"url": "https://d.example.net/", "credentials": "no-colon"}, "credentials", "is not user:password"),
    ({"url": "https://d.example.net/", "credentials": ":Rw8sT1yB4n"}, "credentials", "is not user:password"),
    ({"url": "https://d.example.net/", "credentials": "fsha:changeme"}, "credentials", "example password"),
    ({"url": "https://d.example.net/", "credentials": "fsha:Rw8s<T1yB4n"}, "credentials", "break the XML"),
    ({"url": "https://d.example.net/", "credentials": ["fsha", "x"]}, "credentials", "is not a string"),
    ({"url": "", "credentials": CREDENTIALS}, "credentials", "no directory service URL"),
    ({"url": "https://d.example.net/", "cacert_file": "ca.pem"}, "cacert_file", "not an absolute path"),
    ({"url": "http://127.0.0.1/", "cacert_file": "/etc/ca.pem"}, "cacert_file", "no effect with an http URL"),
])
def test_each_mistake_is_named_by_its_key(values, key, fragment):
    found = directory_service.problems(values)
    assert [k for k, message in found] == [key], found
    assert fragment in found[0][1]


def test_no_message_quotes_the_credentials():
    for credentials in ("fsha:Rw8s<T1yB4n", "fsha:changeme-Rw8s", "Rw8sT1yB4n"):
        for dummy, message in directory_service.problems({"url": "https://d.example.net/", "credentials": credentials}):
            assert credentials not in message and "Rw8s" not in message


def test_the_preflight_names_the_farm_variables(lab_farm):
    lab_farm["vars"].update({"freeswitch_ha_directory_url": "http://172.28.57.31:8095/",
                             "freeswitch_ha_directory_timeout": 0})
    found = [p for p in check(lab_farm) if p["variable"].startswith("freeswitch_ha_directory_")]
    assert [(p["host"], p["variable"]) for p in found] == [("all", "freeswitch_ha_directory_url")]
    lab_farm["vars"].update({"freeswitch_ha_directory_url": "https://directory.example.net/",
                             "freeswitch_ha_directory_credentials": "fsha:changeme"})
    found = [p for p in check(lab_farm) if p["variable"].startswith("freeswitch_ha_directory_")]
    assert [p["variable"] for p in found] == ["freeswitch_ha_directory_timeout", "freeswitch_ha_directory_credentials"]
    assert directory_service.farm_problems({}) == []
