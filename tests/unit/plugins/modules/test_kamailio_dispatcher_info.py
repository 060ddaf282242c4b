"""kamailio_dispatcher_info: reads, filters by set, never changes anything."""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.kamailio_rpc import KamailioRpcError
from ansible_collections.telephony.freeswitch_ha.plugins.modules import kamailio_dispatcher_info as module
from .module_harness import run_module

RESULT = {"RECORDS": [
    {"SET": {"ID": 1, "TARGETS": [{"DEST": {"URI": "sip:10.0.0.1:5060", "FLAGS": "AP"}}]}},
    {"SET": {"ID": 2, "TARGETS": [{"DEST": {"URI": "sip:10.0.0.2:5060", "FLAGS": "IP"}}]}},
]}


def _run(monkeypatch, args, rpc):
    return run_module(monkeypatch, module, args, rpc)


def test_reads_every_set(monkeypatch):
    calls = []

    def rpc(path, method, timeout):
        calls.append((path, method, timeout))
        return RESULT

    result = _run(monkeypatch, {"_ansible_check_mode": True}, rpc)
    assert calls == [("/run/kamailio/kamailio_rpc.sock", "dispatcher.list", 5.0)]
    assert result["changed"] is False
    assert [s["id"] for s in result["sets"]] == [1, 2]
    assert [(d["set_id"], d["active"]) for d in result["destinations"]] == [(1, True), (2, False)]


def test_one_set(monkeypatch):
    result = _run(monkeypatch, {"set_id": 2, "socket": "/tmp/x.sock"}, lambda path, method, timeout: RESULT)
    assert [s["id"] for s in result["sets"]] == [2]


def test_rpc_failure_fails_the_task(monkeypatch):
    def rpc(path, method, timeout):
        raise KamailioRpcError("dispatcher.list on /x: timed out")

    result = _run(monkeypatch, {}, rpc)
    assert result["failed"] and "timed out" in result["msg"]
