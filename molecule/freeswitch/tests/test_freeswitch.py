"""The farm configuration on fsw1: rendered, checked, installed; the DSN reaches the database."""

from __future__ import annotations

import re
import time

import testinfra

import pytest

from conftest import db_password

CONF = "/etc/freeswitch"
FILES = [
    "freeswitch.xml", "vars.xml", "secrets.xml",
    "autoload_configs/switch.conf.xml", "autoload_configs/modules.conf.xml", "autoload_configs/acl.conf.xml",
    "autoload_configs/console.conf.xml", "autoload_configs/logfile.conf.xml",
    "autoload_configs/event_socket.conf.xml", "autoload_configs/sofia.conf.xml",
    "autoload_configs/verto.conf.xml", "autoload_configs/xml_curl.conf.xml", "sip_profiles/farm.xml", "dialplan/farm.xml",
    "directory/farm.xml",
]
TABLES = {
    "complete", "aliases", "channels", "calls", "interfaces", "tasks", "nat", "registrations", "recovery",
    "sip_registrations", "sip_presence", "sip_dialogs", "sip_subscriptions", "sip_authentication",
    "sip_shared_appearance_subscriptions", "sip_shared_appearance_dialogs", "json_store",
}
PARAMS = "/var/lib/freeswitch-ha/params-v1.10.12.tsv"


@pytest.fixture
def fs(host):
    if "freeswitch" not in host.ansible.get_variables()["group_names"]:
        pytest.skip("FreeSWITCH host only")
    return host


def param(host, path, name):
    content = host.file(f"{CONF}/{path}").content_string
    found = re.findall(rf'<param name="{re.escape(name)}" value="([^"]*)"', content)
    assert found, f"{name} not in {path}"
    return found


@pytest.mark.parametrize("path", FILES)
def test_every_file_is_rendered_and_installed(fs, path):
    conf = fs.file(f"{CONF}/{path}")
    assert conf.is_file
    assert (conf.user, conf.group, conf.mode) == ("root", "freeswitch", 0o640)
    assert "{{" not in conf.content_string and "{%" not in conf.content_string


def test_the_password_is_only_in_the_secrets_file(fs):
    password = db_password()
    holders = fs.run("grep -rlF -- %s /etc/freeswitch /etc/odbc.ini /etc/systemd/system", password).stdout.split()
    assert holders == ["/etc/freeswitch/secrets.xml"]


def test_the_live_configuration_passes_the_check(fs):
    result = fs.ansible("telephony.freeswitch_ha.freeswitch_config_check",
                        f"root={CONF} param_names_file={PARAMS}", check=False)
    assert result["problems"] == []
    assert "sofia profile farm_fsw1" in result["sections"]
    assert "verto profile farm-v4" in result["sections"]
    assert result["params_checked"] > 40
    assert result["version"] == "v1.10.12"


def test_the_check_catches_a_typo_in_the_installed_tree(fs):
    fs.run_test("rm -rf /tmp/fscheck && cp -a /etc/freeswitch /tmp/fscheck")
    fs.run_test("sed -i 's/name=\"track-calls\"/name=\"track-call\"/' /tmp/fscheck/sip_profiles/farm.xml")
    try:
        result = fs.ansible("telephony.freeswitch_ha.freeswitch_config_check",
                            f"root=/tmp/fscheck param_names_file={PARAMS}", check=False)
    except fs.ansible.AnsibleException as failure:
        result = failure.result
    fs.run("rm -rf /tmp/fscheck")
    assert result["msg"].startswith("FreeSWITCH configuration check failed (1 problem(s))")
    assert any("unknown parameter 'track-call'" in p and "did you mean 'track-calls'" in p for p in result["problems"])


