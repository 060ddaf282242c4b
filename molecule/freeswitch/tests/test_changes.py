"""Re-runs from the controller: a new RTP range changes only switch.conf.xml and
fires one reload; bad input stops before anything changes."""

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


def changed_then_back(host, before):
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
    ]
    names = [name for name, dummy in tasks]
    assert names.count("Find out whether FreeSWITCH runs") == 1
    assert names.count("Report that the XML reload was skipped") == 1   # no FreeSWITCH here: said, not faked
    assert "Reload systemd for the FreeSWITCH unit" not in names
    # and back: the plan's own range again, the same single change
    rc, out, err = converge()
    assert rc == 0, out[-3000:] + err[-3000:]
    assert checksums(host) == before


def _failure(stdout):
    tasks = role_tasks(stdout)
    assert changed_items(tasks) == [], "something changed before the input was refused"
    failed = [(name, result) for name, result in tasks if result.get("failed")]
    assert len(failed) == 1
    return failed[0]


def test_missing_token_with_method_repo_stops_before_any_change(only_fsw1):
    host = only_fsw1
    rc, out, dummy = converge({"freeswitch_ha_install_method": "repo"})
    assert rc != 0
    name, result = _failure(out)
    assert name == "Check that the repository token is set for install method repo"
    assert result["msg"].startswith("fsw1: freeswitch_repo_token (inventory: freeswitch_ha_signalwire_token) is missing")
    assert not host.file("/etc/apt/auth.conf.d/freeswitch-signalwire.conf").exists
    assert not host.file("/etc/apt/sources.list.d/freeswitch.sources").exists


def test_example_db_password_stops_before_any_change(only_fsw1):
    rc, out, dummy = converge({"freeswitch_ha_db_password": "example-db-password"})
    assert rc != 0
    assert "example-db-password" not in out
    name, result = _failure(out)
    assert name == "Check that the database password is real and fits in a DSN and in XML"
    assert result["msg"].startswith("fsw1: freeswitch_db_password (inventory: freeswitch_ha_db_password) is an example value")
