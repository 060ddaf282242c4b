"""Verto users log in from the directory: mod_verto checks the login against the user's a1-hash, the same entry
that authenticates the user's SIP REGISTERs (the verto edge, with its VIP and DNAT, is the site scenario's)."""

from __future__ import annotations

import json
import uuid

import pytest
import websocket

from conftest import PROJECT, directory_user_password, user_password

# fsw1's verto profile (freeswitch_ha_verto_tls is false in this scenario), reached from the controller
VERTO = "ws://172.28.66.21:8081"
USER = "3101@fsw.lab.invalid"


def verto_login(login, password):
    """The JSON-RPC reply to one verto login: {"result": ...} or {"error": {code, message}}."""
    ws = websocket.create_connection(VERTO, timeout=10)
    try:
        ws.send(json.dumps({"jsonrpc": "2.0", "method": "login", "id": 1,
                            "params": {"login": login, "passwd": password, "sessid": str(uuid.uuid4())}}))
        while True:
            reply = json.loads(ws.recv())
            if reply.get("id") == 1:
                return reply
    finally:
        ws.close()


@pytest.fixture
def once(host):
    """The logins come from the controller: once, with fsw1's test."""
    if host.check_output("hostname") != "fsw1":
        pytest.skip("runs once, with fsw1")
    return host


def test_a_directory_user_logs_in_with_its_password(once):
    reply = verto_login(USER, user_password())
    assert reply.get("result", {}).get("message") == "logged in", reply


@pytest.mark.parametrize("login, password, message", [
    (USER, "not-the-password", "Authentication Failure"),
    ("3199@fsw.lab.invalid", "any-password-at-all", "Login Incorrect"),
])
def test_a_wrong_password_or_an_unknown_user_is_refused(once, login, password, message):
    reply = verto_login(login, password)
    assert "result" not in reply, reply
    assert reply["error"]["message"] == message, reply


# The directory service (mod_xml_curl, freeswitch_ha_directory_url): files/fsha-lab-directory on fsw1 knows 3201
SERVICE_USER = "3201@fsw.lab.invalid"
SERVICE_LOG = "/var/log/fsha-lab-directory.log"


def service_requests(host, since):
    """The directory service's log entries from line `since` on."""
    text = host.check_output(f"tail -n +{since + 1} {SERVICE_LOG} 2>/dev/null || true")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def service_log_length(host):
    return int(host.check_output(f"cat {SERVICE_LOG} 2>/dev/null | wc -l"))


def test_a_user_only_the_directory_service_knows_logs_in(once):
    since = service_log_length(once)
    reply = verto_login(SERVICE_USER, directory_user_password())
    assert reply.get("result", {}).get("message") == "logged in", reply
    asked = [r for r in service_requests(once, since) if r.get("user") == "3201"]
    # FreeSWITCH asked the service, with the credentials, and was answered with the user
    assert asked and asked[-1]["result"] == "user", asked
    assert asked[-1]["section"] == "directory" and asked[-1]["domain"] == "fsw.lab.invalid", asked
    assert asked[-1].get("action") == "jsonrpc-authenticate", asked
    reply = verto_login(SERVICE_USER, "not-the-password")
    assert reply["error"]["message"] == "Authentication Failure", reply


def test_the_files_answer_for_a_user_the_service_does_not_know(once):
    since = service_log_length(once)
    reply = verto_login(USER, user_password())
    assert reply.get("result", {}).get("message") == "logged in", reply
    asked = [r for r in service_requests(once, since) if r.get("user") == "3101"]
    assert asked and {r["result"] for r in asked} == {"not found"}, asked


def test_without_the_service_the_files_still_answer(once):
    once.check_output("systemctl stop fsha-lab-directory")
    try:
        reply = verto_login(USER, user_password())
        assert reply.get("result", {}).get("message") == "logged in", reply
        reply = verto_login(SERVICE_USER, directory_user_password())
        assert reply["error"]["message"] == "Login Incorrect", reply
    finally:
        once.check_output("systemctl start fsha-lab-directory")
    # systemd has started the process; it answers once it listens (a bounded wait)
    once.check_output("timeout 15 sh -c 'until ss -Htln sport = :8095 | grep -q .; do sleep 0.2; done'")
    reply = verto_login(SERVICE_USER, directory_user_password())
    assert reply.get("result", {}).get("message") == "logged in", reply


def test_the_service_credentials_are_only_in_the_secrets_file(once):
    conf = once.file("/etc/freeswitch/autoload_configs/xml_curl.conf.xml")
    assert conf.exists and "$${fsha_xml_curl_credentials}" in conf.content_string
    secret = (PROJECT / "build" / "molecule-secrets" / "freeswitch-directory-service").read_text().split()[0]
    assert secret not in conf.content_string
    secrets = once.file("/etc/freeswitch/secrets.xml")
    assert secrets.mode == 0o640 and secret in secrets.content_string
