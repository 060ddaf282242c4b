"""kamailio_rpc: JSON-RPC over a datagram socket, dispatcher.list parsing."""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.kamailio_rpc import (
    KamailioRpcError,
    parse_dispatcher_list,
    parse_reply,
    rpc_call,
)

# As Kamailio 5.6.3 answered in the edge scenario (trimmed).
LIST_RESULT = {
    "NRSETS": 1,
    "RECORDS": [{"SET": {"ID": 1, "TARGETS": [
        {"DEST": {"URI": "sip:172.28.65.22:5060", "FLAGS": "IP", "PRIORITY": 0,
                  "ATTRS": {"BODY": "duid=edfs2;weight=25;rweight=33", "DUID": "edfs2", "MAXLOAD": 0,
                            "WEIGHT": 25, "RWEIGHT": 33},
                  "LATENCY": {"AVG": 1.375, "TIMEOUT": 2}, "RUNTIME": {"DLGLOAD": 0}}},
        {"DEST": {"URI": "sip:172.28.65.21:5060", "FLAGS": "AP", "PRIORITY": 0,
                  "ATTRS": {"BODY": "duid=edfs1;weight=75;rweight=100", "DUID": "edfs1", "MAXLOAD": 0,
                            "WEIGHT": 75, "RWEIGHT": 100},
                  "LATENCY": {"AVG": 0.375, "TIMEOUT": 0}, "RUNTIME": {"DLGLOAD": 0}}},
    ]}}],
}


def test_parse_dispatcher_list():
    (only,) = parse_dispatcher_list(LIST_RESULT)
    assert only["id"] == 1
    first, second = only["destinations"]
    assert first["uri"] == "sip:172.28.65.21:5060" and first["active"] and first["probing"]
    assert second["inactive"] and not second["active"] and second["probing"]
    assert (first["weight"], first["duid"], second["latency_timeouts"]) == (75, "edfs1", 2)


def test_single_record_and_target_as_objects():
    result = {"RECORDS": {"SET": {"ID": 2, "TARGETS": {"DEST": {"URI": "sip:a", "FLAGS": "DX"}}}}}
    (only,) = parse_dispatcher_list(result)
    assert only["destinations"][0]["disabled"] and not only["destinations"][0]["probing"]


def test_empty_and_bad_results():
    assert parse_dispatcher_list(None) == []
    with pytest.raises(KamailioRpcError):
        parse_dispatcher_list("nope")


def test_parse_reply_errors():
    assert parse_reply("m", b'{"jsonrpc": "2.0", "result": 5, "id": 1}') == 5
    with pytest.raises(KamailioRpcError, match="error 500: boom"):
        parse_reply("m", '{"error": {"code": 500, "message": "boom"}}')
    with pytest.raises(KamailioRpcError, match="not JSON"):
        parse_reply("m", b"<html>")
    with pytest.raises(KamailioRpcError, match="not a JSON-RPC object"):
        parse_reply("m", b"[1]")


def test_rpc_call_round_trip(tmp_path):
    """A fake Kamailio on a datagram socket answers the request it received."""
    server_path = str(tmp_path / "rpc.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(server_path)
    seen = {}

    def serve():
        data, peer = server.recvfrom(65535)
        seen.update(json.loads(data))
        server.sendto(json.dumps({"jsonrpc": "2.0", "result": LIST_RESULT, "id": 1}).encode(), peer)

    before = {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("fsha-rpc-")}
    thread = threading.Thread(target=serve)
    thread.start()
    try:
        result = rpc_call(server_path, "dispatcher.list", timeout=5)
    finally:
        thread.join(5)
        server.close()
    assert seen["method"] == "dispatcher.list" and seen["jsonrpc"] == "2.0"
    assert result == LIST_RESULT
    # the reply socket and its directory are gone
    assert {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("fsha-rpc-")} == before


def test_rpc_call_without_kamailio(tmp_path):
    with pytest.raises(KamailioRpcError, match="dispatcher.list on"):
        rpc_call(str(tmp_path / "missing.sock"), "dispatcher.list", timeout=0.5)


def test_rpc_call_timeout(tmp_path):
    server_path = str(tmp_path / "mute.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(server_path)
    try:
        with pytest.raises(KamailioRpcError, match="timed out"):
            rpc_call(server_path, "dispatcher.list", timeout=0.3)
    finally:
        server.close()
