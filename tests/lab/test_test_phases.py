"""make test's lanes (tools/test_phases.py): which jobs exist, in which order, and what a failure stops."""

from __future__ import annotations

import ipaddress
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import test_phases  # noqa: E402  (tools/ is not a package)

NETS = {"db": "172.28.62.0/24", "edge": "172.28.65.0/24", "edge13": "172.28.65.0/24",
        "site": "172.28.57.0/24", "fs": "172.28.66.0/24", "wide": "172.28.56.0/23"}


def subnet(scenario):
    return ipaddress.ip_network(NETS[scenario]) if scenario in NETS else None


def names(jobs):
    return [j.name for j in jobs]


def test_freeswitch_scenarios_first_then_the_checks_then_the_rest():
    jobs = test_phases.plan_jobs(["db", "edge", "fs", "site"], ["site", "fs"], subnet=subnet)
    assert names(jobs) == ["molecule site", "molecule fs", "lint + sanity + unit", "molecule db",
                           "molecule edge"]
    assert [j.needs_freeswitch for j in jobs] == [True, True, False, False, False]


def test_scenarios_on_overlapping_networks_are_one_job_in_the_given_order():
    jobs = test_phases.plan_jobs(["edge", "db", "edge13"], [], subnet=subnet)
    assert names(jobs) == ["lint + sanity + unit", "molecule edge + molecule edge13", "molecule db"]
    # a FreeSWITCH scenario chained with another makes the whole job wait for the package
    jobs = test_phases.plan_jobs(["db", "site", "wide"], ["site"], subnet=subnet)
    assert names(jobs)[0] == "molecule site + molecule wide" and jobs[0].needs_freeswitch


def test_every_shipped_scenario_has_its_own_network_or_is_chained():
    scenarios = sorted(p.parent.name for p in (ROOT / "molecule").glob("*/molecule.yml"))
    jobs = test_phases.plan_jobs(scenarios, ["site", "freeswitch"])
    planned = [p.scenario for j in jobs for p in j.phases if p.scenario]
    assert sorted(planned) == scenarios
    nets = {s: test_phases.lab_subnet(s) for s in scenarios}
    assert all(nets.values()), nets
    for job in jobs:
        others = [s for j in jobs if j is not job for s in (p.scenario for p in j.phases) if s]
        for mine in (p.scenario for p in job.phases if p.scenario):
            clashes = [o for o in others if nets[o].overlaps(nets[mine])]
            assert not clashes, f"{mine} shares addresses with {clashes} in another lane"


def test_a_failure_stops_the_other_lane_and_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(test_phases, "LOGS", tmp_path)
    monkeypatch.setattr(test_phases, "ROOT", tmp_path)
    runner = test_phases.Runner()
    slow = threading.Thread(target=runner.run_job, args=(test_phases.Job(
        [test_phases.Phase("slow", ["sleep", "30"]), test_phases.Phase("after", ["true"])]), 1))
    slow.start()
    time.sleep(0.5)
    started = time.monotonic()
    runner.run_job(test_phases.Job([test_phases.Phase("broken", ["sh", "-c", "echo no; exit 3"])]), 2)
    slow.join(timeout=10)
    assert not slow.is_alive() and time.monotonic() - started < 10
    assert runner.failed.name == "broken"
    results = {t["phase"]: t for t in runner.times}
    assert results["broken"]["ok"] is False and "stopped" not in results["broken"]
    assert results["slow"]["stopped"] is True
    assert "after" not in results  # nothing starts after a failure
    assert (tmp_path / "broken.log").read_text() == "no\n"


def test_the_failed_tasks_are_picked_out_of_a_log_with_their_task_headers():
    lines = ["TASK [glusterfs : Create the volume] ***",
             "ok: [gt1]",
             'fatal: [gt2]: FAILED! => {"msg": "' + "x" * 900 + '"}',
             "fatal: [gt3]: FAILED! => {}",
             "PLAY RECAP ***",
             "gt1 : ok=3 changed=0 failed=0",
             "gt2 : ok=1 changed=0 failed=1",
             "FAILED tests/test_volume.py::test_heal - AssertionError",
             "ERROR    Molecule executed 1 scenario (1 failed)"]
    found = test_phases.failures(lines)
    assert found[0] == "TASK [glusterfs : Create the volume] ***"
    assert found[1].startswith("fatal: [gt2]") and len(found[1]) == test_phases.FAILURE_CHARS
    # one header for two failures of the same task; lines with no task above get none
    assert found[2] == "fatal: [gt3]: FAILED! => {}"
    assert found[3:] == ["FAILED tests/test_volume.py::test_heal - AssertionError",
                         "ERROR    Molecule executed 1 scenario (1 failed)"]
    assert test_phases.failures(["ok: [a]", "changed: [b]"]) == []
    assert len(test_phases.failures(["fatal: [h]: FAILED!"] * 30)) == 12
