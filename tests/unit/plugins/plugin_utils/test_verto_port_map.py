"""verto_port_map: public ports unique per VIP, local port, RTP range."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import farm_rtp_ranges
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_partitions
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.verto_port_map import verto_port_map


def test_lab_map(lab_farm):
    lab_farm["hosts"]["fs4"]["freeswitch_ha_verto_port"] = 8443
    parts = tenant_partitions(lab_farm)
    plan = verto_port_map(parts, farm_rtp_ranges(lab_farm), lab_farm["hosts"])
    assert plan["fs1"] == {"tenant": "alpha", "vip": "172.28.57.100", "public_port": 8082, "address": "172.28.57.21",
                           "local_port": 8081, "rtp_start": 16384, "rtp_end": 17383}
    assert (plan["fs2"]["public_port"], plan["fs3"]["public_port"], plan["fs4"]["public_port"]) == (8083, 8082, 8083)
    assert plan["fs4"]["local_port"] == 8443 and plan["fs4"]["rtp_start"] == 19384


def test_shared_vip_collision_and_missing_range(lab_farm):
    lab_farm["vars"]["freeswitch_ha_tenants"]["beta"]["vip"] = "172.28.57.100"
    parts = tenant_partitions(lab_farm)
    with pytest.raises(PlanError, match="already fs1's"):
        verto_port_map(parts, farm_rtp_ranges(lab_farm), lab_farm["hosts"])
    lab_farm["vars"]["freeswitch_ha_tenants"]["beta"]["verto_port_base"] = 9000
    parts = tenant_partitions(lab_farm)
    assert verto_port_map(parts, farm_rtp_ranges(lab_farm))["fs4"]["public_port"] == 9001
    with pytest.raises(PlanError, match="no RTP range"):
        verto_port_map(parts, {})
    parts["alpha"]["verto_port_base"] = 65535
    with pytest.raises(PlanError, match="outside 1-65535"):
        verto_port_map(parts, farm_rtp_ranges(lab_farm))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 6)), min_size=1, max_size=12))
def test_public_ports_unique_per_vip_when_bases_are_spaced(tenants):
    parts, ranges = {}, {}
    for index, (vip, size) in enumerate(tenants):
        boxes = [f"t{index}b{n}" for n in range(size)]
        parts[f"t{index}"] = {"vip": f"10.0.0.{vip}", "verto_port_base": 10000 + 10 * index, "freeswitch_hosts": boxes}
        ranges.update({b: {"start": 20000, "end": 20999} for b in boxes})
    plan = verto_port_map(parts, ranges)
    keys = [(e["vip"], e["public_port"]) for e in plan.values()]
    assert len(keys) == len(set(keys)) == len(ranges)
