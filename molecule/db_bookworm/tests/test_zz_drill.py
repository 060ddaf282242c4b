"""The fault drill, last in verify: hard-kill the node taking the writes (tools/db_drill.py), then fail back.

Correctness is asserted (no acknowledged write lost, every node back and
identical); the times are measured and written to build/bench.json, never
asserted (the machine is shared).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

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
    assert figures["db.rows_written"] > 0
    assert figures["db.failover_s"] is not None, "no write was acknowledged by another node after the kill"
    assert details["node_back"], f"{details['victim']} did not come back"
    assert figures["db.rows_lost"] == 0
    assert details["identical"], details["digests"]
    # Manual failback: the reads stay on the survivor while the killed node is back but unchecked, then
    # playbooks/db_failback.yml moves them to it, and no read misses a row written during the outage.
    failback = details["failback"]
    assert failback["outage_rows"] > 0, failback
    assert failback["victim_up_in_haproxy"], failback
    assert failback["rc"] == 0, failback["output"]
    assert failback["reads_after"] > 0 and failback["victim_reads_after"] == failback["reads_after"], failback
    assert figures["db.failback_stale_reads"] == 0, failback
    if failback["victim_reads_before"] and SCENARIO.name == "db_trixie":
        # Known defect (issue 20, docs/database.md "Failback"): with HAProxy 3.0.11 on Debian 13 some reads
        # reach the returned node before db_failback.yml runs (18-23 of about 30, no stale one); HAProxy
        # 3.0.11 alone, with peers, stays sticky: the cause is not found yet. Reported, never passed.
        pytest.xfail(f"db_trixie: {failback['victim_reads_before']} reads on the returned node before failback")
    assert failback["victim_reads_before"] == 0, failback
