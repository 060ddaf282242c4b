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
# Stands for build/lab-secrets.yml's fsha_lab_user_password, from which inventories/lab builds its users' passwords.
LAB_SECRET_INPUTS = {"fsha_lab_user_password": "Rt5mW2cLx9vBn4"}


def _read_lab_farm() -> dict:
    """inventories/lab as the playbooks picture it (lab.farm_picture), plus test secrets.

    Read with ansible-inventory, so the tests follow the lab inventory instead of a hand-kept copy.
    """
    import lab  # tools/lab.py: the lab engine reads inventories the same way

    import jinja2

    farm = lab.farm_picture(str(ROOT / "inventories" / "lab"))
    farm["vars"].update(SECRETS)
    # The users' passwords are templates over the lab secret; the picture holds them rendered, as a play sees them.
    farm["vars"]["freeswitch_ha_sip_users"] = [
        dict(entry, password=jinja2.Template(entry["password"]).render(LAB_SECRET_INPUTS))
        for entry in farm["vars"].get("freeswitch_ha_sip_users", [])]
    return farm


LAB_FARM = _read_lab_farm()


@pytest.fixture
def lab_farm():
    """A fresh copy of the lab inventory picture (inventories/lab plus secrets)."""
    return copy.deepcopy(LAB_FARM)
