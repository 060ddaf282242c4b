"""gluster_volume: create, idempotence, options, check mode, CLI errors (recorded answers)."""

from __future__ import annotations

from .gluster_harness import run_module

from ansible_collections.telephony.freeswitch_ha.plugins.modules.gluster_volume import main

BRICKS = [f"172.28.64.1{i}:/srv/gluster/bricks/rec/brick" for i in (1, 2, 3)]
ARGS = {"name": "rec", "bricks": BRICKS, "force": True, "options": {"network.ping-timeout": 5, "cluster.heal-timeout": 10}}


def test_creates_sets_options_and_starts(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, ARGS, [
        (["volume", "info", "rec"], "volume_info_missing.xml"),
        (["volume", "create", "rec"], "volume_create_ok.xml"),
        (["volume", "set", "rec"], "volume_set_ok.xml"),
        (["volume", "set", "rec"], "volume_set_ok.xml"),
        (["volume", "start", "rec"], "volume_start_ok.xml"),
        (["volume", "info", "rec"], "volume_info_started_options.xml"),
    ])
    assert not failed and result["changed"]
    assert calls[1] == ["volume", "create", "rec", "replica", "3", "arbiter", "1", "transport", "tcp", *BRICKS, "force"]
    assert calls[2] == ["volume", "set", "rec", "cluster.heal-timeout", "10"]
    assert calls[4] == ["volume", "start", "rec"]
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["status"] == "Started"
    assert result["volume"]["options"] == {"cluster.heal-timeout": "10", "network.ping-timeout": "5"}


def test_rerun_changes_nothing(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, ARGS, [(["volume", "info", "rec"], "volume_info_started_options.xml")])
    assert not failed and not result["changed"] and len(calls) == 1
    assert result["diff"]["before"] == result["diff"]["after"]


def test_check_mode_reports_without_writing(monkeypatch):
    args = dict(ARGS, options={"network.ping-timeout": 3}, _ansible_check_mode=True)
    result, failed, calls = run_module(monkeypatch, main, args, [(["volume", "info", "rec"], "volume_info_started_options.xml")])
    assert not failed and result["changed"] and calls == [["volume", "info", "rec"]]
    assert result["actions"]["set"] == {"network.ping-timeout": "3"}
    assert result["diff"]["before"]["options"]["network.ping-timeout"] == "5"
    assert result["diff"]["after"]["options"]["network.ping-timeout"] == "3"


def test_check_mode_on_a_fresh_host_without_the_cli(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, dict(ARGS, _ansible_check_mode=True), [], binary=None)
    assert not failed and result["changed"] and result["actions"]["create"] and calls == []


def test_cli_error_is_reported(monkeypatch):
    result, failed, dummy = run_module(monkeypatch, main, dict(ARGS, force=False), [
        (["volume", "info", "rec"], "volume_info_missing.xml"),
        (["volume", "create", "rec"], "volume_create_root_partition.xml"),
    ])
    assert failed and "is being created in the root partition" in result["msg"]
    assert result["msg"].startswith("volume create rec: ")


def test_unknown_option_is_reported(monkeypatch):
    result, failed, dummy = run_module(monkeypatch, main, dict(ARGS, options={"network.no-such-option": 5}), [
        (["volume", "info", "rec"], "volume_info_started_options.xml"),
        (["volume", "set", "rec"], "volume_set_unknown.xml"),
    ])
    assert failed and "network.no-such-option does not exist" in result["msg"]


def test_other_layout_fails_before_any_change(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, dict(ARGS, arbiter=False), [
        (["volume", "info", "rec"], "volume_info_started_options.xml")])
    assert failed and "exists with another layout" in result["msg"] and len(calls) == 1


def test_bad_layout_fails_before_reading(monkeypatch):
    result, failed, calls = run_module(monkeypatch, main, dict(ARGS, bricks=BRICKS[:2]), [])
    assert failed and "not a multiple of replica 3" in result["msg"] and calls == []
