"""The operation playbooks refuse what they must refuse, before any host is touched.

- drill.yml against an inventory not marked with freeswitch_ha_allow_drills;
- drain.yml and undrain.yml without a FreeSWITCH host to act on;
- site.yml when a host of the farm does not answer: it stops after the
  reachability play, with no tier play run on any host.
The inventories are the lab picture (tests/conftest.py) with local connections,
so nothing outside the controller is contacted (the unreachable host is an SSH
port on loopback that nothing listens on).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LAB_FARM, ROOT
from test_preflight import write_inventory

PLAYBOOKS = ROOT / "playbooks"


def run_playbook(tmp_path, farm, playbook, *extra):
    """(returncode, {play name: {host: [task results]}}, raw output) of one JSON-callback run."""
    write_inventory(farm, tmp_path / "hosts.yml")
    env = dict(os.environ,
               ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"),
               ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
               ANSIBLE_HOST_KEY_CHECKING="false",
               ANSIBLE_NOCOLOR="1")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(tmp_path / "hosts.yml"), str(playbook), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    plays = {}
    report = json.loads(proc.stdout)
    for play in report["plays"]:
        hosts = plays.setdefault(play["play"]["name"], {})
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                hosts.setdefault(host, []).append(dict(result, task=task["task"]["name"]))
    return proc.returncode, plays, proc.stdout + proc.stderr


def failure_messages(plays):
    return [str(r.get("msg")) for results in plays.values() for rs in results.values() for r in rs if r.get("failed")]


def test_drill_refuses_an_inventory_not_marked_for_drills(tmp_path):
    farm = copy.deepcopy(LAB_FARM)
    farm["vars"].pop("freeswitch_ha_allow_drills", None)
    returncode, plays, output = run_playbook(tmp_path, farm, PLAYBOOKS / "drill.yml")
    assert returncode != 0, output
    assert any("freeswitch_ha_allow_drills" in m and "does not allow" in m for m in failure_messages(plays)), output
    # the preflight and the plan (which carries the setting with its default), then the refusal: all on the
    # controller, no managed host touched
    assert [name for name, hosts in plays.items() if hosts] == [
        "Check the inventory before any host is touched", "Compute the farm plan",
        "Refuse to drill an inventory not marked for drills"]
    assert {host for hosts in plays.values() for host in hosts} == {"localhost"}


@pytest.mark.parametrize("playbook", ["drain.yml", "undrain.yml"])
@pytest.mark.parametrize("target", [None, "lb1", "fs9"])
def test_drain_needs_one_freeswitch_host(tmp_path, playbook, target):
    extra = [] if target is None else ["-e", f"freeswitch_ha_drain_host={target}"]
    returncode, plays, output = run_playbook(tmp_path, copy.deepcopy(LAB_FARM), PLAYBOOKS / playbook, *extra)
    assert returncode != 0, output
    messages = failure_messages(plays)
    assert any(m.startswith("localhost: freeswitch_ha_drain_host:") and "freeswitch group" in m for m in messages), output
    assert {host for hosts in plays.values() for host in hosts} == {"localhost"}


def test_site_stops_before_any_tier_when_a_host_is_unreachable(tmp_path):
    farm = copy.deepcopy(LAB_FARM)
    # every host runs locally (read-only fact gathering on the controller) except db2: an SSH port on
    # loopback nothing listens on
    farm["hosts"]["db2"].update(ansible_connection="ssh", ansible_host="127.0.0.1", ansible_port=9,
                                ansible_user="nobody", ansible_ssh_timeout=5)
    returncode, plays, output = run_playbook(tmp_path, farm, ROOT / "site.yml")
    assert returncode != 0, output
    reach = plays["Reach every host of the farm before changing any"]
    assert any(r.get("unreachable") for r in reach["db2"]), output
    ran = [name for name, hosts in plays.items() if any(h != "localhost" for h in hosts)]
    assert ran == ["Reach every host of the farm before changing any"], output
