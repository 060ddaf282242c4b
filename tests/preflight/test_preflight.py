"""preflight.yml against generated bad inventories (see tests/bad_inventories.py).

Each case writes an inventory from the mutated lab picture, runs a playbook
that imports playbooks/preflight.yml and then has a play on all hosts
(ansible_connection=local) writing a marker file, and checks that the
preflight named the exact host and variable and that no marker was written.
The runs go in parallel, once per session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from bad_inventories import CASES, mutated
from conftest import LAB_FARM, ROOT

PLAYBOOK = """---
- name: Preflight
  ansible.builtin.import_playbook: {preflight}

- name: Touch every managed host
  hosts: all
  gather_facts: false
  tasks:
    - name: Write the marker
      ansible.builtin.copy:
        content: touched
        dest: "{{{{ marker_dir }}}}/{{{{ inventory_hostname }}}}"
        mode: "0644"
"""


def write_inventory(farm, path):
    """An Ansible YAML inventory equivalent to the picture: host vars, groups, farm vars."""
    groups = {g: m for g, m in farm["groups"].items() if g not in ("all", "ungrouped")}
    inventory = {"all": {
        "hosts": {host: dict(hostvars) or None for host, hostvars in farm["hosts"].items()},
        "vars": {**farm["vars"], "ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        "children": {g: {"hosts": {h: None for h in members}} for g, members in groups.items()},
    }}
    path.write_text(yaml.safe_dump(inventory, sort_keys=False), encoding="utf-8")


def run(workdir, farm):
    """Run the test playbook; return (returncode, problem lines, markers written, raw output)."""
    workdir.mkdir(parents=True)
    (workdir / "markers").mkdir()
    write_inventory(farm, workdir / "hosts.yml")
    playbook = workdir / "play.yml"
    playbook.write_text(PLAYBOOK.format(preflight=ROOT / "playbooks" / "preflight.yml"), encoding="utf-8")
    env = dict(os.environ,
               ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"),
               ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               ANSIBLE_LOCAL_TEMP=str(workdir / "tmp"),
               ANSIBLE_NOCOLOR="1")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(workdir / "hosts.yml"),
         str(playbook), "-e", f"marker_dir={workdir / 'markers'}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    lines = []
    try:
        report = json.loads(proc.stdout)
        for play in report["plays"]:
            for task in play["tasks"]:
                result = task["hosts"].get("localhost", {})
                if result.get("failed") and isinstance(result.get("msg"), list):
                    lines.extend(result["msg"])
    except (ValueError, KeyError):
        pass
    markers = sorted(p.name for p in (workdir / "markers").iterdir())
    return proc.returncode, lines, markers, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("preflight")
    jobs = {"good": LAB_FARM}
    jobs.update({case[0]: mutated(LAB_FARM, case[1]) for case in CASES})
    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2) * 2)) as pool:
        futures = {name: pool.submit(run, base / name, farm) for name, farm in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def test_good_inventory_passes_and_reaches_the_hosts(runs):
    returncode, lines, markers, output = runs["good"]
    assert returncode == 0, output
    assert lines == []
    assert markers == sorted(LAB_FARM["groups"]["all"])


def test_there_are_at_least_25_distinct_bad_inventories():
    assert len({case[0] for case in CASES}) == len(CASES) >= 25


@pytest.mark.parametrize(("name", "host", "variable", "fragment"),
                         [(c[0], c[2], c[3], c[4]) for c in CASES], ids=[c[0] for c in CASES])
def test_bad_inventory_stops_before_any_host(runs, name, host, variable, fragment):
    returncode, lines, markers, output = runs[name]
    assert returncode != 0, output
    assert markers == [], "a task ran on a managed host"
    prefix = f"{host}: {variable}: "
    matching = [line for line in lines if line.startswith(prefix)]
    assert matching, f"no '{prefix}...' in {lines or output}"
    assert any(fragment in line for line in matching), matching


def test_secret_values_are_never_printed(runs):
    for name in ("example_secret_changeme", "example_secret_prefix", "esl_password_left_at_cluecon"):
        output = runs[name][3]
        assert "changeme" not in output.replace("freeswitch_ha_", "")
        assert "example-replication-pw" not in output and "ClueCon" not in output
        for value in LAB_FARM["vars"].values():
            if isinstance(value, str) and value.startswith(("Zq8", "Hs7", "Wc4")):
                assert value not in output
