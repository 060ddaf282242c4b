"""The plan benchmark's synthetic farm passes every tier's inventory check.

It once fell behind the checks registered since it was written (storage
replica, install method) and `make bench` stopped at its first step.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import bench_plan  # noqa: E402  (tools/ is not a package)

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan  # noqa: E402


def test_the_benchmark_farm_is_a_valid_inventory():
    plan = farm_plan(bench_plan.build_farm(), check=True)
    assert len(plan["tenants"]) == 100
    assert sum(len(t["freeswitch_hosts"]) for t in plan["tenants"].values()) == 1000
