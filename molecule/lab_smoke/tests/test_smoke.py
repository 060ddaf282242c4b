"""The chain works: systemd runs, the package landed, hosts reach each other."""

PEERS = {"smoke1": "172.28.61.12", "smoke2": "172.28.61.11"}


def test_systemd_is_running(host):
    state = host.run("systemctl is-system-running").stdout.strip()
    assert state in ("running", "degraded"), state


def test_package_installed_by_converge(host):
    assert host.package("arping").is_installed


def test_marker_names_this_host(host):
    name = host.check_output("hostname")
    assert host.file("/etc/fsha-smoke").content_string.split()[0] == name


def test_peer_reachable_on_lab_network(host):
    name = host.check_output("hostname")
    host.run_test("ping -c1 -W2 %s", PEERS[name])
