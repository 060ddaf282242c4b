"""The point-in-time restore drill, last in verify: restore the backup node, alone, then as a member.

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
sys.path.insert(0, str(SCENARIO.parent.parent / "tools"))

import backup_drill  # noqa: E402
from db_drill import scenario_drill  # noqa: E402


def test_backup_node_restores_to_a_point_in_time_and_rejoins():
    problems = scenario_drill(SCENARIO, backup_drill.run_backup_drill, backup_drill.failures, tier="backup")
    assert not problems, problems
