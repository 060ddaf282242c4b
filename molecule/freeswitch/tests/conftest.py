"""Shared helpers of the freeswitch scenario's tests."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

SCENARIO = Path(__file__).resolve().parent.parent
PROJECT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY") or SCENARIO.parent.parent)
SECRETS = PROJECT / "build" / "molecule-secrets"
os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", str(PROJECT / "build" / "collections"))


def db_password():
    return (SECRETS / "freeswitch-db").read_text().split()[0]


def user_password():
    """The password of the scenario's user 3101 (inventory group_vars/all/farm.yml)."""
    return (SECRETS / "freeswitch-user").read_text().split()[0]


def directory_user_password():
    """The password of user 3201, whom only the directory service knows (fsha_lab_directory_users)."""
    return (SECRETS / "freeswitch-directory-user").read_text().split()[0]


def converge(*extra_vars, callback="ansible.posix.json"):
    """Run converge.yml against the scenario's containers; (rc, stdout, stderr)."""
    env = dict(os.environ)
    env.update({
        "ANSIBLE_CONFIG": str(PROJECT / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(PROJECT / "build" / "collections"),
        "ANSIBLE_ROLES_PATH": str(PROJECT / "roles"),
        "ANSIBLE_STDOUT_CALLBACK": callback,
        "ANSIBLE_NOCOLOR": "1",
        "MOLECULE_PROJECT_DIRECTORY": str(PROJECT),
    })
    cmd = [str(PROJECT / ".venv" / "bin" / "ansible-playbook"), "-i", str(SCENARIO / "inventory")]
    for extra in extra_vars:
        cmd += ["-e", json.dumps(extra)]
    cmd.append(str(SCENARIO / "converge.yml"))
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def only_fsw1(host):
    """Tests that drive Ansible from the controller run once, from fsw1's test."""
    if host.check_output("hostname") != "fsw1":
        pytest.skip("runs once, with fsw1")
    return host


@pytest.fixture
def caller(host):
    """The test caller (fswdb): SIPp calls from the tenant VIP, the address the farm profile trusts."""
    if "databases" not in host.ansible.get_variables()["group_names"]:
        pytest.skip("the test caller (fswdb) only")
    return host
