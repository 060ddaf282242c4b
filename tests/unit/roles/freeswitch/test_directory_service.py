"""The directory service (mod_xml_curl): a binding for the directory only, the certificate checked over https,
the credentials in the secrets file alone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from role_templates import render_role_template

CREDENTIALS = "fsha:Rw8sT1yB4nZk3uV9qLm2"


def _render(template, **more):
    variables = {"ansible_managed": "test", "freeswitch_xml_curl_url": "http://127.0.0.1:8095/directory",
                 "freeswitch_xml_curl_timeout": 5, "freeswitch_xml_curl_credentials": "",
                 "freeswitch_xml_curl_cacert_file": "", "freeswitch_group": "freeswitch",
                 "freeswitch_odbc_dsn": "freeswitch", "freeswitch_db_user": "freeswitch",
                 "freeswitch_db_password": "Zq8v1nRkT0pXa23", "freeswitch_esl_password": "Hs72kPq0vLm3xY2"}
    variables.update(more)
    return render_role_template("freeswitch", template, variables)


def _params(text):
    [binding] = ET.fromstring(text).iter("binding")
    return {p.get("name"): p.attrib for p in binding.iter("param")}


def test_a_plain_http_service_on_the_box_binds_the_directory_only():
    params = _params(_render("etc/freeswitch/autoload_configs/xml_curl.conf.xml.j2"))
    assert params["gateway-url"] == {"name": "gateway-url", "value": "http://127.0.0.1:8095/directory",
                                     "bindings": "directory"}
    assert params["timeout"]["value"] == "5"
    assert sorted(params) == ["gateway-url", "timeout"]


def test_over_https_the_certificate_and_its_name_are_checked_and_the_url_is_escaped():
    text = _render("etc/freeswitch/autoload_configs/xml_curl.conf.xml.j2",
                   freeswitch_xml_curl_url="https://directory.example.net/fs?farm=a&box=b",
                   freeswitch_xml_curl_cacert_file="/etc/ssl/farm-ca.pem")
    params = _params(text)
    assert params["gateway-url"]["value"] == "https://directory.example.net/fs?farm=a&box=b"
    assert params["enable-cacert-check"]["value"] == params["enable-ssl-verifyhost"]["value"] == "true"
    assert params["ssl-cacert-file"]["value"] == "/etc/ssl/farm-ca.pem"


def test_an_https_scheme_in_capitals_is_still_checked():
    params = _params(_render("etc/freeswitch/autoload_configs/xml_curl.conf.xml.j2",
                             freeswitch_xml_curl_url="HTTPS://directory.example.net/fs"))
    assert params["enable-cacert-check"]["value"] == params["enable-ssl-verifyhost"]["value"] == "true"


@pytest.mark.parametrize("credentials", [CREDENTIALS, ""])
def test_the_credentials_are_in_the_secrets_file_alone(credentials):
    conf = _render("etc/freeswitch/autoload_configs/xml_curl.conf.xml.j2", freeswitch_xml_curl_credentials=credentials)
    secrets = _render("etc/freeswitch/secrets.xml.j2", freeswitch_xml_curl_credentials=credentials)
    sets = [e.get("data") for e in ET.fromstring(secrets).iter("X-PRE-PROCESS")]
    if credentials:
        assert CREDENTIALS not in conf
        assert _params(conf)["gateway-credentials"]["value"] == "$${fsha_xml_curl_credentials}"
        assert _params(conf)["auth-scheme"]["value"] == "basic"
        assert f"fsha_xml_curl_credentials={CREDENTIALS}" in sets
    else:
        assert "gateway-credentials" not in _params(conf)
        assert not any(s.startswith("fsha_xml_curl_credentials=") for s in sets)
