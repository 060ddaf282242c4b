"""The partition drill, after the hard-kill drill: each client's HAProxy cut off a different database node.

tools/partition_drill.py: both clients keep writing through their HAProxy
while an nft rule inside each drops its packets to one node (the first
client's to the first node, the second's to the second); after the cut heals
every node holds identical tables and every acknowledged row, and
playbooks/db_failback.yml sends both back to the first node. Correctness is
asserted; the times go to build/bench.json, never asserted against a target.
"""

from __future__ import annotations

import sys
from pathlib import Path

SCENARIO = Path(__file__).parent.parent
sys.path.insert(0, str(SCENARIO.parent.parent / "tools"))

import partition_drill  # noqa: E402
from db_drill import scenario_drill  # noqa: E402


def test_clients_cut_off_different_nodes_lose_no_acknowledged_write():
    problems = scenario_drill(SCENARIO, partition_drill.run_partition_drill, partition_drill.failures)
    assert not problems, problems