def test_switch_conf_carries_the_plan(fs):
    assert param(fs, "autoload_configs/switch.conf.xml", "rtp-start-port") == ["16384"]
    assert param(fs, "autoload_configs/switch.conf.xml", "rtp-end-port") == ["17383"]
    assert param(fs, "autoload_configs/switch.conf.xml", "switchname") == ["fsw1"]
    assert param(fs, "autoload_configs/switch.conf.xml", "max-sessions") == ["200"]
    assert param(fs, "autoload_configs/switch.conf.xml", "core-db-dsn") == ["$${fsha_db_dsn}"]
    assert param(fs, "autoload_configs/switch.conf.xml", "auto-create-schemas") == ["false"]
    assert param(fs, "autoload_configs/switch.conf.xml", "core-non-sqlite-db-required") == ["true"]


def test_sofia_profile_trusts_the_proxies_and_uses_the_dsn(fs):
    profile = "sip_profiles/farm.xml"
    assert param(fs, profile, "odbc-dsn") == ["$${fsha_db_dsn}"]
    assert param(fs, profile, "track-calls") == ["true"]
    assert param(fs, profile, "sip-ip") == ["172.28.66.21"]
    assert param(fs, profile, "apply-inbound-acl") == ["fsha_proxies"]
    assert param(fs, profile, "local-network-acl") == ["fsha_farm"]
    assert param(fs, profile, "NDLB-force-rport") == ["false"]
    acl = fs.file(f"{CONF}/autoload_configs/acl.conf.xml").content_string
    assert '<node type="allow" cidr="172.28.66.100/32"/>' in acl      # the tenant VIP
    assert '<node type="allow" cidr="172.28.66.0/24"/>' in acl        # the farm network


def test_verto_advertises_the_tenant_vip(fs):
    assert param(fs, "autoload_configs/verto.conf.xml", "ext-rtp-ip") == ["172.28.66.100"]
    assert param(fs, "autoload_configs/verto.conf.xml", "bind-local") == ["172.28.66.21:8081"]


def test_event_socket_is_on_localhost_with_the_secret(fs):
    assert param(fs, "autoload_configs/event_socket.conf.xml", "listen-ip") == ["127.0.0.1"]
    assert param(fs, "autoload_configs/event_socket.conf.xml", "password") == ["$${fsha_esl_password}"]


def test_systemd_drop_in_for_a_farm_node(fs):
    drop_in = fs.file("/etc/systemd/system/freeswitch.service.d/farm.conf").content_string
    assert "Restart=always" in drop_in
    assert "LimitNOFILE=999999" in drop_in


def test_dsn_points_at_the_local_haproxy(fs):
    odbc = fs.file("/etc/odbc.ini").content_string
    assert "Servername = 127.0.0.1" in odbc and "Port = 5432" in odbc
    listeners = fs.check_output("ss -Hltnp 'sport = :5432'")
    assert "127.0.0.1:5432" in listeners and "haproxy" in listeners
    assert not fs.package("postgresql").is_installed


def test_isql_reaches_the_freeswitch_tables_through_the_dsn(fs):
    query = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    out = fs.run("echo %s | isql -b -d, -c freeswitch freeswitch %s", query, db_password())
    assert out.rc == 0, out.stderr
    assert TABLES <= {line.strip() for line in out.stdout.splitlines()}


def test_freeswitch_comes_from_the_lab_repository(fs):
    # the role's repo method, from the lab's own signed repository (no token: SignalWire's flow is not exercised)
    policy = fs.check_output("apt-cache policy freeswitch-lab")
    assert "500 file:/srv/fsha-freeswitch-repo bookworm/main" in policy
    assert fs.package("freeswitch-lab").is_installed
    sources = fs.file("/etc/apt/sources.list.d/freeswitch.sources").content_string
    assert "Signed-By: /usr/share/keyrings/fsha-lab-freeswitch.gpg" in sources and "trusted" not in sources.lower()
    assert not fs.file("/etc/apt/auth.conf.d/freeswitch-signalwire.conf").exists
    assert fs.check_output("freeswitch -version").startswith("FreeSWITCH version: 1.10.12")
    for module in ("mod_sofia", "mod_verto", "mod_opus", "mod_spandsp", "mod_tone_stream"):
        assert fs.file(f"/usr/lib/freeswitch/mod/{module}.so").exists


