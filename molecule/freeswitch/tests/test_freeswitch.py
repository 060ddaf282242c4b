"""The farm configuration on fsw1: rendered, checked, installed; the DSN reaches the database."""

from __future__ import annotations

import re

import pytest

from conftest import db_password

CONF = "/etc/freeswitch"
FILES = [
    "freeswitch.xml", "vars.xml", "secrets.xml",
    "autoload_configs/switch.conf.xml", "autoload_configs/modules.conf.xml", "autoload_configs/acl.conf.xml",
    "autoload_configs/console.conf.xml", "autoload_configs/logfile.conf.xml",
    "autoload_configs/event_socket.conf.xml", "autoload_configs/sofia.conf.xml",
    "autoload_configs/verto.conf.xml", "sip_profiles/farm.xml", "dialplan/farm.xml", "directory/farm.xml",
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


def test_no_freeswitch_here_and_the_role_says_so(fs):
    # install method none in the lab: no binary, no unit; nothing pretends otherwise
    assert not fs.file("/usr/bin/freeswitch").exists
    assert fs.run("systemctl is-active freeswitch.service").stdout.strip() != "active"
