"""Re-runs from the controller against the running FreeSWITCH: a new RTP range
changes only switch.conf.xml, which FreeSWITCH reads only at start, so the role
records and reports the restart it needs instead of dropping calls; bad input
stops before anything changes."""

from __future__ import annotations

import json

import testinfra

from conftest import converge

CONF = "/etc/freeswitch"


def checksums(host):
    out = host.check_output("find %s /etc/odbc.ini /etc/systemd/system/freeswitch.service.d -type f -exec sha1sum {} +", CONF)
    return {line.split()[1]: line.split()[0] for line in out.splitlines()}


def role_tasks(stdout):
    """[(task name, fsw1 result)] of every task and handler that ran on fsw1."""
    report = json.loads(stdout[stdout.index("{"):])
    found = []
    for play in report["plays"]:
        for task in play["tasks"]:
            if "fsw1" in task["hosts"]:
                found.append((task["task"]["name"].split(" : ")[-1], task["hosts"]["fsw1"]))
    return found


def changed_items(tasks):
    """[(task, item or file)] of every change: loop items, the files a freeswitch_config_files run wrote, or None."""
    changed = []
    for name, result in tasks:
        if result.get("results"):
            changed += [(name, item.get("item")) for item in result["results"] if item.get("changed")]
        elif result.get("changed_files"):
            changed += [(name, path) for path in result["changed_files"]]
        elif result.get("changed"):
            changed.append((name, None))
    return changed


def test_new_rtp_range_changes_only_switch_conf_and_reloads_once(only_fsw1):
    host = only_fsw1
    before = checksums(host)
    try:
        changed_then_back(host, before)
    except BaseException:
        converge()  # leave the scenario as converge made it
        raise


MARKER = "/var/lib/freeswitch-ha/restart-needed"


def main_pid(host):
    return host.check_output("systemctl show --property=MainPID --value freeswitch.service")


def changed_then_back(host, before):
    assert not host.file(MARKER).exists, "a restart was still pending before the test"
    pid = main_pid(host)
    rc, out, err = converge({"freeswitch_ha_rtp_range": "30000-30999"})
    assert rc == 0, out[-3000:] + err[-3000:]
    after = checksums(host)
    assert {path for path in before if before[path] != after.get(path)} == {f"{CONF}/autoload_configs/switch.conf.xml"}
    assert set(after) == set(before)
    switch_conf = host.file(f"{CONF}/autoload_configs/switch.conf.xml").content_string
    assert '"rtp-start-port" value="30000"' in switch_conf and '"rtp-end-port" value="30999"' in switch_conf
    tasks = role_tasks(out)
    assert changed_items(tasks) == [
        ("Render the configuration into the staging copy", "autoload_configs/switch.conf.xml"),
        ("Install the checked configuration", "autoload_configs/switch.conf.xml"),
        ("Record which changed files FreeSWITCH reads only at start", "autoload_configs/switch.conf.xml"),
        ("Reload the FreeSWITCH XML configuration and ACLs", None),
        ("Reload the ACLs", None),
    ]
    names = [name for name, dummy in tasks]
    assert names.count("Find out whether FreeSWITCH runs") == 1
    assert "Reload systemd for the FreeSWITCH unit" not in names
    # switch.conf is read only at start: the restart is reported, never done behind the operator's back
    report = dict(tasks)["Report the restart FreeSWITCH still needs"]
    assert "rolling_restart.yml --limit fsw1" in report["msg"]
    assert main_pid(host) == pid
    assert host.file(MARKER).content_string.split() == ["autoload_configs/switch.conf.xml"]
    # and back: the plan's own range again, the same single file
    rc, out, err = converge()
    assert rc == 0, out[-3000:] + err[-3000:]
    assert checksums(host) == before
    # once FreeSWITCH has restarted (here by hand), the next run forgets the recorded restart
    host.run_test("systemctl restart freeswitch.service")
    rc, out, err = converge()
    assert rc == 0, out[-3000:] + err[-3000:]
    assert not host.file(MARKER).exists
    assert main_pid(host) != pid


