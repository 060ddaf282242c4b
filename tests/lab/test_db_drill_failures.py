"""The database drills' pass rule, shared by their Molecule tests and by make bench-db.

Each drill tool has one ``failures(figures, details)``: the scenario's test
asserts it is empty, and the tool's ``main()`` (what make bench-db runs) exits
1 and names each problem when it is not. These tests feed each rule a passing
drill, then break one fact at a time.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import backup_drill  # noqa: E402  (tools/ is not a package)
import db_drill  # noqa: E402
import partition_drill  # noqa: E402
import slot_drill  # noqa: E402

PASSING = {
    db_drill: (
        {"db.rows_written": 800, "db.failover_s": 1.9, "db.rows_lost": 0, "db.failback_stale_reads": 0},
        {"victim": "pgb1", "node_back": True, "identical": True, "digests": {},
         "failback": {"outage_rows": 40, "victim_up_in_haproxy": True, "rc": 0, "output": "",
                      "reads_after": 12, "victim_reads_after": 12, "victim_reads_before": 0}},
    ),
    backup_drill: (
        {"backup.restore_rows_lost": 0},
        {"before_replicated": True, "after_replicated": True, "archived": True, "session_seen": True,
         "live_refused": True, "refusal_output": "", "refusal_changed_nothing": True, "restore_rc": 0,
         "restore_output": "", "after_rows_restored": 0, "in_recovery": "f", "subscriptions_enabled": [0, 2],
         "member_rc": 0, "member_output": "", "identical": True, "member_subscriptions_enabled": [2, 2]},
    ),
    partition_drill: (
        {"db.partition_rows_written": 800, "db.partition_rows_lost": 0},
        {"dual_writers": True, "served_during_cut": {}, "identical": True, "failback_rc": 0, "failback_output": ""},
    ),
    slot_drill: (
        {"db.slot_wal_peak_mb": 200, "db.slot_wal_retained_mb": 80, "db.reseed_rows_lost": 0},
        {"live_peers_caught_up": True, "slot_lost": True, "slots_after": {}, "bound_mb": 64, "max_wal_size_mb": 64,
         "node_back": True, "writer_refused": True, "writer_at_refusal": "pgb1", "refusal_output": "", "refusal_changed_nothing": True,
         "reseed_rc": 0, "reseed_output": "", "identical": True, "slots_end": {"pgb2": ["reserved", None]}},
    ),
}

# (tool, path into figures or details, the broken value, a word the problem must carry)
BROKEN = [
    (db_drill, ("figures", "db.rows_lost"), 3, "3 acknowledged rows lost"),
    (db_drill, ("figures", "db.failover_s"), None, "no write was acknowledged"),
    (db_drill, ("details", "identical"), False, "differ"),
    (db_drill, ("failback", "rc"), 2, "db_failback.yml failed"),
    (db_drill, ("failback", "victim_reads_before"), 18, "18 reads reached pgb1 before db_failback.yml"),
    (db_drill, ("failback", "victim_reads_after"), 5, "5 of 12 reads after the failback"),
    (backup_drill, ("figures", "backup.restore_rows_lost"), 7, "7 rows before the target lost"),
    (backup_drill, ("details", "after_rows_restored"), 3, "past its target"),
    (backup_drill, ("details", "live_refused"), False, "not refused"),
    (backup_drill, ("details", "subscriptions_enabled"), [1, 2], "1 of 2 subscriptions enabled"),
    (backup_drill, ("details", "member_subscriptions_enabled"), [1, 2], "member restore: 1 of 2"),
    (partition_drill, ("figures", "db.partition_rows_lost"), 4, "4 acknowledged rows lost"),
    (partition_drill, ("details", "dual_writers"), False, "not two writers"),
    (partition_drill, ("details", "failback_rc"), 1, "db_failback.yml failed"),
    (slot_drill, ("details", "slot_lost"), False, "not invalidated"),
    (slot_drill, ("figures", "db.slot_wal_peak_mb"), 64, "not past the 64 MB bound"),
    (slot_drill, ("figures", "db.slot_wal_retained_mb"), 200, "over the bound"),
    (slot_drill, ("figures", "db.reseed_rows_lost"), 2, "2 rows lost"),
    (slot_drill, ("details", "slots_end"), {"pgb2": ["lost", None]}, "still lost"),
]


@pytest.mark.parametrize("tool", list(PASSING), ids=lambda tool: tool.__name__)
def test_a_passing_drill_has_no_failure(tool):
    figures, details = PASSING[tool]
    assert tool.failures(figures, details) == []


@pytest.mark.parametrize("tool,where,value,words", BROKEN,
                         ids=[f"{tool.__name__}-{where[1]}" for tool, where, value, words in BROKEN])
def test_each_broken_fact_is_one_named_failure(tool, where, value, words):
    figures, details = copy.deepcopy(PASSING[tool])
    part, key = where
    target = {"figures": figures, "details": details}.get(part) or details[part]
    target[key] = value
    problems = tool.failures(figures, details)
    assert len(problems) == 1, problems
    assert words in problems[0]


@pytest.mark.parametrize("tool,runner", [(db_drill, "run_drill"), (backup_drill, "run_backup_drill"),
                                         (partition_drill, "run_partition_drill"), (slot_drill, "run_slot_drill")],
                         ids=lambda value: getattr(value, "__name__", value))
def test_main_exits_1_and_names_the_problem_when_the_drill_fails(tool, runner, monkeypatch, capsys):
    figures, details = copy.deepcopy(PASSING[tool])
    details["identical"] = False
    details.setdefault("engine", "pglogical")
    details.setdefault("settings", {})
    monkeypatch.setattr(tool, runner, lambda *args, **kwargs: (figures, details))
    assert tool.main(["-i", "unused"]) == 1
    assert "differ" in capsys.readouterr().err
    details["identical"] = True
    assert tool.main(["-i", "unused"]) == 0


def test_a_drill_option_reaches_the_drill_by_name(monkeypatch):
    figures, details = copy.deepcopy(PASSING[slot_drill])
    seen = {}

    def run(inventory, more=(), **options):
        seen.update(options, inventory=inventory, more=more)
        return figures, details | {"engine": "native", "settings": {}}

    monkeypatch.setattr(slot_drill, "run_slot_drill", run)
    assert slot_drill.main(["-i", "a", "-i", "b", "--factor", "2.5"]) == 0
    assert seen == {"factor": 2.5, "inventory": "a", "more": ["b"]}


def test_a_scenario_drill_runs_on_the_joined_group_records_and_returns_the_failures(tmp_path, monkeypatch):
    import benchreport  # noqa: E402  pylint: disable=import-outside-toplevel
    monkeypatch.setattr(benchreport, "REPORT", tmp_path / "bench.json")
    figures, details = copy.deepcopy(PASSING[partition_drill])
    details.update(engine="native", settings={"rate": 20}, identical=False)
    seen = {}

    def run(inventory, more=()):
        seen.update(inventory=inventory, more=more)
        return figures, details

    scenario = tmp_path / "db_x"
    problems = db_drill.scenario_drill(scenario, run, partition_drill.failures)
    assert seen == {"inventory": scenario / "inventory", "more": [scenario / "join" / "hosts.yml"]}
    assert len(problems) == 1 and "differ" in problems[0]
    report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert report["db"]["native"]["partition_rows_lost"] == 0 and report["db"]["partition_rows_written"] == 800
