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
sys.path.insert(0, str(ROOT / "tools"))
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

SECRETS = {
    "freeswitch_ha_db_password": "Zq8v1nRkT0pXa2",
    "freeswitch_ha_replication_password": "Hs72kPq0vLm3xY",
    "freeswitch_ha_esl_password": "Wc4nT9bFz1sQe8",
}


def _read_lab_farm() -> dict:
    """inventories/lab as the playbooks picture it (farm_inventory, as preflight.yml does), plus test secrets.

    Read with ansible-inventory, so the tests follow the lab inventory instead of a hand-kept copy.
    """
    from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_inventory

    import lab  # tools/lab.py: the lab engine reads inventories the same way

    inventory = lab.read_inventory(str(ROOT / "inventories" / "lab"), export=True)
    with_vars = sorted(g for g, body in inventory.items() if g not in ("_meta", "all") and body.get("vars"))
    # farm-wide variables live in group_vars/all; a group's own variables would need Ansible's precedence rules
    assert not with_vars, f"inventories/lab: variables of groups {with_vars} are not read by the tests' picture"
    names = [g for g in inventory if g != "_meta"]
    groups = {name: lab.group_hosts(inventory, name) for name in names}
    groups.setdefault("ungrouped", [])
    return farm_inventory(groups, inventory["_meta"]["hostvars"], {**inventory["all"].get("vars", {}), **SECRETS})


LAB_FARM = _read_lab_farm()


@pytest.fixture
def lab_farm():
    """A fresh copy of the lab inventory picture (inventories/lab plus secrets)."""
    return copy.deepcopy(LAB_FARM)

