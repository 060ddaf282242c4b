#!/usr/bin/env python3
"""`make test`, phase by phase, with the FreeSWITCH build beside it (not shipped).

The FreeSWITCH package (tools/freeswitch_build.py) takes 12-15 minutes from
nothing on 2 cores; only the scenarios that run FreeSWITCH need it. So it is
started first, in the background (its container has Docker's smallest CPU
share: it takes what the other phases leave), while lint, sanity, unit and
the scenarios without FreeSWITCH run; the FreeSWITCH scenarios wait for it.
At the end (or at the first failure) a table of phase times is printed and
written to build/test-phases.json.

    tools/test_phases.py --freeswitch-scenarios freeswitch --scenarios db_bookworm edge ... freeswitch
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
BUILD_LOG = BUILD / "freeswitch-build.log"
REPORT = BUILD / "test-phases.json"


def say(message: str) -> None:
    print(f"=== {message}", flush=True)


def phase(name: str, cmd: list[str], times: list) -> bool:
    say(f"{name} ...")
    started = time.monotonic()
    rc = subprocess.run(cmd, cwd=ROOT).returncode
    seconds = time.monotonic() - started
    times.append({"phase": name, "seconds": round(seconds, 1), "ok": rc == 0})
    say(f"{name}: {'passed' if rc == 0 else f'FAILED (rc {rc})'} in {seconds:.0f} s")
    return rc == 0


def table(times: list, total: float) -> str:
    rows = ["| phase | seconds | result |", "| --- | ---: | --- |"]
    rows += [f"| {t['phase']} | {t['seconds']:.0f} | {'ok' if t['ok'] else 'FAILED'} |" for t in times]
    rows.append(f"| total (wall clock) | {total:.0f} | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", nargs="+", required=True, help="every Molecule scenario to run")
    ap.add_argument("--freeswitch-scenarios", nargs="*", default=[], help="those that install FreeSWITCH")
    args = ap.parse_args(argv)
    unknown = sorted(set(args.freeswitch_scenarios) - set(args.scenarios))
    if unknown:
        print(f"test: --freeswitch-scenarios {' '.join(unknown)}: no such scenario", file=sys.stderr)
        return 2
    python = str(ROOT / ".venv" / "bin" / "python")
    started = time.monotonic()
    times: list = []
    BUILD.mkdir(exist_ok=True)
    say(f"FreeSWITCH package: building or reusing it in the background (log: {BUILD_LOG.relative_to(ROOT)})")
    with open(BUILD_LOG, "w", encoding="utf-8") as log:
        builder = subprocess.Popen([python, "tools/freeswitch_build.py", "--record"], cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT)
    build_started = time.monotonic()
    ok = True
    try:
        steps = [("lint", ["make", "--no-print-directory", "lint"]),
                 ("sanity", ["make", "--no-print-directory", "sanity"]),
                 ("unit", ["make", "--no-print-directory", "unit"]),
                 # the built tarball through Galaxy's own importer and its ansible-lint
                 ("galaxy", ["make", "--no-print-directory", "galaxy"])]
        steps += [(f"molecule {s}", ["molecule", "test", "-s", s])
                  for s in args.scenarios if s not in args.freeswitch_scenarios]
        for name, cmd in steps:
            if not phase(name, cmd, times):
                ok = False
                break
        if ok and args.freeswitch_scenarios:
            say("waiting for the FreeSWITCH package ...")
            waited = time.monotonic()
            rc = builder.wait()
            times.append({"phase": "FreeSWITCH package (background, from the start)",
                          "seconds": round(time.monotonic() - build_started, 1), "ok": rc == 0})
            times.append({"phase": "  of which waited for", "seconds": round(time.monotonic() - waited, 1),
                          "ok": rc == 0})
            tail = BUILD_LOG.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
            print("\n".join(tail), flush=True)
            ok = rc == 0
            for s in args.freeswitch_scenarios if ok else []:
                if not phase(f"molecule {s}", ["molecule", "test", "-s", s], times):
                    ok = False
                    break
    finally:
        if builder.poll() is None:
            builder.terminate()
            builder.wait()
            subprocess.run([python, "tools/lab.py", "down", "-i", "tools/freeswitch_build/inventory"], cwd=ROOT,
                           check=False, capture_output=True)
    total = time.monotonic() - started
    REPORT.write_text(json.dumps({"phases": times, "total_s": round(total, 1), "ok": ok,
                                  "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, indent=2) + "\n", encoding="utf-8")
    print(table(times, total), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
