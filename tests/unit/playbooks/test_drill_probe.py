"""The drill probe's arithmetic: outage windows, stalls and lost files."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SPEC = importlib.util.spec_from_file_location("fsha_drill_probe", ROOT / "playbooks" / "files" / "fsha_drill_probe.py")
probe = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(probe)


def _log(tmp_path, events):
    path = tmp_path / "log.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


def _outage(tmp_path, capsys, events, since):
    probe.main(["outage", "--log", str(_log(tmp_path, events)), "--since", str(since)])
    return json.loads(capsys.readouterr().out)


def test_outage_runs_from_the_kill_to_the_first_success_after_a_failure(tmp_path, capsys):
    events = [{"t": 100.0, "dt": 0.01, "ok": True}, {"t": 100.5, "dt": 0.1, "ok": False},
              {"t": 100.7, "dt": 0.1, "ok": False}, {"t": 100.9, "dt": 0.02, "ok": True}]
    report = _outage(tmp_path, capsys, events, since=100.4)
    assert report == {"operations": 4, "failed": 2, "max_stall_s": 0.1, "outage_s": 0.52}


def test_a_held_write_that_succeeds_late_is_an_outage(tmp_path, capsys):
    events = [{"t": 100.0 + i / 20, "dt": 0.01, "ok": True} for i in range(8)]  # ends 100.36
    events += [{"t": 100.4, "dt": 1.2, "ok": True}, {"t": 101.65, "dt": 0.01, "ok": True}]
    report = _outage(tmp_path, capsys, events, since=100.45)
    assert report["outage_s"] == 1.15
    assert report["failed"] == 0 and report["max_stall_s"] == 1.2


def test_slow_but_steady_operations_are_no_outage(tmp_path, capsys):
    # a loaded machine: every write takes 0.3 s, before and after the kill
    events = [{"t": 100.0 + i * 0.35, "dt": 0.3, "ok": True} for i in range(10)]
    assert _outage(tmp_path, capsys, events, since=101.0)["outage_s"] == 0.0


def test_no_failure_means_no_outage(tmp_path, capsys):
    events = [{"t": 100.0 + i / 10, "dt": 0.01, "ok": True} for i in range(10)]
    assert _outage(tmp_path, capsys, events, since=100.3)["outage_s"] == 0.0


def test_never_recovered_is_reported_as_none(tmp_path, capsys):
    events = [{"t": 100.0, "dt": 0.01, "ok": True}, {"t": 101.0, "dt": 0.1, "ok": False}]
    assert _outage(tmp_path, capsys, events, since=100.5)["outage_s"] is None


def test_a_stalled_operation_is_the_longest_stall_and_lasts_the_outage(tmp_path, capsys):
    events = [{"t": 100.0, "dt": 0.01, "ok": True}, {"t": 100.1, "dt": 4.2, "ok": True}]
    report = _outage(tmp_path, capsys, events, since=100.05)
    assert report["max_stall_s"] == 4.2 and report["outage_s"] == 4.25


def test_file_check_finds_missing_and_corrupted_files(tmp_path, capsys):
    data = tmp_path / "vol"
    data.mkdir()
    events = []
    for name, body in (("a", b"one"), ("b", b"two"), ("c", b"three")):
        (data / name).write_bytes(body)
        events.append({"t": 1.0, "dt": 0.01, "ok": True, "file": name, "sha256": hashlib.sha256(body).hexdigest()})
    events.append({"t": 1.0, "dt": 0.01, "ok": False, "file": "d", "sha256": "0" * 64})
    (data / "b").write_bytes(b"corrupted")
    (data / "c").unlink()
    probe.main(["file-check", "--dir", str(data), "--log", str(_log(tmp_path, events))])
    report = json.loads(capsys.readouterr().out)
    assert report == {"acknowledged": 3, "lost": 2, "lost_files": ["b", "c"]}


def test_file_write_acknowledges_what_it_reads_back(tmp_path):
    out = tmp_path / "w.jsonl"
    probe.main(["file-write", "--dir", str(tmp_path / "v"), "--seconds", "0.3", "--interval", "0.05",
                "--tag", "t", "--out", str(out)])
    events = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(events) >= 2 and all(e["ok"] for e in events)
    for event in events:
        body = (tmp_path / "v" / event["file"]).read_bytes()
        assert hashlib.sha256(body).hexdigest() == event["sha256"]
