# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight checks of the keepalived (VRRP) variables of the edge tier.

The planning preflight (inventory_check) already reports missing or duplicate
router ids and VIPs outside the farm network; this adds what is specific to
keepalived: an advert interval VRRPv3 rejects, a real-time priority outside
1-99 (or 0), malformed track scripts or a
weight that could not move the VIP, and non-boolean switches (a VIP claimed by
two load-balancer pairs is reported by checks_verto). Whether each VIP lies in the subnet of
the interface it lands on is checked on each load balancer by the keepalived
role (from its facts), before anything is installed.
"""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import ALL, Problems
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.vrrp import (
    PRIORITY_MAX,
    advert_int_problem,
    rt_priority_problem,
    track_script_problems,
)

DEFAULT_PRIORITY_STEP = 50
BOOLEANS = ("freeswitch_ha_vrrp_unicast", "freeswitch_ha_vrrp_nopreempt")


def check(farm):
    """Return [{host, variable, message}] for the freeswitch_ha_vrrp_* variables."""
    problems = Problems()
    add = problems.add

    farm_vars = farm.get("vars") if isinstance(farm, dict) else None
    if not isinstance(farm_vars, dict):
        return problems
    if "freeswitch_ha_vrrp_advert_int" in farm_vars:
        why = advert_int_problem(farm_vars["freeswitch_ha_vrrp_advert_int"])
        if why:
            add(ALL, "freeswitch_ha_vrrp_advert_int", why)
    if "freeswitch_ha_vrrp_rt_priority" in farm_vars:
        why = rt_priority_problem(farm_vars["freeswitch_ha_vrrp_rt_priority"])
        if why:
            add(ALL, "freeswitch_ha_vrrp_rt_priority", why)
    for var in BOOLEANS:
        if var in farm_vars and not isinstance(farm_vars[var], bool):
            add(ALL, var, f"{farm_vars[var]!r} must be true or false")
    step = farm_vars.get("freeswitch_ha_vrrp_priority_step", DEFAULT_PRIORITY_STEP)
    if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= PRIORITY_MAX // 2:
        add(ALL, "freeswitch_ha_vrrp_priority_step", f"{step!r} must be an integer from 1 to {PRIORITY_MAX // 2}")
        step = None
    interface = farm_vars.get("freeswitch_ha_vrrp_interface")
    if interface is not None and (not isinstance(interface, str) or " " in interface):
        add(ALL, "freeswitch_ha_vrrp_interface", f"{interface!r} is not an interface name")
    if "freeswitch_ha_vrrp_track_scripts" in farm_vars:
        for suffix, message in track_script_problems(farm_vars["freeswitch_ha_vrrp_track_scripts"], step):
            add(ALL, "freeswitch_ha_vrrp_track_scripts" + suffix, message)
    return problems
