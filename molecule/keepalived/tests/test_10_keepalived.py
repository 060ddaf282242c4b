"""keepalived on each load balancer: running, checked config, priorities, states, notify hooks."""

import pytest

PRIORITY = {"kav1": 150, "kav2": 100}
STATE = {"kav1": "MASTER", "kav2": "BACKUP"}
INSTANCES = ("tenant_alpha", "internal")


@pytest.fixture
def lb(host):
    name = host.check_output("hostname")
    if name not in PRIORITY:
        pytest.skip(f"{name} is not a load balancer")
    return name


def test_keepalived_runs_enabled(host, lb):
    service = host.service("keepalived")
    assert service.is_running and service.is_enabled


def test_installed_config_passes_keepalived_check(host, lb):
    result = host.run("keepalived -t -f /etc/keepalived/keepalived.conf")
    assert result.rc == 0, result.stderr


def test_config_is_vrrp3_fast_adverts_multicast(host, lb):
    conf = host.file("/etc/keepalived/keepalived.conf").content_string
    assert "vrrp_version 3" in conf
    assert conf.count("advert_int 0.1\n") == len(INSTANCES)
    assert "unicast_peer" not in conf and "nopreempt" not in conf
    assert conf.count(f"priority {PRIORITY[lb]}\n") == len(INSTANCES)
    assert "virtual_router_id 51" in conf and "virtual_router_id 50" in conf
    assert "172.28.68.100/24 dev eth0" in conf and "172.28.68.99/24 dev eth0" in conf


def test_preferred_master_holds_both_instances(host, lb):
    for instance in INSTANCES:
        state = host.file(f"/run/keepalived-notify/{instance}.state").content_string.strip()
        assert state == STATE[lb], instance


def test_notify_logs_and_runs_operator_hooks(host, lb):
    log = host.file("/var/log/keepalived-notify.log").content_string
    hook = host.file("/run/keepalived-hook.log").content_string
    for instance in INSTANCES:
        assert f"INSTANCE {instance} {STATE[lb]} {PRIORITY[lb]}" in log
        assert f"INSTANCE {instance} {STATE[lb]} {PRIORITY[lb]}" in hook



def test_vrrp_process_runs_real_time_and_what_it_forks_does_not(host, lb):
    assert "vrrp_rt_priority 40" in host.file("/etc/keepalived/keepalived.conf").content_string
    main_pid = host.check_output("systemctl show --property=MainPID --value keepalived")
    assert host.check_output(f"ps -o cls= -p {main_pid}").split() == ["TS"]
    assert host.check_output(f"ps -o cls=,rtprio= --ppid {main_pid}").split() == ["RR", "40"]
    # notify scripts and their hooks are forked by the VRRP process: keepalived
    # resets them to normal scheduling (one line per transition and hook run)
    classes = host.file("/run/keepalived-hook-sched.log").content_string.split()
    assert classes and set(classes) == {"TS"}, classes
