"""summary.yml draws the lab inventory exactly as docs/topology.svg shows it, where the operator says."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import LAB_SECRET_INPUTS, SECRETS

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def _summary(tmp_path, *extra, cwd=ROOT):
    secrets = tmp_path / "secrets.yml"
    secrets.write_text(json.dumps({**SECRETS, **LAB_SECRET_INPUTS}), encoding="ascii")
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}", ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"), NO_COLOR="1")
    proc = subprocess.run(
        [BIN / "ansible-playbook", "-i", ROOT / "inventories" / "lab", "-e", f"@{secrets}", *extra,
         ROOT / "playbooks" / "summary.yml"],
        capture_output=True, text=True, env=env, cwd=cwd, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "fs1 172.28.57.21: RTP 16384-17383" in proc.stdout
    assert "Zq8v1nRkT0pXa2" not in proc.stdout
    return proc.stdout


def test_summary_writes_the_documented_diagram(tmp_path):
    _summary(tmp_path, "-e", f"freeswitch_ha_report_dir={tmp_path}")
    drawn = (tmp_path / "topology.svg").read_text(encoding="utf-8")
    assert drawn == (ROOT / "docs" / "topology.svg").read_text(encoding="utf-8"), \
        "docs/topology.svg is stale: run `make docs`"


def test_summary_without_a_report_dir_only_prints(tmp_path):
    """An installed collection must not write into itself: no directory named, no file written."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    out = _summary(tmp_path, cwd=run_dir)
    assert "skipping: [localhost]" in out
    assert not list(run_dir.iterdir())
    assert not (tmp_path / "topology.svg").exists()
