"""Make the collection importable as ansible_collections.telephony.freeswitch_ha."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / "build" / "collections"
LINK = COLLECTIONS / "ansible_collections" / "telephony" / "freeswitch_ha"
if not LINK.exists():
    LINK.parent.mkdir(parents=True, exist_ok=True)
    os.symlink("../../../..", LINK)
sys.path.insert(0, str(ROOT / "tests"))
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

SECRETS = {
    "freeswitch_ha_db_password": "Zq8v1nRkT0pXa2",
    "freeswitch_ha_replication_password": "Hs72kPq0vLm3xY",
    "freeswitch_ha_esl_password": "Wc4nT9bFz1sQe8",
}

LAB_FARM = {
    "hosts": {
        "lb1": {"freeswitch_ha_address": "172.28.57.11"},
        "lb2": {"freeswitch_ha_address": "172.28.57.12"},
        "fs1": {"freeswitch_ha_address": "172.28.57.21", "freeswitch_ha_max_sessions": 300},
        "fs2": {"freeswitch_ha_address": "172.28.57.22", "freeswitch_ha_max_sessions": 100},
        "fs3": {"freeswitch_ha_address": "172.28.57.23", "freeswitch_ha_max_sessions": 200},
        "fs4": {"freeswitch_ha_address": "172.28.57.24", "freeswitch_ha_max_sessions": 200},
        "db1": {"freeswitch_ha_address": "172.28.57.31"},
        "db2": {"freeswitch_ha_address": "172.28.57.32"},
        "client1": {"freeswitch_ha_address": "172.28.57.41"},
    },
    "groups": {
        "all": ["lb1", "lb2", "fs1", "fs2", "fs3", "fs4", "db1", "db2", "client1"],
        "ungrouped": [],
        "loadbalancers": ["lb1", "lb2"],
        "freeswitch": ["fs1", "fs2", "fs3", "fs4"],
        "databases": ["db1", "db2"],
        "storage": ["db1", "db2", "client1"],
        "lab_clients": ["client1"],
    },
    "vars": {
        "freeswitch_ha_tenants": {
            "alpha": {
                "freeswitch_hosts": ["fs1", "fs2"], "lb_hosts": ["lb1", "lb2"],
                "sip_domains": ["alpha.lab.invalid"], "vip": "172.28.57.100",
                "vrrp_router_id": 51, "dispatcher_algorithm": "weighted",
            },
            "beta": {
                "freeswitch_hosts": ["fs3", "fs4"], "lb_hosts": ["lb1", "lb2"],
                "sip_domains": ["beta.lab.invalid"], "vip": "172.28.57.101",
                "vrrp_router_id": 52, "dispatcher_algorithm": "round_robin",
            },
        },
        "freeswitch_ha_internal_vip": "172.28.57.99",
        "freeswitch_ha_internal_vrrp_router_id": 50,
        "freeswitch_ha_rtp_pool": "16384-32767",
        "freeswitch_ha_rtp_min_ports": 1000,
        "freeswitch_ha_rtpengine_ports": "40000-44999",
        "freeswitch_ha_lab_subnet": "172.28.57.0/24",
        "freeswitch_ha_install_method": "none",
        "freeswitch_ha_storage_brick_force": True,
        "freeswitch_ha_verto_return_path": "snat",
        **SECRETS,
    },
}


@pytest.fixture
def lab_farm():
    """A fresh copy of the lab inventory picture (inventories/lab plus secrets)."""
    return copy.deepcopy(LAB_FARM)
