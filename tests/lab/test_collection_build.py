"""The built collection installs, works, and carries no lab or test files."""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
NOT_SHIPPED = ("tools/", "tests/", "molecule/", ".ci/", ".config/", "inventories/lab/", "build/", ".venv/",
               "Makefile", "ansible.cfg", "requirements.txt", "requirements.in")


def _env(collections: Path) -> dict:
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), PATH=f"{BIN}:{os.environ['PATH']}")


def test_build_install_and_use(tmp_path):
    out = tmp_path / "dist"
    subprocess.run([BIN / "ansible-galaxy", "collection", "build", "--force", "--output-path", out, ROOT],
                   check=True, capture_output=True, cwd=ROOT)
    tarball = next(out.glob("telephony-freeswitch_ha-*.tar.gz"))
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    assert "galaxy.yml" not in names and "MANIFEST.json" in names
    assert "playbooks/preflight.yml" in names and "plugins/filter/farm_plan.py" in names
    # the licence galaxy.yml names, and the controller requirements ansible-builder reads
    assert {"LICENSE", "meta/execution-environment.yml", "meta/ee-requirements.txt"} <= set(names)
    # a local, decrypted vault of the example inventory never ships
    assert "inventories/example/group_vars/all/vault.yml" not in names
    leaked = [n for n in names if n.startswith(NOT_SHIPPED) or "__pycache__" in n or n.startswith(".")]
    assert leaked == []

    installed = tmp_path / "collections"
    env = _env(installed)
    subprocess.run([BIN / "ansible-galaxy", "collection", "install", "--no-deps", "--force", "-p", installed, tarball],
                   check=True, capture_output=True, env=env)
    doc = subprocess.run([BIN / "ansible-doc", "-t", "filter", "telephony.freeswitch_ha.rtp_port_ranges"],
                         check=True, capture_output=True, text=True, env=env)
    assert "RTP" in doc.stdout
    # The installed filters compute a plan: two boxes, disjoint even-aligned ranges.
    expr = "{{ {'fs1': none, 'fs2': none} | telephony.freeswitch_ha.rtp_port_ranges('16384-32767', min_ports=1000) }}"
    env.update(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json", ANSIBLE_LOAD_CALLBACK_PLUGINS="1")
    result = subprocess.run([BIN / "ansible", "localhost", "-m", "ansible.builtin.debug", "-a", f"msg={expr}"],
                            check=True, capture_output=True, text=True, env=env, cwd=tmp_path)
    ranges = json.loads(result.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]["msg"]
    (a_start, a_end), (b_start, b_end) = sorted((r["start"], r["end"]) for r in ranges.values())
    assert a_start % 2 == 0 and b_start % 2 == 0
    assert 16384 <= a_start < a_end < b_start < b_end <= 32767
