"""The point-in-time restore drill, before the fault drills: restore the backup node, alone, then as a member.

tools/backup_drill.py: rows committed before the target are all on the
restored node and none after it; the restore refuses a node FreeSWITCH has a
session on; the standalone restore leaves the node's subscriptions disabled;
the member restore re-seeds it and every node ends identical. Correctness is
asserted; the times go to build/bench.json, never asserted against a target.
"""

from __future__ import annotations

import sys
from pathlib import Path

SCENARIO = Path(__file__).parent.parent
ROOT = SCENARIO.parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import backup_drill  # noqa: E402
from benchreport import record, with_variant  # noqa: E402


def test_backup_node_restores_to_a_point_in_time_and_rejoins():
    figures, details = backup_drill.run_backup_drill(SCENARIO / "inventory", more=[SCENARIO / "join" / "hosts.yml"])
    print(figures, details)
    record(with_variant(figures, details["engine"]), settings=details["settings"] | {"scenario": SCENARIO.name}, tier="backup")
    problems = backup_drill.failures(figures, details)
    assert not problems, problems
