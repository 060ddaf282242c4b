"""The lab engine stops on bad input with one line and changes nothing."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import lab  # noqa: E402  (tools/ is not a package)


def inventory(hosts: dict, **common) -> dict:
    common.setdefault("freeswitch_ha_lab_subnet", "172.28.57.0/24")
    hostvars = {name: {**common, **hv} for name, hv in hosts.items()}
    return {"_meta": {"hostvars": hostvars}, "all": {"children": ["ungrouped"]},
            "ungrouped": {"hosts": sorted(hosts)}}


def test_lab_inventory_plans():
    plan = lab.plan_lab(lab.read_inventory(str(ROOT / "inventories" / "lab")))
    assert plan.network == "fsha-lab"
    assert plan.subnet == ipaddress.IPv4Network("172.28.57.0/24")
    assert {h.name for h in plan.hosts} == {"lb1", "lb2", "fs1", "fs2", "fs3", "fs4", "db1", "db2", "client1"}
    assert all(h.container == "fsha-" + h.name for h in plan.hosts)


def test_host_without_address_names_host_and_variable():
    inv = inventory({"fs1": {"freeswitch_ha_address": "172.28.57.21"}, "fs2": {}})
    with pytest.raises(lab.LabError, match=r"^fs2: freeswitch_ha_address is not set"):
        lab.plan_lab(inv)


@pytest.mark.parametrize(
    ("hosts", "common", "pattern"),
    [
        ({"a": {"freeswitch_ha_address": "10.9.9.9"}}, {}, r"^a: freeswitch_ha_address: 10.9.9.9 is not a host address"),
        ({"a": {"freeswitch_ha_address": "nope"}}, {}, r"^a: freeswitch_ha_address: 'nope' is not an IPv4"),
        ({"a": {"freeswitch_ha_address": "172.28.57.1"}}, {}, r"^a: freeswitch_ha_address: .* gateway"),
        ({"a": {"freeswitch_ha_address": "172.28.57.5"}, "b": {"freeswitch_ha_address": "172.28.57.5"}}, {},
         r"^b: freeswitch_ha_address: 172.28.57.5 is already used by a"),
        ({"a": {"freeswitch_ha_address": "172.28.57.5"}}, {"freeswitch_ha_lab_subnet": "172.28.57.1/24"},
         r"^all: freeswitch_ha_lab_subnet"),
        ({"a": {"freeswitch_ha_address": "172.28.57.5"}}, {"freeswitch_ha_lab_release": "buster"},
         r"^all: freeswitch_ha_lab_release"),
        ({"a": {"freeswitch_ha_address": "172.28.57.5", "ansible_host": "web"}}, {}, r"^a: ansible_host: 'web'"),
    ],
)
def test_bad_lab_inventory(hosts, common, pattern):
    with pytest.raises(lab.LabError, match=pattern):
        lab.plan_lab(inventory(hosts, **common))


def test_missing_subnet_is_reported():
    inv = inventory({"a": {"freeswitch_ha_address": "172.28.57.5"}})
    inv["_meta"]["hostvars"]["a"].pop("freeswitch_ha_lab_subnet")
    with pytest.raises(lab.LabError, match=r"^all: freeswitch_ha_lab_subnet is not set"):
        lab.plan_lab(inv)


def test_non_debian_without_engine_says_what_to_install():
    allowed, why = lab.can_install_engine({"ID": "fedora", "PRETTY_NAME": "Fedora Linux 41"}, 0)
    assert not allowed
    assert "Fedora Linux 41 is not Debian" in why and "install and start a Docker engine" in why
    assert "\n" not in why


def test_debian_needs_root_to_install_engine():
    assert lab.can_install_engine({"ID": "debian"}, 0) == (True, "")
    allowed, why = lab.can_install_engine({"ID": "debian"}, 1000)
    assert not allowed and "run as root" in why


def test_missing_engine_on_non_debian_changes_nothing(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(lab, "docker_answers", lambda: False)
    monkeypatch.setattr(lab, "os_release", lambda path="": {"ID": "arch", "PRETTY_NAME": "Arch Linux"})
    monkeypatch.setattr(lab.subprocess, "Popen", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(lab, "run", lambda cmd, **k: calls.append(cmd))
    monkeypatch.setattr(lab, "read_inventory", lambda _i: inventory({"a": {"freeswitch_ha_address": "172.28.57.5"}}))
    assert lab.main(["up", "-i", "x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Arch Linux is not Debian" in err[0]
    assert calls == []


class FakeDocker:
    """Answers `docker network ls/inspect` and records every other command."""

    def __init__(self, networks: dict[str, str]):
        self.networks = networks
        self.changes: list[list[str]] = []

    def __call__(self, cmd, check=True, **_kw):
        out = ""
        if cmd[:3] == ["docker", "network", "ls"]:
            out = "\n".join(self.networks)
        elif cmd[:3] == ["docker", "network", "inspect"]:
            name = cmd[3]
            if name not in self.networks:
                return subprocess.CompletedProcess(cmd, 1, "", "no such network")
            out = json.dumps([{"IPAM": {"Config": [{"Subnet": self.networks[name]}]}}])
        else:
            self.changes.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, out, "")


def test_overlapping_subnet_stops_before_any_change(monkeypatch, capsys):
    fake = FakeDocker({"bridge": "172.17.0.0/16", "other-lab": "172.28.0.0/16"})
    monkeypatch.setattr(lab, "run", fake)
    monkeypatch.setattr(lab, "docker_answers", lambda: True)
    monkeypatch.setattr(lab, "build_image", lambda release: fake.changes.append(["image", release]))
    monkeypatch.setattr(lab, "read_inventory", lambda _i: inventory({"a": {"freeswitch_ha_address": "172.28.57.5"}}))
    assert lab.main(["up", "-i", "x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "all: freeswitch_ha_lab_subnet: 172.28.57.0/24 overlaps Docker network(s) other-lab (172.28.0.0/16)" in err[0]
    assert fake.changes == []


def test_own_network_is_not_an_overlap(monkeypatch):
    fake = FakeDocker({"fsha-lab": "172.28.57.0/24", "bridge": "172.17.0.0/16"})
    monkeypatch.setattr(lab, "run", fake)
    assert lab.overlapping_networks(ipaddress.IPv4Network("172.28.57.0/24"), "fsha-lab") == []


def test_image_recipe_changes_with_release_and_mirror():
    a = lab.image_recipe_hash("bookworm", "http://deb.debian.org/debian")
    assert a == lab.image_recipe_hash("bookworm", "http://deb.debian.org/debian")
    assert a != lab.image_recipe_hash("trixie", "http://deb.debian.org/debian")
    assert a != lab.image_recipe_hash("bookworm", "http://mirror.invalid/debian")


def test_load_balancers_get_real_time_cpu_and_nothing_else_does():
    plan = lab.plan_lab(lab.read_inventory(str(ROOT / "inventories" / "lab")))
    assert {h.name for h in plan.hosts if h.realtime} == {"lb1", "lb2"}
    lb1 = next(h for h in plan.hosts if h.name == "lb1")
    fs1 = next(h for h in plan.hosts if h.name == "fs1")
    command = lab.container_command(plan, lb1, rt_group_sched=True)
    rt_runtime = command[command.index("--cpu-rt-runtime") + 1]
    assert lab.container_command(plan, lb1, rt_group_sched=True)[-1] == "fsha/debian:bookworm"
    assert "--cpu-rt-runtime" in lab.container_command(plan, lb1, rt_group_sched=True)
    assert "--cpu-rt-runtime" not in lab.container_command(plan, fs1, rt_group_sched=True)
    # without RT group scheduling (cgroup v2, or a kernel without it) CAP_SYS_NICE alone is enough
    assert "--cpu-rt-runtime" not in lab.container_command(plan, lb1, rt_group_sched=False)
    assert "SYS_NICE" in lab.container_command(plan, fs1, rt_group_sched=False)
    # 5 ms of each 100 ms per load balancer: 50 ms of each second; the engine's 900 ms holds 18 of them
    assert rt_runtime == "5000"
    assert lab.rt_budget_needed(2) == 100_000
    assert lab.rt_budget_needed(18) <= lab.RT_ENGINE_RUNTIME_US < lab.rt_budget_needed(19)


def test_only_freeswitch_hosts_mount_the_lab_freeswitch_repository():
    plan = lab.plan_lab(lab.read_inventory(str(ROOT / "inventories" / "lab")))
    assert {h.name for h in plan.hosts if h.freeswitch} == {"fs1", "fs2", "fs3", "fs4"}
    mount = f"{lab.FREESWITCH_REPO}:{lab.FREESWITCH_REPO_MOUNT}:ro"
    for host in plan.hosts:
        command = lab.container_command(plan, host, rt_group_sched=False)
        assert (mount in command) == host.freeswitch, host.name
        if host.freeswitch:
            assert command[command.index(mount) - 1] == "-v"


def test_the_builder_inventory_asks_for_the_default_cpu_share():
    # make test's two lanes leave the minimum share (2) too little CPU to finish the build in time
    plan = lab.plan_lab(lab.read_inventory(str(ROOT / "tools" / "freeswitch_build" / "inventory")))
    [builder] = plan.hosts
    command = lab.container_command(plan, builder, rt_group_sched=False)
    assert command[command.index("--cpu-shares") + 1] == "1024"
    lab_plan = lab.plan_lab(lab.read_inventory(str(ROOT / "inventories" / "lab")))
    assert "--cpu-shares" not in lab.container_command(lab_plan, lab_plan.hosts[0], rt_group_sched=False)


@pytest.mark.parametrize("shares", [1, 0, True, "2", 300000])
def test_a_bad_cpu_share_is_refused(shares):
    inv = inventory({"a": {"freeswitch_ha_address": "172.28.57.5"}}, freeswitch_ha_lab_cpu_shares=shares)
    with pytest.raises(lab.LabError, match=r"^all: freeswitch_ha_lab_cpu_shares"):
        lab.plan_lab(inv)


def test_load_balancer_group_is_read_through_child_groups():
    inv = inventory({"lb1": {"freeswitch_ha_address": "172.28.57.11"}, "fs1": {"freeswitch_ha_address": "172.28.57.21"}})
    inv["all"]["children"] = ["edge", "ungrouped"]
    inv["edge"] = {"children": ["loadbalancers"]}
    inv["loadbalancers"] = {"hosts": ["lb1"]}
    inv["ungrouped"] = {"hosts": ["fs1"]}
    assert lab.group_hosts(inv, "edge") == ["lb1"]
    assert [h.name for h in lab.plan_lab(inv).hosts if h.realtime] == ["lb1"]


def test_an_older_load_balancer_container_is_refused(monkeypatch):
    plan = lab.plan_lab(lab.read_inventory(str(ROOT / "inventories" / "lab")))
    lb1 = next(h for h in plan.hosts if h.name == "lb1")
    calls = []

    def fake_run(cmd, check=True, **kw):
        calls.append(cmd)
        if cmd[:3] == ["docker", "inspect", "--format"] and "{{.State.Status}}" in cmd:
            return subprocess.CompletedProcess(cmd, 0, "running\n", "")
        # made before SYS_NICE was added
        return subprocess.CompletedProcess(cmd, 0, '["SYS_ADMIN","NET_ADMIN","NET_RAW"] 0\n', "")

    monkeypatch.setattr(lab, "run", fake_run)
    with pytest.raises(lab.LabError, match=r"^lb1: container fsha-lb1 was made without real-time CPU"):
        lab.start_container(plan, lb1)
    assert not any(c[:2] == ["docker", "start"] or c[:2] == ["docker", "run"] for c in calls)


def test_a_current_load_balancer_container_is_kept(monkeypatch):
    plan = lab.plan_lab(lab.read_inventory(str(ROOT / "inventories" / "lab")))
    lb1 = next(h for h in plan.hosts if h.name == "lb1")
    monkeypatch.setattr(lab, "RT_GROUP_SCHED", Path("/nonexistent"))

    def fake_run(cmd, check=True, **kw):
        if "{{.State.Status}}" in cmd:
            return subprocess.CompletedProcess(cmd, 0, "running\n", "")
        return subprocess.CompletedProcess(cmd, 0, '["CAP_SYS_ADMIN","CAP_SYS_NICE"] 0\n', "")

    monkeypatch.setattr(lab, "run", fake_run)
    lab.start_container(plan, lb1)


def test_the_real_time_budget_is_released_only_when_no_container_uses_it(tmp_path, monkeypatch):
    messages = []
    monkeypatch.setattr(lab, "say", messages.append)
    engine = tmp_path / "docker"
    engine.mkdir()
    (engine / "cpu.rt_runtime_us").write_text("900000")
    (engine / "0123abcd").mkdir()  # a container's cgroup
    lab.release_rt_budget(engine)
    assert (engine / "cpu.rt_runtime_us").read_text() == "900000" and not messages
    (engine / "0123abcd").rmdir()
    # a real cgroup directory loses its files with rmdir; here the file must go first
    monkeypatch.setattr(Path, "rmdir", lambda self: (self / "cpu.rt_runtime_us").unlink() or os.rmdir(self))
    lab.release_rt_budget(engine)
    assert not engine.exists() and messages == [f"released the Docker engine's real-time budget ({engine})"]
