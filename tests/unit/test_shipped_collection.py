"""What a user installs holds together: the example inventory passes the preflight, one ansible-core floor, and the
controller requirements are declared where ansible-builder reads them."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from pathlib import Path

import pytest
import yaml

import lab  # tools/lab.py: inventories read the way the preflight pictures them (as conftest reads the lab)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import inventory_problems
from conftest import ROOT

EXAMPLE = ROOT / "inventories" / "example"
# vault.yml is never committed: its variables are the ones vault.yml.example lists.
VAULT_EXAMPLE = yaml.safe_load((EXAMPLE / "group_vars" / "all" / "vault.yml.example").read_text(encoding="utf-8"))
EXAMPLE_FARM = lab.farm_picture(str(EXAMPLE))


def _real_secret(name):
    """A value no example-secret rule refuses, of the length the longest rule asks (24 characters)."""
    return hashlib.sha256(name.encode()).hexdigest()[:24]


def _with_vault(vault):
    farm = {**EXAMPLE_FARM, "vars": {**EXAMPLE_FARM["vars"], **vault}}
    return inventory_problems(farm, lines=True)


def test_example_inventory_with_its_vault_passes_the_preflight():
    assert _with_vault({name: _real_secret(name) for name in VAULT_EXAMPLE}) == []


@pytest.mark.parametrize("name", sorted(VAULT_EXAMPLE))
def test_every_vault_variable_is_needed(name):
    vault = {other: _real_secret(other) for other in VAULT_EXAMPLE if other != name}
    problems = _with_vault(vault)
    assert problems and all(line.startswith(f"all: {name}: ") for line in problems), problems


def test_the_vault_example_values_are_refused_one_by_one():
    problems = _with_vault(VAULT_EXAMPLE)
    assert sorted(line.split(": ")[1] for line in problems) == sorted(VAULT_EXAMPLE), problems


def _pinned(package):
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    return re.search(rf"^{re.escape(package)}==(\S+)$", text, re.MULTILINE | re.IGNORECASE).group(1)


def test_one_ansible_core_floor_the_tested_one():
    tested = ".".join(_pinned("ansible-core").split(".")[:2])
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    assert runtime["requires_ansible"] == f">={tested}.0"
    roles = {path.parts[-3]: yaml.safe_load(path.read_text(encoding="utf-8"))["galaxy_info"]["min_ansible_version"]
             for path in sorted((ROOT / "roles").glob("*/meta/main.yml"))}
    assert roles and {role: tested for role in roles} == roles


def test_controller_requirements_ship_where_ansible_builder_reads_them():
    environment = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text(encoding="utf-8"))
    requirements = ROOT / environment["dependencies"]["python"]
    lines = [line.split("#")[0].strip() for line in requirements.read_text(encoding="utf-8").splitlines()]
    declared = {re.split(r"[<>=!~ ]", line)[0].lower(): line for line in lines if line}
    # the roles' ipaddr filter needs netaddr on the controller; its floor is the version tested
    assert declared["netaddr"] == f"netaddr>={_pinned('netaddr')}"
    ignored = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))["build_ignore"]
    shipped = ("LICENSE", "meta/execution-environment.yml", str(requirements.relative_to(ROOT)))
    # ansible-galaxy matches build_ignore patterns against each path and each of its folders
    assert not [(path, pattern) for path in shipped for pattern in ignored
                if any(fnmatch.fnmatch(part, pattern) for part in (path, *map(str, Path(path).parents)))]


HEADER = ("# Copyright: contributors to telephony.freeswitch_ha\n"
          "# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)\n")


def test_every_shipped_python_file_has_the_license_header():
    """The header LICENSE's GPL-3.0-or-later asks of each file, the same words everywhere (after a module's shebang)."""
    files = sorted((ROOT / "plugins").rglob("*.py"))
    assert files
    wrong = [str(path.relative_to(ROOT)) for path in files
             if not path.read_text(encoding="utf-8").removeprefix("#!/usr/bin/python\n").startswith(HEADER)]
    assert wrong == []
