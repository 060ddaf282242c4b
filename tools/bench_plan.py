#!/usr/bin/env python3
"""Benchmark: plan a farm of 1,000 FreeSWITCH boxes in 100 tenants.

The whole plan: inventory check, tenant partitions, RTP ranges, dispatcher
weights and the verto port map (telephony.freeswitch_ha.farm_plan). Prints
the best of several runs and records it as ``plan_1000_boxes_ms`` in
build/bench.json (see tools/benchreport.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / "build" / "collections"
LINK = COLLECTIONS / "ansible_collections" / "telephony" / "freeswitch_ha"
if not LINK.exists():
    LINK.parent.mkdir(parents=True, exist_ok=True)
    os.symlink("../../../..", LINK)
sys.path.insert(0, str(COLLECTIONS))
sys.path.insert(0, str(ROOT / "tools"))

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_plan  # noqa: E402
from benchreport import record  # noqa: E402

ALGORITHMS = ("round_robin", "weighted", "call_load", "relative_weight")


def build_farm(boxes=1000, tenants=100):
    """A valid inventory picture: `boxes` FreeSWITCH in `tenants` tenants, two LBs per tenant."""
    per_tenant = boxes // tenants
    hosts, groups = {}, {"freeswitch": [], "loadbalancers": [], "databases": ["db1", "db2"]}
    definitions = {}
    for index in range(boxes):
        name = f"fs{index + 1:04d}"
        hosts[name] = {"freeswitch_ha_address": f"10.{16 + index // 250}.{index % 250}.10",
                       "freeswitch_ha_max_sessions": 100 + 50 * (index % 7)}
        groups["freeswitch"].append(name)
    for t in range(tenants):
        lbs = [f"lb{t + 1:03d}a", f"lb{t + 1:03d}b"]
        for k, lb in enumerate(lbs):
            hosts[lb] = {"freeswitch_ha_address": f"10.30.{t}.{k + 1}"}
            groups["loadbalancers"].append(lb)
        definitions[f"tenant{t + 1:03d}"] = {
            "freeswitch_hosts": groups["freeswitch"][t * per_tenant:(t + 1) * per_tenant],
            "lb_hosts": lbs,
            "sip_domains": [f"t{t + 1:03d}.example.net"],
            "vip": f"10.40.{t}.1",
            "vrrp_router_id": t + 1,
            "dispatcher_algorithm": ALGORITHMS[t % len(ALGORITHMS)],
        }
    for db, address in (("db1", "10.50.0.1"), ("db2", "10.50.0.2"), ("arb1", "10.50.0.3")):
        hosts[db] = {"freeswitch_ha_address": address}
    # the volume's default replica 3 arbiter 1: both database nodes and an arbiter (last)
    groups["storage"] = ["db1", "db2", "arb1"]
    groups["all"] = list(hosts)
    return {"hosts": hosts, "groups": groups, "vars": {
        "freeswitch_ha_tenants": definitions,
        "freeswitch_ha_network": "10.0.0.0/8",
        "freeswitch_ha_internal_vip": "10.40.255.1",
        "freeswitch_ha_internal_vrrp_router_id": 200,
        "freeswitch_ha_rtp_pool": "10000-59999",
        "freeswitch_ha_rtp_min_ports": 40,
        "freeswitch_ha_rtpengine_ports": "60000-64999",
        "freeswitch_ha_db_password": "bench-Zq8v1nRkT0pXa2",
        "freeswitch_ha_replication_password": "bench-Hs72kPq0vLm3xY",
        "freeswitch_ha_esl_password": "bench-Wc4nT9bFz1sQe8",
        "freeswitch_ha_install_method": "repo",
        "freeswitch_ha_signalwire_token": "bench-pat-Rk7mVw2qXs9LtB4n",
    }}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-record", action="store_true", help="print only, do not write build/bench.json")
    args = parser.parse_args()
    farm = build_farm()
    times = []
    plan = None
    for _ in range(args.runs):
        start = time.perf_counter()
        plan = farm_plan(farm)
        times.append((time.perf_counter() - start) * 1000.0)
    best = round(min(times), 2)
    assert len(plan["rtp_ranges"]) == 1000 and len(plan["verto"]) == 1000 and len(plan["tenants"]) == 100
    print(f"plan_1000_boxes_ms: {best} (best of {args.runs}; median {sorted(times)[len(times) // 2]:.2f}; "
          f"target < 100)")
    if not args.no_record:
        record({"plan_1000_boxes_ms": best},
               settings={"boxes": 1000, "tenants": 100, "runs": args.runs, "rtp_pool": "10000-59999",
                         "rtp_min_ports": 40, "python": sys.version.split()[0]},
               tier="plan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
