"""The FreeSWITCH config check: preprocessor rules, XML, unexpanded vars, param names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_config import (
    SOFIA,
    SWITCH,
    VERTO,
    Preprocessor,
    check_config,
    expand_vars,
    format_problem,
    parse_param_names,
)

ROOT = Path(__file__).resolve().parents[4]
PARAMS = ROOT / "roles" / "freeswitch" / "files" / "freeswitch-params"
STOCK = Path(__file__).resolve().parent / "data" / "stock"


@pytest.fixture(scope="module")
def names():
    return parse_param_names((PARAMS / "params-v1.10.12.tsv").read_text())


@pytest.fixture
def conf(tmp_path):
    target = tmp_path / "conf"
    shutil.copytree(STOCK, target)
    return target


def messages(result):
    return [format_problem(p) for p in result["problems"]]


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_data_files_name_their_version():
    for path, version in ((PARAMS / "params-v1.10.12.tsv", "v1.10.12"),
                          (PARAMS / "params-master-cc93a683ca.tsv", "master-cc93a683ca")):
        assert parse_param_names(path.read_text()).version == version


def test_names_match_like_freeswitch(names):
    assert names.known(SOFIA, "sip-port")
    assert names.known(SOFIA, "SIP-Port")                  # strcasecmp
    assert not names.known(SOFIA, "sip-prot")
    assert names.known(VERTO, "bind-local")
    assert not names.known(VERTO, "sip-port")
    assert names.known(SWITCH, "rtp-start-port")
    assert not names.known(SWITCH, "sql-buffer-len")         # stock, commented out, read by no parser
    assert names.suggest(SOFIA, "sip-prot") == "sip-port"


def test_bad_data_is_refused():
    with pytest.raises(ValueError, match="4 tab-separated"):
        parse_param_names("switch_core.c\tswitch_load_core_config\tloglevel\n")
    with pytest.raises(ValueError, match="unknown match"):
        parse_param_names("switch_core.c\tswitch_load_core_config\tloglevel\tfuzzy\n"
                          "sofia.c\tconfig_sofia\tsip-port\texact-nocase\n")
    with pytest.raises(ValueError, match="lacks"):
        parse_param_names("sofia.c\tconfig_sofia\tsip-port\texact-nocase\n")
    with pytest.raises(ValueError, match="no parameter names"):
        parse_param_names("# only a comment\n")


def test_stock_like_configuration_passes(conf, names):
    result = check_config(str(conf), names)
    assert messages(result) == []
    assert result["ok"]
    assert "sip_profiles/internal.xml" in result["files"]
    assert "sip_profiles/external/example.xml" in result["files"]   # include relative to the including file
    assert {"switch.conf settings", "sofia global_settings", "sofia profile internal", "sofia profile external",
            "sofia profile external gateway carrier", "verto settings", "verto profile default-v4"} <= set(result["sections"])
    assert result["params_checked"] > 100
    # stun-set cannot be resolved offline: a warning, not a failure
    assert any("stun" in w["message"] for w in result["warnings"])


def test_misspelled_sofia_parameter_is_rejected(conf, names):
    edit(conf / "sip_profiles" / "internal.xml", 'name="sip-port"', 'name="sip-prot"')
    result = check_config(str(conf), names)
    assert not result["ok"]
    [problem] = result["problems"]
    assert problem["file"] == "sip_profiles/internal.xml"
    assert problem["line"] == 25
    assert "sofia profile internal: unknown parameter 'sip-prot'" in problem["message"]
    assert "did you mean 'sip-port'" in problem["message"]


def test_unknown_verto_parameter_is_rejected(conf, names):
    edit(conf / "autoload_configs" / "verto.conf.xml", '<param name="timer-name" value="soft"/>',
         '<param name="timer-name" value="soft"/>\n      <param name="ext-sip-ip" value="192.0.2.1"/>')
    [line] = messages(check_config(str(conf), names))
    assert line.startswith("autoload_configs/verto.conf.xml:36: verto profile default-v4: unknown parameter 'ext-sip-ip'")


def test_unknown_verto_setting_and_switch_setting_are_rejected(conf, names):
    edit(conf / "autoload_configs" / "verto.conf.xml", '<param name="debug" value="0"/>',
         '<param name="detach-timeout" value="120"/>')
    edit(conf / "autoload_configs" / "switch.conf.xml", '<!-- <param name="sql-buffer-len" value="1m"/> -->',
         '<param name="sql-buffer-len" value="1m"/>')
    lines = messages(check_config(str(conf), names))
    assert any("verto settings: unknown parameter 'detach-timeout'" in m and "detach-timeout-sec" in m for m in lines)
    assert any("switch.conf settings: unknown parameter 'sql-buffer-len'" in m for m in lines)


def test_unknown_gateway_parameter_is_rejected(conf, names):
    edit(conf / "sip_profiles" / "external" / "example.xml", 'name="retry-seconds"', 'name="retry-second"')
    [line] = messages(check_config(str(conf), names))
    assert "gateway carrier: unknown parameter 'retry-second'" in line


def test_unexpanded_variable_is_rejected(conf, names):
    edit(conf / "sip_profiles" / "internal.xml", "$${internal_sip_port}", "$${internal_sip_prot}")
    [problem] = check_config(str(conf), names)["problems"]
    assert problem["file"] == "sip_profiles/internal.xml"
    assert "unexpanded $${internal_sip_prot}" in problem["message"]


def test_variable_used_before_it_is_set_is_unexpanded(conf, names):
    # the preprocessor works top to bottom: a set after the use is too late
    edit(conf / "vars.xml", '<X-PRE-PROCESS cmd="set" data="domain_name=$${domain}"/>',
         '<X-PRE-PROCESS cmd="set" data="domain_name=$${late}"/>\n  <X-PRE-PROCESS cmd="set" data="late=x"/>')
    edit(conf / "directory" / "default.xml", 'name="$${domain}"', 'name="$${domain_name}"')
    [problem] = check_config(str(conf), names)["problems"]
    assert problem["file"] == "directory/default.xml"
    assert "$${late}" in problem["message"]


def test_unterminated_variable_is_rejected(conf, names):
    edit(conf / "sip_profiles" / "external.xml", "$${hold_music}", "$${hold_music")
    lines = messages(check_config(str(conf), names))
    assert any("unterminated $${" in m for m in lines)


def test_broken_include_is_rejected(conf, names):
    edit(conf / "freeswitch.xml", 'data="vars.xml"', 'data="var.xml"')
    lines = messages(check_config(str(conf), names))
    assert lines[0] == "freeswitch.xml:8: broken include: var.xml does not exist"


def test_included_file_that_breaks_the_xml_is_located(conf, names):
    edit(conf / "sip_profiles" / "external.xml", '<param name="debug" value="0"/>', '<param name="debug" value="0">')
    [problem] = check_config(str(conf), names)["problems"]
    assert problem["file"] == "sip_profiles/external.xml"
    assert "not well-formed XML" in problem["message"]


def test_include_loop_is_stopped(conf, names):
    (conf / "autoload_configs" / "loop.xml").write_text(
        '<X-PRE-PROCESS cmd="include" data="loop.xml"/>\n')
    lines = messages(check_config(str(conf), names))
    assert any("deeper than 100" in m for m in lines)


def test_glob_matching_nothing_is_a_warning_only(conf, names):
    shutil.rmtree(conf / "sip_profiles" / "external")
    result = check_config(str(conf), names)
    assert result["ok"]
    assert any("matches no file" in w["message"] for w in result["warnings"])


def test_x_pre_process_in_a_comment_still_runs(conf, names):
    # FreeSWITCH: "YOU CAN NOT COMMENT OUT AN X-PRE-PROCESS line"
    edit(conf / "vars.xml", '<X-PRE-PROCESS cmd="set" data="hold_music=local_stream://moh"/>',
         '<!-- <X-PRE-PROCESS cmd="set" data="hold_music=local_stream://moh"/> -->')
    assert check_config(str(conf), names)["ok"]


def test_exec_is_not_run_unless_allowed(conf, names):
    edit(conf / "vars.xml", '<X-PRE-PROCESS cmd="set" data="default_country=US"/>',
         '<X-PRE-PROCESS cmd="exec-set" data="default_country=echo FR"/>')
    assert any("not evaluated" in m for m in messages(check_config(str(conf), names)))
    seen = []

    def run(command):
        seen.append(command)
        return "FR\n"
    assert check_config(str(conf), names, run=run)["ok"]
    assert seen == ["echo FR"]


def test_env_set_reads_the_environment(tmp_path, names):
    (tmp_path / "freeswitch.xml").write_text(
        '<X-PRE-PROCESS cmd="env-set" data="who=FSHA_WHO"/>\n<document type="freeswitch/xml">\n'
        '<section name="x" description="$${who}"/>\n</document>\n')
    pre = Preprocessor(str(tmp_path), environ={"FSHA_WHO": "farm"})
    assert pre.process(str(tmp_path / "freeswitch.xml"))
    assert 'description="farm"' in "".join(text for text, dummy, dummy2 in pre.lines)
    result = check_config(str(tmp_path), names, environ={})
    assert any("unexpanded $${who}" in m for m in messages(result))


def test_expand_vars_like_freeswitch():
    assert expand_vars("a $${x} b $${y}", {"x": "1"}) == ("a 1 b $${y}", False)
    assert expand_vars("$${X}", {"x": "case"}) == ("case", False)   # core variables are case-insensitive
    assert expand_vars("no vars ${x}", {}) == ("no vars ${x}", False)
    assert expand_vars("$${open", {})[1] is True


def test_lines_with_include_tags_and_pi_are_dropped(tmp_path, names):
    (tmp_path / "freeswitch.xml").write_text(
        '<?xml version="1.0"?>\n<document type="freeswitch/xml">\n<include><broken\n</document>\n')
    result = check_config(str(tmp_path), names)
    assert result["ok"], messages(result)


def test_wrong_root_element_is_reported(tmp_path, names):
    (tmp_path / "freeswitch.xml").write_text("<configuration/>\n")
    assert any("expects <document>" in m for m in messages(check_config(str(tmp_path), names)))


def test_missing_main_file(tmp_path, names):
    result = check_config(str(tmp_path), names)
    assert not result["ok"]
    assert "cannot read freeswitch.xml" in messages(result)[0]


def test_a_codec_advertised_without_its_module_is_refused(names, conf):
    from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_modules import codec_providers
    codecs = codec_providers((ROOT / "roles/freeswitch/files/freeswitch-modules/codecs-v1.10.12.tsv").read_text())
    # The stock tree advertises OPUS and G722 but loads neither mod_opus nor mod_spandsp.
    found = messages(check_config(str(conf), names, codecs=codecs))
    assert any("sofia profile internal: inbound-codec-prefs advertises G722, but no loaded module provides it"
               in m and "mod_spandsp" in m for m in found), found
    assert any("verto profile" in m and "advertises OPUS" in m and "mod_opus" in m for m in found), found
    edit(conf / "autoload_configs/modules.conf.xml", '<load module="mod_dialplan_xml"/>',
         '<load module="mod_dialplan_xml"/><load module="mod_opus"/><load module="mod_spandsp"/>')
    assert check_config(str(conf), names, codecs=codecs)["ok"]
    # without the codec table the check judges parameter names only, as before
    edit(conf / "autoload_configs/modules.conf.xml", '<load module="mod_opus"/>', "")
    assert not check_config(str(conf), names, codecs=codecs)["ok"]
    assert check_config(str(conf), names)["ok"]


def test_a_configuration_defined_twice_is_refused_at_the_second(conf, names):
    (conf / "autoload_configs" / "zz_mine.conf.xml").write_text(
        '<configuration name="switch.conf" description="mine">\n</configuration>\n')
    [problem] = check_config(str(conf), names)["problems"]
    assert problem["file"] == "autoload_configs/zz_mine.conf.xml" and problem["line"] == 1
    assert problem["message"].startswith("configuration switch.conf is already defined at autoload_configs/switch.conf.xml:")
    assert problem["message"].endswith("FreeSWITCH reads only the first")


ECHO = '<action application="echo"/>'


@pytest.mark.parametrize("file, old, new, what", [
    ("sip_profiles/internal.xml", '<param name="context" value="public"/>', '<param name="context" value="pubic"/>',
     "sofia.conf param context"),
    ("dialplan/public.xml", ECHO, '<action application="transfer" data="9196 XML defualt"/>',
     "transfer 9196 XML defualt"),
    ("dialplan/public.xml", ECHO, '<anti-action application="execute_extension" data="9196 xml other"/>',
     "execute_extension 9196 xml other"),
])
def test_a_reference_to_a_missing_context_is_refused(conf, names, file, old, new, what):
    edit(conf / file, old, new)
    [problem] = check_config(str(conf), names)["problems"]
    assert problem["file"] == file
    assert problem["message"].startswith(f"{what}: dialplan context ")
    assert "does not exist (contexts: public); FreeSWITCH would find no route there" in problem["message"]


@pytest.mark.parametrize("data", ["9196 XML public", "9196 XML ${tenant_context}", "9196", "9196 inline"])
def test_a_context_that_exists_or_is_named_at_run_time_passes(conf, names, data):
    edit(conf / "dialplan" / "public.xml", ECHO, f'<action application="transfer" data="{data}"/>')
    assert check_config(str(conf), names)["ok"]
