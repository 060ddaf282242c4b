#!/usr/bin/env python3
"""`make test` in lanes, with the FreeSWITCH build beside them (not shipped).

The machines have 2 cores, and one phase (a lint, a Molecule scenario) keeps
about one of them busy: the rest of its time it waits on containers, sleeps
in retries and drills. So the phases run in ``--lanes`` lanes at once (2 by
default): galaxy first and alone, then the static checks (lint, sanity, unit)
as one job and each scenario as another; scenarios whose lab networks overlap
(edge and edge_trixie use the same addresses) are chained into one job. The
FreeSWITCH package (tools/freeswitch_build.py, 12-15 minutes from nothing on 2
cores) is built or reused in the background from then on; the scenarios that
install it wait for it and are taken first once it is there (the longest).

Each phase writes its output to build/test-logs/<phase>.log; when it ends, its
result and a digest (each Molecule step and how long its playbook ran, the
tests' summary and slowest tests) are printed together, so lanes never
interleave. At the first failure no new job starts, the other running jobs are
stopped and their scenarios destroyed (a failed FreeSWITCH build stops them
the same way), and the failed phase's log is printed last. The phase table is printed at the end and written to
build/test-phases.json.

    tools/test_phases.py --scenarios db_bookworm edge ... site --freeswitch-scenarios site freeswitch
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
BUILD_LOG = BUILD / "freeswitch-build.log"
LOGS = BUILD / "test-logs"
REPORT = BUILD / "test-phases.json"
STATIC = (("lint", "lint"), ("sanity", "sanity"), ("unit", "unit"))
# The built tarball through Galaxy's own importer, antsibull-docs and a fresh
# install, first and alone: the importer gives ansible-lint 180 s (hard-coded
# in galaxy_importer/loaders/collection.py), which it overran beside a lane.
ALONE = (("galaxy", "galaxy"),)
DIGEST = re.compile(r"^INFO\s+\[.*\] Executing$|Playbook run took|^=+ .*(passed|failed|error).* in |"
                    r"slowest .*durations|^\d+\.\d+s (call|setup|teardown) ")
FAILED_LOG_LINES = 400
# A failed Ansible task, a failed pytest test, or an error summary line: the
# lines printed last, after the log's tail, because only the end of CI's output
# is kept.
FAILURE = re.compile(r"^(fatal|failed): \[|^FAILED |^ERROR |^E   ")
FAILURE_CONTEXT = 6
FAILURE_CHARS = 600
PRINT = threading.Lock()


def say(message: str) -> None:
    with PRINT:
        print(f"=== {message}", flush=True)


@dataclass
class Phase:
    name: str
    cmd: list[str]
    scenario: str | None = None  # a Molecule scenario, destroyed when its run is stopped


@dataclass
class Job:
    phases: list[Phase]
    needs_freeswitch: bool = False
    name: str = field(init=False)

    def __post_init__(self):
        self.name = " + ".join(p.name for p in self.phases)


def lab_subnet(scenario: str) -> ipaddress.IPv4Network | None:
    """The scenario's lab network (freeswitch_ha_lab_subnet in its inventory), if it names one."""
    for path in sorted((ROOT / "molecule" / scenario / "inventory").rglob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("freeswitch_ha_lab_subnet"):
            return ipaddress.ip_network(str(data["freeswitch_ha_lab_subnet"]), strict=False)
    return None


def plan_jobs(scenarios: list[str], freeswitch: list[str], subnet=lab_subnet) -> list[Job]:
    """The jobs in the order lanes take them: FreeSWITCH scenarios (once the package exists), checks, the rest.

    Scenarios whose networks overlap become one job, in the order given, so two
    lanes never bring up the same addresses.
    """
    ordered = [s for s in freeswitch if s in scenarios] + [s for s in scenarios if s not in freeswitch]
    groups: list[list[str]] = []
    nets: list[list] = []
    for s in ordered:
        net = subnet(s)
        for members, members_nets in zip(groups, nets):
            if net is not None and any(n is not None and n.overlaps(net) for n in members_nets):
                members.append(s)
                members_nets.append(net)
                break
        else:
            groups.append([s])
            nets.append([net])
    jobs = [Job([Phase(f"molecule {s}", ["molecule", "test", "-s", s], s) for s in g],
                needs_freeswitch=any(s in freeswitch for s in g)) for g in groups]
    checks = Job([Phase(name, ["make", "--no-print-directory", target]) for name, target in STATIC])
    first_plain = next((i for i, j in enumerate(jobs) if not j.needs_freeswitch), len(jobs))
    return jobs[:first_plain] + [checks] + jobs[first_plain:]


def log_of(name: str) -> Path:
    return LOGS / (name.replace(" ", "_") + ".log")


def digest(log: Path) -> str:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(line for line in lines if DIGEST.search(line))


def failures(lines: list[str], limit: int = 12) -> list[str]:
    """The last `limit` failure lines of a log, each with the task header above it, cut to FAILURE_CHARS."""
    found: list[str] = []
    last_header = None
    for i, line in enumerate(lines):
        if FAILURE.search(line):
            header = next((j for j in range(i - 1, max(i - FAILURE_CONTEXT, 0) - 1, -1)
                           if lines[j].startswith("TASK [")), None)
            if header is not None and header != last_header:
                found.append(lines[header])
                last_header = header
            found.append(line[:FAILURE_CHARS])
    return found[-limit:]


class Runner:
    """Runs jobs in lanes; the first failure stops everything else."""

    def __init__(self) -> None:
        self.times: list = []
        self.failed: Phase | None = None
        self.stopped: list[Phase] = []  # stopped halfway by another phase's failure
        self.stopping = threading.Event()
        self.procs: dict[str, subprocess.Popen] = {}
        self.lock = threading.Lock()

    def run_job(self, job: Job, lane: int) -> None:
        for phase in job.phases:
            if self.stopping.is_set():
                return
            if not self.run_phase(phase, lane):
                return

    def run_phase(self, phase: Phase, lane: int) -> bool:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = log_of(phase.name)
        say(f"{phase.name} ... (lane {lane}, log: {log.relative_to(ROOT)})")
        started = time.monotonic()
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.Popen(phase.cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            with self.lock:
                self.procs[phase.name] = proc
            rc = proc.wait()
            with self.lock:
                self.procs.pop(phase.name, None)
        seconds = time.monotonic() - started
        stopped = self.stopping.is_set() and rc != 0
        with self.lock:
            self.times.append({"phase": phase.name, "seconds": round(seconds, 1), "ok": rc == 0,
                               "lane": lane, **({"stopped": True} if stopped else {})})
            if stopped:
                self.stopped.append(phase)
        result = "passed" if rc == 0 else "stopped" if stopped else f"FAILED (rc {rc})"
        text = digest(log)
        with PRINT:
            print(f"=== {phase.name}: {result} in {seconds:.0f} s (lane {lane})", flush=True)
            if text:
                print(text, flush=True)
        if rc != 0 and not stopped:
            self.fail(phase)
        return rc == 0

    def fail(self, failed: Phase) -> None:
        """Note the first failure, start nothing more and stop every other running phase."""
        with self.lock:
            if self.failed is not None:
                return
            self.failed = failed
            self.stopping.set()
            running = dict(self.procs)
        for name, proc in running.items():
            if name != failed.name:
                say(f"stopping {name} (after the failure of {failed.name})")
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass


def table(times: list, total: float) -> str:
    rows = ["| phase | lane | seconds | result |", "| --- | ---: | ---: | --- |"]
    for t in times:
        result = "ok" if t["ok"] else "stopped" if t.get("stopped") else "FAILED"
        rows.append(f"| {t['phase']} | {t.get('lane', '')} | {t['seconds']:.0f} | {result} |")
    rows.append(f"| total (wall clock) | | {total:.0f} | |")
    return "\n".join(rows)


def run_lanes(runner: Runner, pending: list[Job], lanes: int, python: str) -> None:
    """Build the FreeSWITCH package in the background and run ``pending`` in ``lanes`` lanes."""
    say(f"FreeSWITCH package: building or reusing it in the background (log: {BUILD_LOG.relative_to(ROOT)})")
    with open(BUILD_LOG, "w", encoding="utf-8") as log:
        builder = subprocess.Popen([python, "tools/freeswitch_build.py", "--record"], cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT)
    build_started = time.monotonic()
    threads: dict[int, threading.Thread] = {}
    build_rc = None
    try:
        while True:
            if build_rc is None and builder.poll() is not None:
                build_rc = builder.returncode
                seconds = time.monotonic() - build_started
                with runner.lock:
                    runner.times.append({"phase": "FreeSWITCH package (background, beside the lanes)",
                                         "seconds": round(seconds, 1), "ok": build_rc == 0})
                say(f"FreeSWITCH package: {'ready' if build_rc == 0 else f'FAILED (rc {build_rc})'} after "
                    f"{seconds:.0f} s")
                with PRINT:
                    tail = BUILD_LOG.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
                    print("\n".join(tail), flush=True)
                if build_rc != 0 and any(j.needs_freeswitch for j in pending):
                    runner.fail(Phase("FreeSWITCH package", []))
            for lane in [n for n, t in threads.items() if not t.is_alive()]:
                del threads[lane]
            if not runner.stopping.is_set():
                for lane in range(1, lanes + 1):
                    if lane in threads:
                        continue
                    job = next((j for j in pending if not j.needs_freeswitch or build_rc == 0), None)
                    if job is None:
                        break
                    pending.remove(job)
                    threads[lane] = threading.Thread(target=runner.run_job, args=(job, lane), daemon=True)
                    threads[lane].start()
            done = not threads and (runner.stopping.is_set() or not pending)
            if done:
                break
            time.sleep(1)
    finally:
        if builder.poll() is None:
            builder.terminate()
            builder.wait()
            subprocess.run([python, "tools/lab.py", "down", "-i", "tools/freeswitch_build/inventory"], cwd=ROOT,
                           check=False, capture_output=True)
        # a scenario stopped halfway keeps its containers: remove them
        for phase in runner.stopped:
            if phase.scenario:
                say(f"destroying the stopped scenario {phase.scenario}")
                subprocess.run(["molecule", "destroy", "-s", phase.scenario], cwd=ROOT, check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", nargs="+", required=True, help="every Molecule scenario to run")
    ap.add_argument("--freeswitch-scenarios", nargs="*", default=[],
                    help="those that install FreeSWITCH, longest first")
    ap.add_argument("--lanes", type=int, default=2, help="jobs running at once (default 2)")
    args = ap.parse_args(argv)
    unknown = sorted(set(args.freeswitch_scenarios) - set(args.scenarios))
    if unknown:
        print(f"test: --freeswitch-scenarios {' '.join(unknown)}: no such scenario", file=sys.stderr)
        return 2
    if args.lanes < 1:
        print(f"test: --lanes {args.lanes}: at least 1", file=sys.stderr)
        return 2
    python = str(ROOT / ".venv" / "bin" / "python")
    started = time.monotonic()
    BUILD.mkdir(exist_ok=True)
    jobs = plan_jobs(args.scenarios, args.freeswitch_scenarios)
    say(f"{len(jobs)} jobs in {args.lanes} lanes: " + "; ".join(j.name for j in jobs))
    runner = Runner()
    pending = list(jobs)
    for name, target in ALONE:
        if not runner.run_phase(Phase(name, ["make", "--no-print-directory", target]), 1):
            break
    if runner.failed is None:
        run_lanes(runner, pending, args.lanes, python)
    total = time.monotonic() - started
    ok = runner.failed is None and not pending
    REPORT.write_text(json.dumps({"phases": runner.times, "lanes": args.lanes, "total_s": round(total, 1),
                                  "ok": ok, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, indent=2) + "\n",
                      encoding="utf-8")
    print(table(runner.times, total), flush=True)
    if runner.failed is not None and runner.failed.cmd:
        log = log_of(runner.failed.name)
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        say(f"{runner.failed.name} failed; the last {min(len(lines), FAILED_LOG_LINES)} lines of "
            f"{log.relative_to(ROOT)}:")
        print("\n".join(lines[-FAILED_LOG_LINES:]), flush=True)
        cause = failures(lines)
        if cause:
            say(f"what failed in {runner.failed.name}:")
            print("\n".join(cause), flush=True)
    elif runner.failed is not None:
        say(f"the FreeSWITCH package failed; the FreeSWITCH scenarios did not run (log: {BUILD_LOG.relative_to(ROOT)})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