def test_freeswitch_runs_as_its_pinned_user_with_normal_scheduling(fs):
    assert (fs.user("freeswitch").uid, fs.group("freeswitch").gid) == (930, 930)
    pid = fs.check_output("systemctl show --property=MainPID --value freeswitch.service")
    assert fs.check_output(f"ps -o user:20=,class= -p {pid}").split() == ["freeswitch", "TS"]
    # the packaged unit's chown -R at start is cleared: the configuration stays root's
    assert fs.file(f"{CONF}/autoload_configs/switch.conf.xml").user == "root"


def test_the_farm_profile_runs_on_the_shared_database(fs):
    status = fs.check_output("fs_cli -x 'sofia status'")
    assert re.search(r"farm_fsw1\s+profile\s+sip:mod_sofia@172\.28\.66\.21:5060\s+RUNNING", status), status
    handles = fs.check_output("fs_cli -x 'db_cache status'")
    assert "Type: ODBC" in handles
    # mod_verto's json store is in the farm database too, not in a local SQLite file
    assert "CORE_DB" not in handles, handles


def test_fs_cli_reads_the_event_socket_password_from_a_root_only_file(fs):
    conf = fs.file("/etc/fs_cli.conf")
    assert (conf.user, conf.group, conf.mode) == ("root", "root", 0o600)
    assert "+OK" in fs.check_output("fs_cli -x 'reloadxml'")
    # no process carries the password in its arguments (read from the file: this check's own command has none)
    read = "<(sed -n 's/^password => //p' /etc/fs_cli.conf)"
    assert fs.run("bash -c %s", "test -n \"$(sed -n 's/^password => //p' /etc/fs_cli.conf)\"").rc == 0
    found = fs.run("bash -c %s", f"grep -lF -f {read} /proc/[0-9]*/cmdline")
    assert found.rc == 1 and found.stdout.strip() == "", found.stdout


def test_the_start_logged_no_error_but_the_plain_ws_certificate(fs):
    since = fs.check_output("date -d \"$(systemctl show --property=ExecMainStartTimestamp --value freeswitch)\" "
                            "'+%Y-%m-%d %H:%M:%S'")
    errors = fs.run("awk -v since=%s 'substr($0, 1, 19) >= since && / \\[(ERR|CRIT|ALERT)\\] /' "
                    "/var/log/freeswitch/freeswitch.log", since).stdout.splitlines()
    # mod_verto sets up TLS for every profile; this scenario runs verto without TLS
    assert [e for e in errors if "SUPPLIED CERT FILE NOT FOUND" not in e] == []


def sessions_since_startup(box):
    return int(re.search(r"(\d+) session\(s\) since startup", box.check_output("fs_cli -x status")).group(1))


def test_calls_are_answered_by_freeswitch_with_real_rtp(caller):
    box = testinfra.get_host("docker://fsha-fsw1")
    before = sessions_since_startup(box)
    caller.run("rm -f /tmp/fsha-rtp.pcap /tmp/fsha-call.msg")
    # RTP from fsw1's own range (the plan's 16384-17383) towards the caller, while SIPp (from the tenant VIP,
    # the address the farm profile trusts) places 3 calls of 3 s to the tone extension and echoes the media
    capture = caller.run("timeout 25 tcpdump -i eth0 -n -U -w /tmp/fsha-rtp.pcap "
                         "'udp and src host 172.28.66.21 and src portrange 16384-17383' >/dev/null 2>&1 & "
                         "sleep 1; sipp 172.28.66.21:5060 -sn uac -s 9197 -i 172.28.66.100 -p 5099 -m 3 -r 1 "
                         "-d 3000 -rtp_echo -timeout 20 -nostdin -trace_msg -message_file /tmp/fsha-call.msg; "
                         "rc=$?; sleep 1; pkill -INT tcpdump; sleep 1; exit $rc")
    assert capture.rc == 0, capture.stdout[-2000:] + capture.stderr[-2000:]
    messages = caller.file("/tmp/fsha-call.msg").content_string
    assert messages.count("SIP/2.0 200 OK") >= 3
    assert "User-Agent: FreeSWITCH fsw1" in messages
    packets = int(caller.check_output("tcpdump -r /tmp/fsha-rtp.pcap -n 2>/dev/null | wc -l"))
    assert packets > 3 * 3 * 25, f"only {packets} RTP packets from fsw1 in 3 calls of 3 s"
    assert sessions_since_startup(box) - before == 3


