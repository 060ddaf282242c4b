# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kamailio dispatcher sets with capacity-proportional weights.

A box's capacity is, in this order, its explicit ``freeswitch_ha_weight``,
its ``freeswitch_ha_max_sessions`` or its ``freeswitch_ha_cores``; a tenant
whose boxes declare nothing gets equal capacities.

For every destination the plan gives:
- ``weight``: the percentage of calls for algorithm 9 (Kamailio reads the
  ``weight`` attribute as a percentage and fills a 100-slot table, so the
  set's weights sum to exactly 100), largest-remainder rounding, never 0;
- ``rweight``: the relative weight for algorithm 11, 1..100, the largest box
  at 100;
- ``ratio``: the capacities divided by their greatest common divisor;
- ``maxload``: the box's max sessions when declared (algorithm 10);
- ``attrs``: the dispatcher.list attribute string, e.g.
  ``duid=fs1;weight=75;maxload=300``.
"""

from __future__ import annotations

import math

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import switchname

CAPACITY_VARS = ("freeswitch_ha_weight", "freeswitch_ha_max_sessions", "freeswitch_ha_cores")
DEFAULT_SIP_PORT = 5060


def _uri(address, port):
    if address is None:
        return None
    address = str(address)
    return f"sip:[{address}]:{port}" if ":" in address else f"sip:{address}:{port}"


def capacity_of(host, hostvars):
    """(variable, value) of the capacity a host declares, or (None, None)."""
    for var in CAPACITY_VARS:
        value = (hostvars or {}).get(var)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise PlanError(f"{host}: {var} {value!r} must be a number greater than 0")
        return var, value
    return None, None


def percent_weights(capacities):
    """Integers >= 1 summing to 100, proportional to capacities (largest remainder)."""
    count = len(capacities)
    if count == 0:
        return []
    if count > 100:
        raise PlanError(f"a weighted set holds at most 100 destinations, not {count}")
    if any(c <= 0 for c in capacities):
        raise PlanError("every capacity must be greater than 0")
    total = float(sum(capacities))
    raw = [100.0 * c / total for c in capacities]
    weights = [max(1, math.floor(r)) for r in raw]
    left = 100 - sum(weights)
    # hand out what is left to the boxes furthest below their share (a box
    # lifted to 1 is already above it)
    order = sorted(range(count), key=lambda i: (-(raw[i] - weights[i]), -capacities[i], i))
    position = 0
    while left > 0:
        weights[order[position % count]] += 1
        position += 1
        left -= 1
    while left < 0:
        # only when some boxes were lifted to 1: take from the most over-served
        index = max((i for i in range(count) if weights[i] > 1), key=lambda i: (weights[i] - raw[i], -capacities[i], -i))
        weights[index] -= 1
        left += 1
    return weights


def relative_weights(capacities):
    """Integers 1..100 proportional to capacities, the largest at 100."""
    if not capacities:
        return []
    top = float(max(capacities))
    return [min(100, max(1, int(math.floor(100.0 * c / top + 0.5)))) for c in capacities]


def ratio_weights(capacities):
    """Capacities divided by their greatest common divisor (integers), if integral."""
    if all(float(c).is_integer() for c in capacities):
        ints = [int(c) for c in capacities]
        divisor = 0
        for value in ints:
            divisor = math.gcd(divisor, value)
        return [v // (divisor or 1) for v in ints]
    return relative_weights(capacities)


def dispatcher_weights(partitions, hosts, sip_port=DEFAULT_SIP_PORT):
    """Return {tenant: {set_id, algorithm, algorithm_id, destinations: [...]}}.

    ``partitions``: the output of tenant_partitions; ``hosts``: host ->
    hostvars (freeswitch_ha_address, capacity variables, switchname).
    """
    if not isinstance(partitions, dict):
        raise PlanError("partitions must be the mapping tenant_partitions returns")
    hosts = hosts or {}
    plan = {}
    for tenant, part in partitions.items():
        boxes = list(part.get("freeswitch_hosts") or [])
        if not boxes:
            raise PlanError(f"tenant {tenant}: no FreeSWITCH hosts")
        declared = [capacity_of(box, hosts.get(box)) for box in boxes]
        kinds = {var for var, dummy in declared}
        if len(kinds) > 1:
            raise PlanError(
                f"tenant {tenant}: boxes declare capacity with different variables "
                f"({', '.join(sorted(str(k) for k in kinds))})"
            )
        capacities = [value if value is not None else 1 for dummy, value in declared]
        algorithm_id = part.get("algorithm_id")
        percent = percent_weights(capacities) if len(boxes) <= 100 else [None] * len(boxes)
        if algorithm_id == 9 and len(boxes) > 100:
            raise PlanError(f"tenant {tenant}: the weighted algorithm takes at most 100 boxes")
        relative = relative_weights(capacities)
        ratio = ratio_weights(capacities)
        destinations = []
        for index, box in enumerate(boxes):
            hostvars = hosts.get(box) or {}
            duid = switchname(hosts, box)
            attrs = [f"duid={duid}"]
            if percent[index] is not None:
                attrs.append(f"weight={percent[index]}")
            attrs.append(f"rweight={relative[index]}")
            maxload = hostvars.get("freeswitch_ha_max_sessions")
            if maxload is not None:
                attrs.append(f"maxload={int(maxload)}")
            address = hostvars.get("freeswitch_ha_address")
            destinations.append({
                "host": box,
                "duid": duid,
                "uri": _uri(address, sip_port),
                "capacity": capacities[index],
                "ratio": ratio[index],
                "weight": percent[index],
                "rweight": relative[index],
                "maxload": int(maxload) if maxload is not None else None,
                "attrs": ";".join(attrs),
            })
        plan[tenant] = {
            "set_id": part.get("set_id"),
            "algorithm": part.get("algorithm"),
            "algorithm_id": algorithm_id,
            "destinations": destinations,
        }
    return plan
