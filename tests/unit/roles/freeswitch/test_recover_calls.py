"""Call recovery after a start: the drop-in's hook, and the hook itself against a stand-in fs_cli."""

from __future__ import annotations

import os
import subprocess

import pytest

from role_templates import ROOT, render_role_template

SCRIPT = ROOT / "roles" / "freeswitch" / "files" / "recover-calls.sh"
STATUS_RUNNING = """                     Name          Type                                       Data      State
=================================================================================================
                 farm_fs1       profile           sip:mod_sofia@172.28.57.21:5060      RUNNING (0)
"""


def _drop_in(**more):
    variables = {"ansible_managed": "test", "freeswitch_required_mounts": [], "freeswitch_auto_clear_sql": True,
                 "freeswitch_limit_nofile": 999999, "freeswitch_restart_sec": 2, "freeswitch_start_timeout": 60,
                 "freeswitch_realtime": False, "freeswitch_recover_calls": True, "freeswitch_sofia_profile": "farm_fs1",
                 "freeswitch_start_window": 30, "__freeswitch_recover_calls": "/usr/local/lib/freeswitch-ha/recover-calls"}
    variables.update(more)
    return render_role_template("freeswitch", "etc/systemd/system/freeswitch.service.d/farm.conf.j2", variables)


def test_the_drop_in_recovers_this_profile_after_every_start_and_never_fails_it():
    lines = [line for line in _drop_in().splitlines() if line.startswith("ExecStartPost=")]
    assert lines == ["ExecStartPost=-+/usr/local/lib/freeswitch-ha/recover-calls farm_fs1 30"]
    assert "ExecStartPost" not in _drop_in(freeswitch_recover_calls=False)


def _run(tmp_path, status, seconds="5"):
    """The hook with a stand-in fs_cli that answers `sofia status` with ``status`` and logs every command."""
    fake = tmp_path / "fs_cli"
    fake.write_text("#!/bin/sh\necho \"$2\" >> \"$FSHA_CALLS\"\ncase \"$2\" in\n"
                    f"  'sofia status') cat <<'EOF'\n{status}EOF\n;;\n"
                    "  *recover) echo 'Recovered 2 session(s)';;\nesac\n", encoding="utf-8")
    fake.chmod(0o755)
    calls = tmp_path / "calls"
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ['PATH']}", FSHA_CALLS=str(calls))
    proc = subprocess.run(["sh", str(SCRIPT), "farm_fs1", seconds], env=env, capture_output=True, text=True,
                          timeout=30, check=False)
    return proc, calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []


def test_the_hook_recovers_only_its_own_profile_once_it_runs(tmp_path):
    proc, calls = _run(tmp_path, STATUS_RUNNING)
    assert proc.returncode == 0
    assert calls == ["sofia status", "sofia profile farm_fs1 recover"]
    assert proc.stdout.strip() == "recover-calls: Recovered 2 session(s)"


@pytest.mark.parametrize("status", ["", STATUS_RUNNING.replace("RUNNING", "DOWN"),
                                    STATUS_RUNNING.replace("farm_fs1", "farm_fs12")])
def test_a_profile_that_does_not_run_is_logged_and_the_start_goes_on(tmp_path, status):
    proc, calls = _run(tmp_path, status, seconds="1")
    assert proc.returncode == 0
    assert "sofia profile farm_fs1 recover" not in calls and calls.count("sofia status") >= 1
    assert proc.stdout.strip() == "recover-calls: profile farm_fs1 not running after 1 s; no call recovered"
