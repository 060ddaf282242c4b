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
