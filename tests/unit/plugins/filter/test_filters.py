"""The thin filter wrappers: registration, pass-through and AnsibleFilterError."""

from __future__ import annotations

import importlib

import pytest
from ansible.errors import AnsibleFilterError

PACKAGE = "ansible_collections.telephony.freeswitch_ha.plugins.filter"
NAMES = ("rtp_port_ranges", "dispatcher_weights", "verto_port_map", "tenant_partitions",
         "inventory_problems", "farm_plan", "farm_inventory")


def _filter(name):
    module = importlib.import_module(f"{PACKAGE}.{name}")
    assert module.DOCUMENTATION and module.EXAMPLES and module.RETURN
    return module.FilterModule().filters()[name]


@pytest.mark.parametrize("name", NAMES)
def test_each_filter_is_registered_under_its_file_name(name):
    assert callable(_filter(name))


def test_filters_compute_the_lab_plan(lab_farm):
    parts = _filter("tenant_partitions")(lab_farm)
    ranges = _filter("rtp_port_ranges")(lab_farm["groups"]["freeswitch"], "16384-32767", 1000)
    assert _filter("verto_port_map")(parts, ranges, lab_farm["hosts"])["fs2"]["rtp_start"] == 17384
    assert _filter("dispatcher_weights")(parts, lab_farm["hosts"])["alpha"]["destinations"][1]["weight"] == 25
    assert _filter("inventory_problems")(lab_farm) == []
    assert _filter("farm_plan")(lab_farm)["tenants"] == parts


@pytest.mark.parametrize(("name", "args"), [
    ("rtp_port_ranges", (["a"], "1-2")),
    ("tenant_partitions", ({"vars": {"freeswitch_ha_tenants": "x"}},)),
    ("dispatcher_weights", ({"t": {"freeswitch_hosts": []}}, {})),
    ("verto_port_map", ({"t": {"freeswitch_hosts": ["a"]}}, {})),
    ("farm_plan", ({"hosts": {}, "groups": {}, "vars": {}},)),
])
def test_plan_errors_become_filter_errors(name, args):
    with pytest.raises(AnsibleFilterError, match=f"^{name}: "):
        _filter(name)(*args)


def test_inventory_problems_lines(lab_farm):
    del lab_farm["vars"]["freeswitch_ha_esl_password"]
    assert _filter("inventory_problems")(lab_farm, lines=True) == [
        "all: freeswitch_ha_esl_password: secret is missing: set it in a vault file (see inventories/example)"]
