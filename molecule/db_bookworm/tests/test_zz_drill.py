"""The fault drill, last in verify: hard-kill the node taking the writes (tools/db_drill.py), then fail back.

Correctness is asserted (no acknowledged write lost, every node back and
identical); the times are measured and written to build/bench.json, never
asserted (the machine is shared).
"""

from __future__ import annotations

import sys
from pathlib import Path

SCENARIO = Path(__file__).parent.parent
ROOT = SCENARIO.parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import db_drill  # noqa: E402
from benchreport import record, with_variant  # noqa: E402


def test_hard_kill_of_the_writing_node_loses_no_acknowledged_write():
    # After the side effect: the joined node is a member too (and must end identical).
    figures, details = db_drill.run_drill(SCENARIO / "inventory", more=[SCENARIO / "join" / "hosts.yml"])
    engine = details["engine"]
    # The keys (the last scenario run wins) and the same figures per engine.
    record(with_variant(figures, engine),
           settings=details["settings"] | {"scenario": SCENARIO.name, "engine": engine}, tier="db")
    print(figures, {k: v for k, v in details.items() if k != "digests"})
    problems = db_drill.failures(figures, details)
    assert not problems, problems
