"""Re-runs from the controller against the running FreeSWITCH: a new RTP range
changes only switch.conf.xml, which FreeSWITCH reads only at start, so the role
records and reports the restart it needs instead of dropping calls; bad input
stops before anything changes."""

from __future__ import annotations

import json

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
