"""freeswitch_config_check on configuration trees in a temporary folder: argument checks, the result of a clean
tree, every problem in one failure, the data files, the preprocessor variables and exec, and check mode.

The module only reads files, so this is its whole behaviour short of FreeSWITCH itself: that FreeSWITCH reads a tree
that passes the same way (and that the installed tree passes) is covered by the Molecule scenario molecule/freeswitch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.modules import freeswitch_config_check as module

from .module_harness import run_module

ROOT = Path(__file__).resolve().parents[4]
PARAMS = ROOT / "roles/freeswitch/files/freeswitch-params/params-v1.10.12.tsv"
CODECS = ROOT / "roles/freeswitch/files/freeswitch-modules/codecs-v1.10.12.tsv"
STOCK = Path(__file__).resolve().parent.parent / "module_utils" / "data" / "stock"


@pytest.fixture
def conf(tmp_path):
    shutil.copytree(STOCK, tmp_path / "conf")
    return tmp_path / "conf"


def _run(monkeypatch, root, **args):
    return run_module(monkeypatch, module, dict({"root": str(root), "param_names": PARAMS.read_text()}, **args))


def test_a_stock_tree_passes_and_changes_nothing(monkeypatch, conf):
    result = _run(monkeypatch, conf)
    assert "failed" not in result and result["changed"] is False
    assert (result["problems"], result["version"]) == ([], "v1.10.12")
    assert result["files"][:2] == ["freeswitch.xml", "vars.xml"]
    assert "sofia profile internal" in result["sections"] and result["params_checked"] > 40


def test_check_mode_gives_the_same_answer(monkeypatch, conf):
    (conf / "sip_profiles/internal.xml").write_text(
        (conf / "sip_profiles/internal.xml").read_text().replace('name="sip-port"', 'name="sip-prot"', 1))
    assert _run(monkeypatch, conf, _ansible_check_mode=True) == _run(monkeypatch, conf)


def test_every_problem_in_one_failure(monkeypatch, conf):
    internal = conf / "sip_profiles/internal.xml"
    internal.write_text(internal.read_text().replace('name="sip-port"', 'name="sip-prot"', 1)
                        .replace("$${internal_sip_port}", "$${internal_sip_prot}", 1))
    result = _run(monkeypatch, conf)
    assert result["failed"] and result["changed"] is False
    assert result["msg"].startswith("FreeSWITCH configuration check failed (2 problem(s)): sip_profiles/internal.xml:")
    assert any("unknown parameter 'sip-prot'" in p and "did you mean 'sip-port'" in p for p in result["problems"])
    assert any("unexpanded $${internal_sip_prot}" in p for p in result["problems"])
    assert result["version"] == "v1.10.12"


def test_the_names_can_come_from_a_file_on_the_host(monkeypatch, conf):
    result = run_module(monkeypatch, module, {"root": str(conf), "param_names_file": str(PARAMS)})
    assert result["problems"] == [] and result["version"] == "v1.10.12"
    missing = conf / "params.tsv"
    result = run_module(monkeypatch, module, {"root": str(conf), "param_names_file": str(missing)})
    assert result["failed"] and result["msg"].startswith(f"param_names_file: cannot read {missing}: ")


@pytest.mark.parametrize(("args", "message"), [
    ({}, "one of the following is required: param_names, param_names_file"),
    ({"param_names": "x", "param_names_file": "/x"}, "parameters are mutually exclusive: param_names|param_names_file"),
])
def test_exactly_one_source_of_names(monkeypatch, conf, args, message):
    result = run_module(monkeypatch, module, dict({"root": str(conf)}, **args))
    assert result["failed"] and result["msg"] == message


def test_unreadable_names_and_root_are_named(monkeypatch, conf, tmp_path):
    result = _run(monkeypatch, conf, param_names="# only a comment\n")
    assert result["failed"] and result["msg"].startswith("param_names: ") and "no parameter names" in result["msg"]
    result = _run(monkeypatch, tmp_path / "nowhere")
    assert result["failed"] and result["msg"] == f"root {tmp_path / 'nowhere'} is not a directory"


def test_codecs_file_judges_advertised_codecs(monkeypatch, conf, tmp_path):
    # the stock tree advertises G722 and OPUS but loads neither mod_spandsp nor mod_opus
    result = _run(monkeypatch, conf, codecs_file=str(CODECS))
    assert result["failed"]
    assert any("advertises G722, but no loaded module provides it" in p for p in result["problems"])
    result = _run(monkeypatch, conf, codecs_file=str(tmp_path / "codecs.tsv"))
    assert result["failed"] and result["msg"].startswith("codecs_file: cannot read ")


def test_variables_are_the_preprocessors(monkeypatch, conf):
    internal = conf / "sip_profiles/internal.xml"
    internal.write_text(internal.read_text().replace("$${internal_sip_port}", "$${farm_sip_port}", 1))
    assert _run(monkeypatch, conf)["failed"]
    assert _run(monkeypatch, conf, variables={"farm_sip_port": "5070"})["problems"] == []


def test_exec_runs_only_when_allowed(monkeypatch, conf):
    vars_xml = conf / "vars.xml"
    vars_xml.write_text(vars_xml.read_text().replace('<X-PRE-PROCESS cmd="set" data="default_country=US"/>',
                                                     '<X-PRE-PROCESS cmd="exec-set" data="default_country=echo FR"/>'))
    commands = []

    def run(command):
        commands.append(command)
        return "FR\n"
    monkeypatch.setattr(module, "shell_runner", lambda: run)
    result = _run(monkeypatch, conf)
    assert result["failed"] and any("not evaluated" in p for p in result["problems"]) and commands == []
    assert _run(monkeypatch, conf, allow_exec=True)["problems"] == []
    assert commands == ["echo FR"]
