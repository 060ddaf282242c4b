# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cut one disjoint RTP port range per FreeSWITCH out of a pool: the one RTP rule.

The pool is divided into fixed slots of ``slot_ports`` ports (default: the
minimum size, rounded up to an even number) starting at the first even port
of the pool. Hosts with an override keep exactly their override; the other
hosts take, in the order they are given (the inventory order), the next slot
that does not touch any override. A host's slot therefore depends only on the
hosts before it: appending a host never moves an existing host's range, and
neither does adding an override that lies outside the ranges already in use.
Every range starts on an even port and holds an even number of ports (RTP on
the even port, RTCP on the odd one).

The planner (``rtp_port_ranges``, ``farm_rtp_ranges``) and the preflight
(``farm_rtp_problems``) both go through ``_allocate``, so the slot rule and the
RTP bounds are written once. The preflight also refuses, unless
``freeswitch_ha_rtp_allow_moving_ranges`` is true, an override that moves
other boxes' ranges (``moved_by_overrides``).
"""

from __future__ import annotations

from collections import Counter

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import ALL, Problems
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.ports import (
    PORT_MAX,
    PORT_MIN,
    as_int,
    overlaps,
    parse_port_range,
)

DEFAULT_POOL = "16384-32767"
DEFAULT_MIN_PORTS = 1000
# one RTP/RTCP pair
MIN_PORTS_FLOOR = 2
OVERRIDE_VAR = "freeswitch_ha_rtp_range"
POOL_VAR = "freeswitch_ha_rtp_pool"
MIN_PORTS_VAR = "freeswitch_ha_rtp_min_ports"
ENGINE_VAR = "freeswitch_ha_rtpengine_ports"
ALLOW_MOVING_VAR = "freeswitch_ha_rtp_allow_moving_ranges"


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
    counts = Counter(names)
    duplicates = sorted(n for n, count in counts.items() if count > 1)
    if duplicates:
        raise PlanError(f"hosts listed twice: {', '.join(duplicates)}")
    return items


def parse_min_ports(value):
    """The minimum RTP ports as an int, or PlanError."""
    min_ports = as_int(value, "minimum RTP ports")
    if min_ports < MIN_PORTS_FLOOR:
        raise PlanError(f"minimum RTP ports {min_ports} is below {MIN_PORTS_FLOOR}")
    return min_ports


def pool_slots(pool=DEFAULT_POOL, min_ports=DEFAULT_MIN_PORTS, slot_ports=None):
    """(first_port, slot_size, slot_count) of a pool."""
    start, end = parse_port_range(pool, "RTP pool")
    min_ports = parse_min_ports(min_ports)
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


def _slot_spans(names, slots, reserved):
    """{name: (start, end) or None}: the slot rule, each name taking the next slot clear of ``reserved``."""
    first, size, count = slots
    spans = {}
    slot = 0
    for name in names:
        span = None
        while slot < count:
            candidate = (first + slot * size, first + (slot + 1) * size - 1)
            slot += 1
            if not any(overlaps(candidate, taken) for taken in reserved):
                span = candidate
                break
        spans[name] = span
    return spans


def _allocate(items, slots, min_ports, pool):
    """({name: {start, end, ports, source}}, [(name, problem)], {name: override span}).

    Every host that can be planned gets its range; every problem is listed
    (invalid overrides, overlapping overrides, an exhausted pool). With
    ``slots`` None (a bad pool) only the overrides are checked.
    """
    problems = []
    pins = {}
    for name, override in items:
        if override is None:
            continue
        try:
            pins[name] = check_override(name, override, min_ports)
        except PlanError as exc:
            problems.append((name, str(exc).split(": ", 1)[1]))
    # sweep the overrides once (sorted by start) to report every overlap
    widest = None
    for span, name in sorted((span, name) for name, span in pins.items()):
        if widest is not None and span[0] <= widest[0][1]:
            problems.append((name, f"{span[0]}-{span[1]} overlaps {widest[1]}'s RTP range {widest[0][0]}-{widest[0][1]}"))
        if widest is None or span[1] > widest[0][1]:
            widest = (span, name)
    ranges = {name: {"start": s, "end": e, "ports": e - s + 1, "source": "override"} for name, (s, e) in pins.items()}
    if slots is not None:
        pool_names = [name for name, override in items if override is None]
        for name, span in _slot_spans(pool_names, slots, list(pins.values())).items():
            if span is None:
                problems.append((name, f"the RTP pool {pool} has no free slot of {slots[1]} ports left for this host: "
                                       f"enlarge {POOL_VAR}, lower {MIN_PORTS_VAR} or set an override"))
            else:
                ranges[name] = {"start": span[0], "end": span[1], "ports": slots[1], "source": "pool"}
    return {name: ranges[name] for name, dummy in items if name in ranges}, problems, pins


def rtp_port_ranges(nodes, pool=DEFAULT_POOL, min_ports=DEFAULT_MIN_PORTS, slot_ports=None):
    """Return {host: {start, end, ports, source}} (source: "override" or "pool").

    ``nodes``: host names in inventory order, or a mapping host -> override
    ("start-end", [start, end], None) or host -> hostvars holding
    freeswitch_ha_rtp_range. Raises PlanError on invalid or overlapping
    overrides and when the pool has no slot left.
    """
    items = normalise_nodes(nodes)
    slots = pool_slots(pool, min_ports, slot_ports)
    ranges, problems, dummy = _allocate(items, slots, parse_min_ports(min_ports), pool)
    if problems:
        name, problem = problems[0]
        raise PlanError(f"{name}: {problem}")
    return ranges


def moved_by_overrides(items, slots, pins):
    """{override host: [(box, range without the override, range with it)]} of the boxes it moves.

    The preflight does not know which ranges are in use today, so a box
    counts as moved by an override only when its range differs both from the
    farm without the overridden host (the host is new) and from the farm where
    that host takes its pool slot (the override is new). Either way the box's
    range changes: the override lies over a slot the box would get.
    """
    pool_names = [name for name, override in items if override is None]
    actual = _slot_spans(pool_names, slots, list(pins.values()))
    moved = {}
    for host in pins:
        others = [other for name, other in pins.items() if name != host]
        without_host = _slot_spans(pool_names, slots, others)
        host_in_pool = _slot_spans([name for name, override in items if override is None or name == host], slots, others)
        boxes = [(box, without_host[box], actual[box]) for box in pool_names
                 if actual[box] != without_host[box] and actual[box] != host_in_pool[box]]
        if boxes:
            moved[host] = boxes
    return moved


def _farm_rtp(farm):
    """(items, pool, min_ports) of the farm's FreeSWITCH boxes in freeswitch group order."""
    farm_vars = farm.get("vars") or {}
    hosts = farm.get("hosts") or {}
    boxes = list((farm.get("groups") or {}).get("freeswitch") or [])
    nodes = {box: (hosts.get(box) or {}).get(OVERRIDE_VAR) for box in boxes}
    return nodes, farm_vars.get(POOL_VAR, DEFAULT_POOL), farm_vars.get(MIN_PORTS_VAR, DEFAULT_MIN_PORTS)


