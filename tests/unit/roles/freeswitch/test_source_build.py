"""The freeswitch role's source build script (install method source): it renders
from the pinned refs, in dependency order, with exactly the role's module list,
and is valid bash. The build itself runs in the lab's package builder
(tools/freeswitch_build.py) and in every scenario that installs its package."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_modules import freeswitch_module_table

ROLE = Path(__file__).resolve().parents[4] / "roles" / "freeswitch"
ORDER = ["libks", "signalwire-c", "spandsp", "sofia-sip", "freeswitch"]


def render(overrides=None):
    variables = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    variables.update(yaml.safe_load((ROLE / "vars" / "main.yml").read_text()))
    # the role reads the table with its filter; the same function, without a collection loader here
    table = freeswitch_module_table((ROLE / "files" / "freeswitch-modules" / "modules-v1.10.12.tsv").read_text())
    variables.update({"ansible_managed": "Ansible managed", "ansible_facts": {"processor_vcpus": 2},
                      "__freeswitch_module_table": table}, **(overrides or {}))
    # role variables are templates too (as Ansible loads them from the role)
    variables = {k: trust_as_template(v) if isinstance(v, str) else v for k, v in variables.items()}
    templar = Templar(loader=DataLoader(), variables=variables)
    source = (ROLE / "templates" / "usr" / "local" / "src" / "freeswitch-ha" / "build.sh.j2").read_text()
    return templar.template(trust_as_template(source))


@pytest.fixture(scope="module")
def script():
    return render()


def test_every_component_is_pinned_and_built_in_dependency_order(script):
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    components = defaults["freeswitch_source_components"]
    assert [c["name"] for c in components] == ORDER
    positions = [script.index(f"step '{c['name']} at {c['ref']}'") for c in components]
    assert positions == sorted(positions)
    for component in components:
        assert component["ref"] not in ("master", "main", "HEAD")
        # the checkout must be exactly the pinned ref before anything is built
        assert f"git rev-parse '{component['ref']}^{{commit}}'" in script


def test_freeswitch_is_configured_like_the_packages(script):
    assert "--enable-fhs --prefix=/usr --sysconfdir=/etc --localstatedir=/var --enable-core-odbc-support" in script


def test_modules_conf_is_exactly_the_module_list(script):
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    body = script.split("<<'MODULES'\n", 1)[1].split("\nMODULES\n", 1)[0].splitlines()
    assert [line.rsplit("/", 1)[1] for line in body] == defaults["freeswitch_modules"]
    assert "endpoints/mod_verto" in body and "applications/mod_spandsp" in body and "codecs/mod_opus" in body
    smaller = render({"freeswitch_modules": ["mod_sofia", "mod_console"]})
    assert smaller.split("<<'MODULES'\n", 1)[1].split("\nMODULES\n", 1)[0].splitlines() == [
        "endpoints/mod_sofia", "loggers/mod_console"]


def test_the_stamp_follows_the_modules(script):
    changed = render({"freeswitch_modules": ["mod_sofia"]})
    assert [x for x in script.splitlines() if ".built-" in x] != [x for x in changed.splitlines() if ".built-" in x]


def test_the_stamp_follows_the_refs(script):
    changed = render({"freeswitch_source_components": [
        {"name": "libks", "repo": "https://github.com/signalwire/libks.git", "ref": "v2.0.7", "build": "cmake"}]})
    stamp = [line for line in script.splitlines() if ".built-" in line]
    other = [line for line in changed.splitlines() if ".built-" in line]
    assert stamp and other and stamp != other


def test_the_script_is_valid_bash(script, tmp_path):
    path = tmp_path / "build.sh"
    path.write_text(script)
    subprocess.run(["bash", "-n", str(path)], check=True)
