"""Verto users log in from the directory: mod_verto checks the login against the user's a1-hash, the same entry
that authenticates the user's SIP REGISTERs (the verto edge, with its VIP and DNAT, is the site scenario's)."""

from __future__ import annotations

import json
import uuid

import pytest
import websocket

from conftest import user_password

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
