"""The fault drill, last in verify: hard-kill the node taking the writes (tools/db_drill.py), then fail back.

Correctness is asserted (no acknowledged write lost, every node back and
identical); the times are measured and written to build/bench.json, never
asserted (the machine is shared).
"""

from __future__ import annotations

import sys
from pathlib import Path

SCENARIO = Path(__file__).parent.parent
sys.path.insert(0, str(SCENARIO.parent.parent / "tools"))

import db_drill  # noqa: E402
from db_drill import scenario_drill  # noqa: E402


def test_hard_kill_of_the_writing_node_loses_no_acknowledged_write():
    # After the side effect: the joined node is a member too (and must end identical).
    problems = scenario_drill(SCENARIO, db_drill.run_drill, db_drill.failures)
    assert not problems, problems