def _failure(stdout):
    tasks = role_tasks(stdout)
    assert changed_items(tasks) == [], "something changed before the input was refused"
    failed = [(name, result) for name, result in tasks if result.get("failed")]
    assert len(failed) == 1
    return failed[0]


def test_missing_token_for_an_authenticated_repository_stops_before_any_change(only_fsw1):
    host = only_fsw1
    sources = host.file("/etc/apt/sources.list.d/freeswitch.sources").content_string
    rc, out, dummy = converge({"freeswitch_ha_install_method": "repo", "freeswitch_ha_repo_auth": True})
    assert rc != 0
    name, result = _failure(out)
    assert name == "Check that the repository token is set for an authenticated repository"
    assert result["msg"].startswith("fsw1: freeswitch_repo_token (inventory: freeswitch_ha_signalwire_token) is missing")
    assert not host.file("/etc/apt/auth.conf.d/freeswitch-signalwire.conf").exists
    assert host.file("/etc/apt/sources.list.d/freeswitch.sources").content_string == sources


def test_an_unknown_module_stops_before_any_change(only_fsw1):
    rc, out, dummy = converge({"freeswitch_modules": ["mod_sofia", "mod_sofiaa"]})
    assert rc != 0
    name, result = _failure(out)
    assert name == "Check that every module is one FreeSWITCH has"
    assert result["msg"].startswith("fsw1: freeswitch_modules: mod_sofiaa is not a module of FreeSWITCH v1.10.12")


def test_a_codec_without_its_module_is_refused_by_the_config_check(only_fsw1):
    host = only_fsw1
    before = checksums(host)
    modules = ["mod_console", "mod_logfile", "mod_event_socket", "mod_sofia", "mod_commands", "mod_dptools",
               "mod_dialplan_xml", "mod_opus", "mod_sndfile", "mod_native_file", "mod_tone_stream"]
    rc, out, dummy = converge({"freeswitch_modules": modules, "freeswitch_ha_verto_tls": False})
    assert rc != 0
    failed = [(name, result) for name, result in role_tasks(out) if result.get("failed")]
    assert [name for name, dummy in failed] == ["Check the staged configuration the way FreeSWITCH reads it"]
    assert any("advertises G722, but no loaded module provides it (mod_spandsp" in p for p in failed[0][1]["problems"])
    assert checksums(host) == before   # the live tree was never touched
    rc, out, err = converge()          # the staging copy as converge made it
    assert rc == 0, out[-3000:] + err[-3000:]


def test_example_db_password_stops_before_any_change(only_fsw1):
    rc, out, dummy = converge({"freeswitch_ha_db_password": "example-db-password"})
    assert rc != 0
    assert "example-db-password" not in out
    name, result = _failure(out)
    assert name == "Check that the database password is real and fits in a DSN and in XML"
    assert result["msg"].startswith("fsw1: freeswitch_db_password (inventory: freeswitch_ha_db_password) is an example value")


# The operator's own files: a user and an extension from the inventory, an
# extension placed by hand under local/ (the operator's: included, never touched).
A1_HASH = "3f1c1b2f0d8e4a5b6c7d8e9f0a1b2c3d"
XML_FILES = [
    {"path": "directory/fsw.lab.invalid/3001.xml",
     "content": f'<include>\n  <user id="3001">\n    <params>\n      <param name="a1-hash" value="{A1_HASH}"/>\n'
                '    </params>\n  </user>\n</include>\n'},
    {"path": "dialplan/extensions/tone-9198.xml",
     "content": '<include>\n  <extension name="operator-tone">\n'
                '    <condition field="destination_number" expression="^9198$">\n'
                '      <action application="answer"/>\n'
                '      <action application="playback" data="tone_stream://%(500,500,480);loops=-1"/>\n'
                '    </condition>\n  </extension>\n</include>\n'},
]
LOCAL_FILE = f"{CONF}/local/dialplan/extensions/echo-9199.xml"
LOCAL_CONTENT = ('<include>\n  <extension name="operator-echo">\n'
                 '    <condition field="destination_number" expression="^9199$">\n'
                 '      <action application="answer"/>\n      <action application="echo"/>\n'
                 '    </condition>\n  </extension>\n</include>\n')


