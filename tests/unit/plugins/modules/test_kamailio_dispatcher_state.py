"""kamailio_dispatcher_state: idempotent, check mode and diff, hands a box back to probing."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.kamailio_rpc import KamailioRpcError
from ansible_collections.telephony.freeswitch_ha.plugins.modules import kamailio_dispatcher_state as module
from .module_harness import run_module

URI = "sip:10.0.0.21:5060"


class FakeKamailio:
    """dispatcher.list and dispatcher.set_state over one set, as Kamailio answers them."""

    def __init__(self, flags="AP", ignore_set=False):
        self.flags = flags
        self.ignore_set = ignore_set
        self.calls = []

    def __call__(self, path, method, params=None, timeout=5.0):
        self.calls.append((method, params))
        if method == "dispatcher.set_state":
            if not self.ignore_set:
                self.flags = params[0].upper()
            return "Ok. Dispatcher destination state updated."
        return {"RECORDS": [{"SET": {"ID": 1, "TARGETS": [
            {"DEST": {"URI": URI, "FLAGS": self.flags, "ATTRS": {"BODY": "duid=fs1", "DUID": "fs1"}}},
            {"DEST": {"URI": "sip:10.0.0.22:5060", "FLAGS": "AP", "ATTRS": {"BODY": "duid=fs2", "DUID": "fs2"}}},
        ]}}]}


def _run(monkeypatch, args, rpc):
    return run_module(monkeypatch, module, args, rpc)


def test_disables_by_duid_then_changes_nothing(monkeypatch):
    kamailio = FakeKamailio()
    result = _run(monkeypatch, {"set_id": 1, "duid": "fs1", "state": "disabled", "_ansible_diff": True}, kamailio)
    assert result["changed"] is True
    assert ("dispatcher.set_state", ["d", 1, URI]) in kamailio.calls
    assert result["after"]["disabled"] and result["before"]["active"]
    assert result["diff"] == {"before": URI + ": enabled\n", "after": URI + ": disabled\n"}
    again = _run(monkeypatch, {"set_id": 1, "duid": "fs1", "state": "disabled"}, kamailio)
    assert again["changed"] is False
    assert [c for c in kamailio.calls if c[0] == "dispatcher.set_state"] == [("dispatcher.set_state", ["d", 1, URI])]


def test_enables_by_uri_as_inactive_probing(monkeypatch):
    kamailio = FakeKamailio(flags="DX")
    result = _run(monkeypatch, {"set_id": 1, "uri": URI, "state": "enabled"}, kamailio)
    assert result["changed"] is True and result["after"]["inactive"] and result["after"]["probing"]
    assert ("dispatcher.set_state", ["ip", 1, URI]) in kamailio.calls


def test_check_mode_reports_and_sets_nothing(monkeypatch):
    kamailio = FakeKamailio()
    result = _run(monkeypatch, {"set_id": 1, "duid": "fs1", "state": "disabled", "_ansible_check_mode": True}, kamailio)
    assert result["changed"] is True
    assert [c[0] for c in kamailio.calls] == ["dispatcher.list"]
    assert kamailio.flags == "AP"


@pytest.mark.parametrize("flags", ["AP", "IP", "TP"])
def test_enabled_leaves_a_probed_box_to_probing(monkeypatch, flags):
    kamailio = FakeKamailio(flags=flags)
    result = _run(monkeypatch, {"set_id": 1, "duid": "fs1", "state": "enabled"}, kamailio)
    assert result["changed"] is False
    assert [c[0] for c in kamailio.calls] == ["dispatcher.list"]


def test_unknown_destination_names_the_set(monkeypatch):
    result = _run(monkeypatch, {"set_id": 1, "duid": "fs9", "state": "disabled"}, FakeKamailio())
    assert result["failed"] and result["msg"] == "dispatcher set 1 has no destination duid fs9"
    result = _run(monkeypatch, {"set_id": 2, "duid": "fs1", "state": "disabled"}, FakeKamailio())
    assert result["failed"] and "set 2" in result["msg"]


def test_state_that_does_not_take_fails(monkeypatch):
    result = _run(monkeypatch, {"set_id": 1, "duid": "fs1", "state": "disabled"}, FakeKamailio(ignore_set=True))
    assert result["failed"] and "did not become disabled" in result["msg"]


def test_rpc_failure_fails_the_task(monkeypatch):
    def rpc(path, method, params=None, timeout=5.0):
        raise KamailioRpcError("dispatcher.list on /x: timed out")

    result = _run(monkeypatch, {"set_id": 1, "duid": "fs1", "state": "disabled"}, rpc)
    assert result["failed"] and "timed out" in result["msg"]
