"""fsha-lab-call: the SIPp command it runs and the counters it reads back.

A stand-in `sipp` on PATH records its arguments and writes a screen file
recorded from SIPp 3.7.3 (the edge_trixie scenario, 20 calls) and the UAC
scenario's message log, as the real one does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "molecule" / "_shared" / "files" / "fsha-lab-call"
DATA = Path(__file__).resolve().parent / "data"

FAKE_SIPP = """#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_ARGS"
[ -n "$FAKE_SCREEN" ] || exit 1
while [ $# -gt 0 ]; do
  case "$1" in
    -screen_file) cp "$FAKE_SCREEN" "$2" ;;
    -log_file) cp "$FAKE_LOG" "$2" ;;
  esac
  shift
done
exit 1
"""


def run_tool(tmp_path, name, *extra, screen=True):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    sipp = bin_dir / "sipp"
    sipp.write_text(FAKE_SIPP)
    sipp.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", FAKE_ARGS=str(tmp_path / "args"),
               FAKE_SCREEN=str(DATA / "sipp-3.7-screen.txt") if screen else "",
               FAKE_LOG=str(DATA / "sipp-uac-messages.log"))
    proc = subprocess.run([sys.executable, str(TOOL), f"--name={name}", "--vip=172.28.65.100",
                           "--domain=edge.lab.invalid", "--local=172.28.65.41", "--port=5070", "--calls=20",
                           "--rate=20", "--timeout=30", f"--dir={tmp_path}", *extra],
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout), (tmp_path / "args").read_text().splitlines()


def test_counters_and_backends_are_read_from_sipps_files(tmp_path):
    result, args = run_tool(tmp_path, "check")
    assert result["created"] == 20 and result["successful"] == 20 and result["failed"] == 0
    assert result["answered"] == 20 and result["backends"] == ["172.28.65.21", "172.28.65.22"]
    assert result["log"] == str(tmp_path / "fsha-check.log")
    assert args[:5] == ["172.28.65.100:5060", "-sf", "/etc/sipp-uac.xml", "-s", "9197"]
    assert args[args.index("-key") + 1:args.index("-key") + 3] == ["domain", "edge.lab.invalid"]
    assert "-recv_timeout" not in args


def test_contact_and_receive_timeout_are_passed_on(tmp_path):
    dummy, args = run_tool(tmp_path, "nat", "--contact=10.255.0.9", "--recv-timeout-ms=8000", "--service=9196")
    assert args[args.index("-s") + 1] == "9196"
    assert args[args.index("contact_host") + 1] == "10.255.0.9"
    assert args[args.index("-i") + 1] == "172.28.65.41"
    assert args[args.index("-recv_timeout") + 1] == "8000"


def test_no_screen_file_reads_as_nothing_done_and_failures_unknown(tmp_path):
    result, dummy = run_tool(tmp_path, "none", screen=False)
    assert (result["created"], result["successful"], result["failed"]) == (0, 0, -1)
