"""The bounded-WAL drill, after the hard-kill drill: a node down past its slot's WAL bound, then re-seeded.

tools/slot_drill.py: the node's slot on the writer is invalidated at the
checkpoint after three bounds of WAL, playbooks/db_reseed.yml refuses the
writer as its target and re-seeds the stopped node, and every node ends
identical with the rows written during the outage. Correctness is asserted;
the times and sizes go to build/bench.json, never asserted against a target.
"""

from __future__ import annotations

import sys
from pathlib import Path

SCENARIO = Path(__file__).parent.parent
sys.path.insert(0, str(SCENARIO.parent.parent / "tools"))

import slot_drill  # noqa: E402
from db_drill import scenario_drill  # noqa: E402


def test_node_past_the_wal_bound_is_re_seeded_with_nothing_lost():
    problems = scenario_drill(SCENARIO, slot_drill.run_slot_drill, slot_drill.failures)
    assert not problems, problems
