# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cut one disjoint RTP port range per FreeSWITCH out of a pool.

The pool is divided into fixed slots of ``slot_ports`` ports (default: the
minimum size, rounded up to an even number) starting at the first even port
of the pool. Hosts with an override keep exactly their override; the other
hosts take, in the order they are given (the inventory order), the next slot
that does not touch any override. A host's slot therefore depends only on the
hosts before it: appending a host never moves an existing host's range, and
neither does adding an override that lies outside the ranges already in use.
Every range starts on an even port and holds an even number of ports (RTP on
the even port, RTCP on the odd one).
"""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.ports import (
    as_int,
    overlaps,
    parse_port_range,
)

DEFAULT_POOL = "16384-32767"
DEFAULT_MIN_PORTS = 1000
OVERRIDE_VAR = "freeswitch_ha_rtp_range"


def _override_of(value):
    """The override of one node entry: None, a range, or a hostvars-like dict."""
    if value is None:
        return None
    if isinstance(value, dict) and ("start" not in value or "end" not in value):
        return value.get(OVERRIDE_VAR, value.get("rtp_range"))
    return value


def normalise_nodes(nodes):
    """[(name, override-or-None)] from a list of names or a mapping."""
    if isinstance(nodes, dict):
        items = [(str(name), _override_of(value)) for name, value in nodes.items()]
    elif isinstance(nodes, (list, tuple)):
        items = []
        for entry in nodes:
            if isinstance(entry, dict) and "name" in entry:
                items.append((str(entry["name"]), _override_of(entry)))
            elif isinstance(entry, str):
                items.append((entry, None))
            else:
                raise PlanError(f"node {entry!r} is neither a host name nor a mapping with 'name'")
    else:
        raise PlanError(f"nodes must be a list of host names or a mapping, not {type(nodes).__name__}")
    names = [name for name, dummy in items]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PlanError(f"hosts listed twice: {', '.join(duplicates)}")
    return items


def pool_slots(pool=DEFAULT_POOL, min_ports=DEFAULT_MIN_PORTS, slot_ports=None):
    """(first_port, slot_size, slot_count) of a pool."""
    start, end = parse_port_range(pool, "RTP pool")
    min_ports = as_int(min_ports, "minimum RTP ports")
    if min_ports < 2:
        raise PlanError(f"minimum RTP ports {min_ports} is below 2")
    size = as_int(slot_ports, "RTP slot size") if slot_ports is not None else min_ports
    if size < min_ports:
        raise PlanError(f"RTP slot size {size} is below the minimum {min_ports}")
    size += size % 2
    first = start + start % 2
    count = max(0, (end - first + 1) // size)
    return first, size, count


def check_override(name, value, min_ports):
    """(start, end) of a valid override, or PlanError naming what is wrong."""
    start, end = parse_port_range(value, f"{name}: RTP range")
    if start % 2:
        raise PlanError(f"{name}: RTP range {start}-{end} must start on an even port (RTP/RTCP pairs)")
    if (end - start + 1) % 2:
        raise PlanError(f"{name}: RTP range {start}-{end} must hold an even number of ports (end on an odd port)")
    if end - start + 1 < min_ports:
        raise PlanError(f"{name}: RTP range {start}-{end} holds {end - start + 1} ports, fewer than the minimum {min_ports}")
    return start, end


def plan_rtp_ranges(nodes, pool=DEFAULT_POOL, min_ports=DEFAULT_MIN_PORTS, slot_ports=None):
    """Return {host: {start, end, ports, source}} (source: "override" or "pool").

    ``nodes``: host names in inventory order, or a mapping host -> override
    ("start-end", [start, end], None) or host -> hostvars holding
    freeswitch_ha_rtp_range. Raises PlanError on invalid or overlapping
    overrides and when the pool has no slot left.
    """
    items = normalise_nodes(nodes)
    first, size, count = pool_slots(pool, min_ports, slot_ports)
    min_ports = as_int(min_ports, "minimum RTP ports")
    result = {}
    reserved = []
    for name, override in items:
        if override is None:
            continue
        span = check_override(name, override, min_ports)
        for other, other_span in reserved:
            if overlaps(span, other_span):
                raise PlanError(
                    f"{name}: RTP range {span[0]}-{span[1]} overlaps {other}'s {other_span[0]}-{other_span[1]}"
                )
        reserved.append((name, span))
        result[name] = {"start": span[0], "end": span[1], "ports": span[1] - span[0] + 1, "source": "override"}
    slot = 0
    for name, override in items:
        if override is not None:
            continue
        while True:
            if slot >= count:
                raise PlanError(
                    f"{name}: RTP pool {pool} has no free slot of {size} ports left "
                    f"({count} slots, {len(items)} hosts)"
                )
            span = (first + slot * size, first + (slot + 1) * size - 1)
            slot += 1
            if not any(overlaps(span, taken) for dummy, taken in reserved):
                break
        result[name] = {"start": span[0], "end": span[1], "ports": size, "source": "pool"}
    return {name: result[name] for name, dummy in items}