def _answered(number):
    """One 1 s call from the tenant VIP on fswdb to fsw1's farm profile: SIPp's exit status (0: answered)."""
    caller = testinfra.get_host("docker://fsha-fswdb")
    return caller.run(f"sipp 172.28.66.21:5060 -sn uac -s {number} -i 172.28.66.100 -p 5098 -m 1 -d 1000 "
                      "-timeout 15 -nostdin >/dev/null 2>&1").rc


def test_the_operators_files_go_live_alone_and_leave_with_their_entries(only_fsw1):
    host = only_fsw1
    host.run_test("printf %s %s > " + LOCAL_FILE, "%s", LOCAL_CONTENT)
    host.run_test("fs_cli -x reloadxml")
    before = checksums(host)
    try:
        operator_files_round_trip(host, before)
    except BaseException:
        converge()
        raise
    finally:
        host.run("rm -f %s && fs_cli -x reloadxml", LOCAL_FILE)


def operator_files_round_trip(host, before):
    rc, out, err = converge({"freeswitch_ha_xml_files": XML_FILES})
    assert rc == 0, out[-3000:] + err[-3000:]
    assert A1_HASH not in out + err   # a directory file may hold secrets: never printed
    after = checksums(host)
    added = {f"{CONF}/inventory/{entry['path']}" for entry in XML_FILES}
    assert set(after) - set(before) == added
    assert {path for path in before if before[path] != after[path]} == set()
    # no_log hides which files the two runs wrote; both are applied by reloadxml, so no restart is recorded
    assert changed_items(role_tasks(out)) == [
        ("Render the operator's XML files into the staging copy", None),
        ("Install the checked operator's XML files", None),
        ("Reload the FreeSWITCH XML configuration and ACLs", None),
        ("Reload the ACLs", None),
    ]
    assert not host.file(MARKER).exists
    assert host.check_output("fs_cli -x 'user_exists id 3001 fsw.lab.invalid'") == "true"
    assert _answered(9198) == 0, "the inventory's extension did not answer"
    assert _answered(9199) == 0, "the extension placed by hand under local/ did not answer"
    # (that a re-run changes nothing is the site scenario's idempotence step: the lab inventory has an operator file)
    # a transfer to a context that does not exist is refused by the box's check; the live tree stays as it was
    broken = [XML_FILES[0], dict(XML_FILES[1], content=XML_FILES[1]["content"].replace(
        '<action application="answer"/>', '<action application="transfer" data="9198 XML nowhere"/>'))]
    rc, out, err = converge({"freeswitch_ha_xml_files": broken})
    assert rc != 0
    failed = [(name, result) for name, result in role_tasks(out) if result.get("failed")]
    assert [name for name, dummy in failed] == ["Check the staged configuration the way FreeSWITCH reads it"]
    assert any("inventory/dialplan/extensions/tone-9198.xml:4: transfer 9198 XML nowhere: dialplan context "
               "'nowhere' does not exist" in p for p in failed[0][1]["problems"]), failed[0][1]["problems"]
    assert checksums(host) == after
    # the entries gone, their files go; the operator's own file under local/ stays
    rc, out, err = converge()
    assert rc == 0, out[-3000:] + err[-3000:]
    assert checksums(host) == before
    assert host.check_output("fs_cli -x 'user_exists id 3001 fsw.lab.invalid'") == "false"
    assert host.file(LOCAL_FILE).content_string == LOCAL_CONTENT