def farm_rtp_ranges(farm):
    """RTP ranges of the farm's FreeSWITCH boxes, in freeswitch group order (PlanError when impossible)."""
    return rtp_port_ranges(*_farm_rtp(farm))


def _span_text(span):
    return f"{span[0]}-{span[1]}" if span else "none"


def farm_rtp_problems(farm):
    """Every RTP problem of the inventory picture as [{host, variable, message}] (see inventory_check)."""
    problems = Problems()
    add = problems.add

    farm_vars = farm.get("vars") or {}
    nodes, pool, min_value = _farm_rtp(farm)
    items = list(nodes.items())
    min_ports = None
    try:
        min_ports = parse_min_ports(min_value)
    except PlanError:
        add(ALL, MIN_PORTS_VAR, f"{min_value!r} must be an integer of at least {MIN_PORTS_FLOOR}")
    slots = None
    try:
        parse_port_range(pool, "RTP pool")
        if min_ports is not None:
            slots = pool_slots(pool, min_ports)
    except PlanError as exc:
        add(ALL, POOL_VAR, f"{exc} (must be 'start-end' within {PORT_MIN}-{PORT_MAX})")
    ranges, found, pins = _allocate(items, slots, min_ports or MIN_PORTS_FLOOR, pool)
    for name, problem in found:
        add(name, OVERRIDE_VAR, problem)
    allow = farm_vars.get(ALLOW_MOVING_VAR, False)
    if not isinstance(allow, bool):
        add(ALL, ALLOW_MOVING_VAR, f"{allow!r} must be true or false")
        allow = False  # a value that is not a plain yes is no consent
    if slots is None:
        return problems
    if not allow:
        for host, boxes in moved_by_overrides(items, slots, pins).items():
            moves = ", ".join(f"{box} {_span_text(before)} -> {_span_text(after)}" for box, before, after in boxes)
            add(host, OVERRIDE_VAR,
                f"{_span_text(pins[host])} lies over pool slots other boxes would get and moves the RTP ranges of "
                f"{', '.join(box for box, dummy, dummy in boxes)} ({moves}): pin a range clear of them, or set "
                f"{ALLOW_MOVING_VAR}: true to move them")
    engine = farm_vars.get(ENGINE_VAR)
    if engine is not None:
        try:
            engine_span = parse_port_range(engine, "rtpengine port range")
        except PlanError as exc:
            add(ALL, ENGINE_VAR, f"{exc} (must be 'start-end' within {PORT_MIN}-{PORT_MAX})")
            return problems
        first, size, count = slots
        if overlaps(engine_span, (first, first + count * size - 1)):
            add(ALL, ENGINE_VAR, f"{engine_span[0]}-{engine_span[1]} overlaps the FreeSWITCH RTP pool {pool}")
        for box, span in ranges.items():
            if span["source"] == "override" and overlaps(engine_span, (span["start"], span["end"])):
                add(box, OVERRIDE_VAR,
                    f"{span['start']}-{span['end']} collides with rtpengine's range {engine_span[0]}-{engine_span[1]} "
                    f"({ENGINE_VAR}) on the load balancers")
    return problems
