# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How fast each box takes new calls, and how fast a tenant may send them.

FreeSWITCH refuses new calls above its ``sessions-per-second`` with 503
(switch.conf; 30 is FreeSWITCH's own default). The proxies move a refused
call to the next box without marking the box down, so a tenant keeps every
call while its rate fits one box: when every other box of the tenant is
dead, the last one takes them all. ``survivor_cps`` is that rate, the
smallest sessions-per-second of the tenant's boxes (any of them may be the
last); the drills send half of it.
"""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import Problems, members

VARIABLE = "freeswitch_ha_sessions_per_second"
DEFAULT_SESSIONS_PER_SECOND = 30


def sessions_per_second(hostvars):
    """The box's sessions-per-second from its host variables."""
    return (hostvars or {}).get(VARIABLE, DEFAULT_SESSIONS_PER_SECOND)


def problems(farm):
    """[{host, variable, message}] for every box whose sessions-per-second is not a positive integer."""
    hosts = farm.get("hosts") or {}
    found = Problems()
    for box in members(farm.get("groups"), "freeswitch"):
        value = sessions_per_second(hosts.get(box))
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            found.add(box, VARIABLE, f"{value!r} is not a positive number of new calls per second")
    return list(found)


def plan_call_rates(farm, tenants, boxes):
    """{"survivor_cps": {tenant: new calls per second}} from the plan's ``boxes`` (their sessions_per_second).

    Each box's own rate is in the plan's ``boxes`` (farm_plan.plan_boxes); a
    tenant's box missing there (an unchecked inventory) takes its host value.
    """
    hosts = farm.get("hosts") or {}
    survivor = {}
    for name, tenant in tenants.items():
        rates = [boxes[box]["sessions_per_second"] if box in boxes else sessions_per_second(hosts.get(box))
                 for box in tenant["freeswitch_hosts"]]
        survivor[name] = min(rates) if rates else 0
    return {"survivor_cps": survivor}
