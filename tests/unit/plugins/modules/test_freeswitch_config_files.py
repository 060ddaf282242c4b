"""freeswitch_config_files: writes only what differs, in one run; check mode and diff; refuses escaping paths."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.modules import freeswitch_config_files as module
from .module_harness import run_module


def _run(monkeypatch, args):
    return run_module(monkeypatch, module, args)


FILES = {"vars.xml": "<include/>\n", "autoload_configs/switch.conf.xml": "<configuration name=\"switch.conf\"/>\n"}


def test_writes_the_tree_then_changes_nothing(monkeypatch, tmp_path):
    dest = tmp_path / "conf"
    first = _run(monkeypatch, {"dest": str(dest), "files": FILES, "mode": "0640", "directory_mode": "0750"})
    assert first["changed"] is True
    assert first["changed_files"] == ["autoload_configs/switch.conf.xml", "vars.xml"]
    assert (dest / "vars.xml").read_text() == FILES["vars.xml"]
    assert stat.S_IMODE(os.stat(dest / "vars.xml").st_mode) == 0o640
    assert stat.S_IMODE(os.stat(dest / "autoload_configs").st_mode) == 0o750
    again = _run(monkeypatch, {"dest": str(dest), "files": FILES, "mode": "0640"})
    assert again == {"changed": False, "changed_files": []}


def test_one_changed_file_is_the_only_one_written_with_its_diff(monkeypatch, tmp_path):
    dest = tmp_path / "conf"
    _run(monkeypatch, {"dest": str(dest), "files": FILES})
    untouched = os.stat(dest / "vars.xml").st_mtime_ns
    changed = dict(FILES, **{"autoload_configs/switch.conf.xml": "<configuration name=\"switch.conf\" x=\"1\"/>\n"})
    result = _run(monkeypatch, {"dest": str(dest), "files": changed, "_ansible_diff": True})
    assert result["changed_files"] == ["autoload_configs/switch.conf.xml"]
    assert [d["after"] for d in result["diff"]] == [changed["autoload_configs/switch.conf.xml"]]
    assert result["diff"][0]["before"] == FILES["autoload_configs/switch.conf.xml"]
    assert os.stat(dest / "vars.xml").st_mtime_ns == untouched


def test_a_mode_change_alone_is_a_change(monkeypatch, tmp_path):
    dest = tmp_path / "conf"
    _run(monkeypatch, {"dest": str(dest), "files": FILES, "mode": "0640"})
    result = _run(monkeypatch, {"dest": str(dest), "files": FILES, "mode": "0600"})
    assert result["changed_files"] == ["autoload_configs/switch.conf.xml", "vars.xml"]
    assert stat.S_IMODE(os.stat(dest / "vars.xml").st_mode) == 0o600


def test_check_mode_reports_and_writes_nothing(monkeypatch, tmp_path):
    dest = tmp_path / "conf"
    result = _run(monkeypatch, {"dest": str(dest), "files": FILES, "_ansible_check_mode": True, "_ansible_diff": True})
    assert result["changed_files"] == ["autoload_configs/switch.conf.xml", "vars.xml"]
    assert len(result["diff"]) == 2
    assert not dest.exists()


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.xml", "a/../../b.xml", ""])
def test_paths_must_stay_under_dest(monkeypatch, tmp_path, path):
    result = _run(monkeypatch, {"dest": str(tmp_path / "conf"), "files": {path: "x"}})
    assert result["failed"] and "must be a path relative to dest" in result["msg"]
    assert not (tmp_path / "outside.xml").exists()
