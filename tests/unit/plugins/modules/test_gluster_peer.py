"""gluster_peer: probe missing peers only, check mode, CLI errors (recorded answers)."""

from __future__ import annotations

from .gluster_harness import run_module

from ansible_collections.telephony.freeswitch_ha.plugins.modules.gluster_peer import main

ARGS = {"peers": ["172.28.64.11", "172.28.64.12", "172.28.64.13"], "local_names": ["172.28.64.11"], "timeout": 5}


def test_probes_missing_peers_and_waits(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, ARGS, [
        (["pool", "list"], "pool_list_alone.xml"),
        (["peer", "probe", "172.28.64.12"], "peer_probe_ok.xml"),
        (["peer", "probe", "172.28.64.13"], "peer_probe_ok.xml"),
        (["pool", "list"], "pool_list_three.xml"),
    ])
    assert not failed and result["changed"]
    assert result["probed"] == ["172.28.64.12", "172.28.64.13"]
    assert result["diff"] == {"before": {"pool": []}, "after": {"pool": ["172.28.64.12", "172.28.64.13"]}}
    assert ["peer", "probe", "172.28.64.11"] not in calls


def test_rerun_changes_nothing(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, ARGS, [
        (["pool", "list"], "pool_list_three.xml"), (["pool", "list"], "pool_list_three.xml")])
    assert not failed and not result["changed"] and result["probed"] == []
    assert all(call[:2] == ["pool", "list"] for call in calls)


def test_alias_probe_from_another_node(monkeypatch):
    args = {"peers": ["172.28.64.11"], "local_names": ["172.28.64.12"], "timeout": 5}
    result, failed, dummy = run_module(monkeypatch, main, args, [
        (["pool", "list"], "pool_list_three_from_gl2.xml"),
        (["peer", "probe", "172.28.64.11"], "peer_probe_known_by_name.xml"),
        (["pool", "list"], "pool_list_alias_from_gl2.xml"),
    ])
    assert not failed and result["changed"] and result["probed"] == ["172.28.64.11"]


def test_check_mode_probes_nothing(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, dict(ARGS, _ansible_check_mode=True), [(["pool", "list"], "pool_list_alone.xml")])
    assert not failed and result["changed"] and calls == [["pool", "list"]]


def test_check_mode_without_the_cli(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, dict(ARGS, _ansible_check_mode=True), [], binary=None)
    assert not failed and result["changed"] and result["probed"] == ["172.28.64.12", "172.28.64.13"] and calls == []


def test_unreachable_peer_fails_with_the_cli_message(monkeypatch):
    result, failed, dummy = run_module(monkeypatch, main, dict(ARGS, peers=["172.28.64.99"]), [
        (["pool", "list"], "pool_list_alone.xml"),
        (["peer", "probe", "172.28.64.99"], "peer_probe_unreachable.xml"),
    ])
    assert failed and result["msg"] == "peer probe 172.28.64.99: Probe returned with Transport endpoint is not connected"


def test_detach(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, dict(ARGS, peers=["172.28.64.13"], state="absent"), [
        (["pool", "list"], "pool_list_three.xml"), (["peer", "detach", "172.28.64.13"], "peer_probe_ok.xml")])
    assert not failed and result["detached"] == ["172.28.64.13"] and calls[-1] == ["peer", "detach", "172.28.64.13"]
