"""Every role has the same shape: argument specs, a README, and one input-check step with one name.

The step is `tasks/validate.yml`, imported by main.yml under the name below
before any task that installs or changes something (only loading the
release's variables may come first), so a reader finds a role's checks in
the same place in every role.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "tasks" / "main.yml").is_file())
STEP = "Validate the role input before changing anything"
# what may run before the input check: reading this release's variables
BEFORE_CHECK = {"ansible.builtin.include_vars", "ansible.builtin.set_fact"}


def test_the_roles_are_found():
    assert {"freeswitch", "kamailio_dispatcher", "haproxy_pgsql", "verto_partition"} <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_role_has_specs_readme_and_validate(role):
    base = ROOT / "roles" / role
    for part in ("meta/argument_specs.yml", "README.md", "tasks/validate.yml"):
        assert (base / part).is_file(), f"roles/{role}: {part} is missing"


@pytest.mark.parametrize("role", ROLES)
def test_input_check_comes_first_under_one_name(role):
    tasks = yaml.safe_load((ROOT / "roles" / role / "tasks" / "main.yml").read_text(encoding="utf-8"))
    for task in tasks:
        action = next(k for k in task if k.startswith("ansible.builtin."))
        if task.get("name") == STEP:
            target = task[action]
            assert action == "ansible.builtin.import_tasks" and target == "validate.yml", (role, task)
            return
        assert action in BEFORE_CHECK, f"roles/{role}: '{task.get('name')}' runs before the input check"
    pytest.fail(f"roles/{role}: tasks/main.yml has no step named '{STEP}'")