def test_freeswitch_rows_are_in_the_farm_database(caller):
    query = "SELECT count(*) FROM interfaces WHERE hostname = 'fsw1'"
    out = caller.check_output("su postgres -c \"psql -At -d freeswitch -c \\\"%s\\\"\"" % query)
    assert int(out) > 100
    # the farm profile's registration in FreeSWITCH's core tables, by the same switchname
    out = caller.check_output("su postgres -c \"psql -At -d freeswitch -c \\\"SELECT count(*) FROM complete "
                              "WHERE hostname = 'fsw1'\\\"\"")
    assert int(out) > 0


def psql(host, sql):
    return host.check_output("su postgres -c %s", f"psql -At -d freeswitch -c \"{sql}\"")


def test_a_restart_keeps_other_nodes_rows_and_renews_its_own(caller):
    # with auto-clear-sql on, this restart would empty sip_authentication farm-wide (sofia_glue.c's start-up
    # "test" is: delete ... where hostname='fsw1' or last_nc >= 0 ...); the unit's clear-own-rows.py deletes
    # only fsw1's rows
    box = testinfra.get_host("docker://fsha-fsw1")
    psql(caller, "INSERT INTO sip_authentication (nonce, expires, profile_name, hostname, last_nc) "
                 "VALUES ('fsha-other-node', 4102444800, 'farm_fsw9', 'fsw9', 0)")
    psql(caller, "INSERT INTO sip_authentication (nonce, expires, profile_name, hostname, last_nc) "
                 "VALUES ('fsha-own-node', 4102444800, 'farm_fsw1', 'fsw1', 0)")
    interfaces = int(psql(caller, "SELECT count(*) FROM interfaces WHERE hostname = 'fsw1'"))
    try:
        box.run_test("systemctl restart freeswitch.service")
        box.run_test("for i in $(seq 60); do fs_cli -x 'sofia status' | grep -q 'farm_fsw1.*RUNNING' && exit 0; "
                     "sleep 1; done; exit 1")
        nonces = psql(caller, "SELECT nonce FROM sip_authentication WHERE nonce LIKE 'fsha-%' ORDER BY nonce").split()
        assert nonces == ["fsha-other-node"]
        # FreeSWITCH writes its interface rows again (through its asynchronous SQL queue), once: the count
        # comes back to what it was and stays there, no duplicates from the restart
        counts = []
        for dummy in range(30):
            counts.append(int(psql(caller, "SELECT count(*) FROM interfaces WHERE hostname = 'fsw1'")))
            if counts[-1] == interfaces and counts[-2:-1] == [interfaces]:
                break
            time.sleep(1)
        assert counts[-1] == interfaces and max(counts) == interfaces, (interfaces, counts)
        journal = box.check_output("journalctl -u freeswitch.service -n 50 --no-pager -o cat")
        assert "clear-own-rows: fsw1 (host fsw1): " in journal and "sip_authentication 1" in journal
    finally:
        psql(caller, "DELETE FROM sip_authentication WHERE nonce LIKE 'fsha-%'")
