"""Merge measured figures into build/bench.json (see docs/benchmarks.md).

Every benchmark calls ``record()`` with the figures it measured in that run
and the settings it ran with. Keys are merged one by one, so a tier's run
never erases another tier's figures.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "build" / "bench.json"


def _machine() -> dict:
    docker = None
    if shutil.which("docker"):
        try:
            docker = subprocess.run(
                ["docker", "version", "--format", "{{.Server.Version}}"],
                capture_output=True, text=True, timeout=10, check=False,
            ).stdout.strip() or None
        except (OSError, subprocess.TimeoutExpired):
            docker = None
    mem_kib = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    mem_kib = int(line.split()[1])
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kib / 1048576, 1), "docker": docker}


def _commit() -> str | None:
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False,
        )
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def record(figures: dict, settings: dict | None = None, tier: str | None = None) -> dict:
    """Merge ``figures`` (dotted keys allowed: ``lab.bringup_first_s``) into the report.

    make test runs scenarios in parallel lanes, each recording its figures: the
    read, merge and replace happen under one lock, so no lane loses another's.
    """
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with open(REPORT.with_suffix(".json.lock"), "w", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _merge(figures, settings, tier)


def _merge(figures: dict, settings: dict | None, tier: str | None) -> dict:
    try:
        report = json.loads(REPORT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = {}
    for key, value in figures.items():
        node = report
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    if settings is not None and tier:
        # Merged, not replaced: two benchmarks of one tier keep each other's settings.
        report.setdefault("settings", {}).setdefault(tier, {}).update(settings)
    report["commit"] = _commit()
    report["when"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    report["machine"] = _machine()
    tmp = REPORT.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(REPORT)
    return report


def with_variant(figures: dict, variant: str) -> dict:
    """``figures`` and a copy of each under ``variant`` after its tier (db.rows_lost, db.native.rows_lost).

    A benchmark run on two variants (the two multi-master engines) keeps the
    issue's keys, the last run winning, and each variant's figures beside them.
    """
    return figures | {key.replace(".", f".{variant}.", 1): value for key, value in figures.items()}


def table(report: dict) -> str:
    """The report's figures as a two-column table for the terminal."""
    rows = []

    def walk(prefix: str, node: dict) -> None:
        for key in sorted(node):
            value = node[key]
            if prefix == "" and key in ("commit", "when", "machine", "settings"):
                continue
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                rows.append((f"{prefix}{key}", value))

    walk("", report)
    width = max((len(k) for k, _ in rows), default=10)
    lines = [f"{'figure'.ljust(width)}  value", f"{'-' * width}  -----"]
    lines += [f"{k.ljust(width)}  {v}" for k, v in rows]
    lines.append(f"(commit {report.get('commit')}, {report.get('when')}, machine {report.get('machine')})")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    # benchreport.py                      print the report as a table
    # benchreport.py merge FILE TIER      merge a JSON file of figures (drill.yml's drill.json)
    if len(sys.argv) == 4 and sys.argv[1] == "merge":
        figures = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
        record(figures, settings={"source": sys.argv[2]}, tier=sys.argv[3])
    print(table(json.loads(REPORT.read_text(encoding="utf-8"))))
