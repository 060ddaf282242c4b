# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole plan of a farm, computed once from the inventory picture."""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.call_rates import plan_call_rates
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.dispatcher_weights import (
    plan_dispatcher_weights,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_settings import is_unknown
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.inventory_check import (
    format_problems,
    inventory_check,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.rtp_port_ranges import farm_rtp_ranges
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import (
    plan_tenant_partitions,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.verto_port_map import (
    plan_verto_port_map,
)

HOST_VARS = (
    "freeswitch_ha_address", "freeswitch_ha_max_sessions", "freeswitch_ha_cores", "freeswitch_ha_weight",
    "freeswitch_ha_rtp_range", "freeswitch_ha_switchname", "freeswitch_ha_verto_port", "freeswitch_ha_tenant",
    "freeswitch_ha_install_method", "freeswitch_ha_storage_brick_root", "freeswitch_ha_sessions_per_second",
)


def plan_farm(farm, check=True):
    """Return {tenants, box_tenants, rtp_ranges, dispatcher, call_rates, verto, internal_vip}.

    ``box_tenants`` maps each FreeSWITCH box to the name of its tenant.

    With ``check`` (the default) the inventory is checked first and a
    PlanError lists every problem ("host: variable: message" lines).
    """
    if check:
        problems = inventory_check(farm)
        if problems:
            raise PlanError("the inventory has problems:\n" + "\n".join(format_problems(problems)))
    hosts = farm.get("hosts") or {}
    farm_vars = farm.get("vars") or {}
    tenants = plan_tenant_partitions(farm)
    ranges = farm_rtp_ranges(farm)
    return {
        "tenants": tenants,
        "box_tenants": {box: name for name, tenant in tenants.items() for box in tenant["freeswitch_hosts"]},
        "rtp_ranges": ranges,
        "dispatcher": plan_dispatcher_weights(tenants, hosts),
        "call_rates": plan_call_rates(farm, tenants),
        "verto": plan_verto_port_map(tenants, ranges, hosts),
        "internal_vip": {
            "vip": farm_vars.get("freeswitch_ha_internal_vip"),
            "vrrp_router_id": farm_vars.get("freeswitch_ha_internal_vrrp_router_id"),
        },
    }


def farm_inventory(groups, hostvars, farm_vars=None):
    """The inventory picture from Ansible's ``groups`` and ``hostvars``.

    Only the freeswitch_ha_* host variables the plan reads are copied (never a
    secret); ``farm_vars`` are the farm-wide freeswitch_ha_* variables. A host's
    freeswitch_ha_* name the collection does not know (farm_settings) is kept
    with the value None, so the preflight can name it: its value is not
    copied, since it may be a misspelled secret. Such a name that is only
    inherited from ``farm_vars`` (same value) is left to the farm-wide
    picture, so it is reported once, not once per host.
    """
    farm_vars = farm_vars or {}
    hosts = {}
    seen = []
    for members in (groups or {}).values():
        for host in members or []:
            if host not in hosts:
                hosts[host] = None
                seen.append(host)
    picture = {}
    for host in seen:
        try:
            source = hostvars[host]
        except KeyError:
            source = {}
        picture[host] = {var: source[var] for var in HOST_VARS if var in source}
        picture[host].update({
            name: None for name in source
            if is_unknown(name) and not (name in farm_vars and source[name] == farm_vars[name])
        })
    return {
        "hosts": picture,
        "groups": {str(g): list(m or []) for g, m in (groups or {}).items()},
        "vars": {k: v for k, v in farm_vars.items() if str(k).startswith("freeswitch_ha_")},
    }
