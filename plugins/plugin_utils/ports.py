# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small parsers shared by the planning functions (ports, integers, addresses)."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError

PORT_MIN = 1024
PORT_MAX = 65535
_RANGE_RE = re.compile(r"^\s*(\d+)\s*[-:]\s*(\d+)\s*$")


def parse_port_range(value, what="port range", low=PORT_MIN, high=PORT_MAX):
    """Return (start, end) from "start-end", [start, end] or {start:, end:}.

    Raises PlanError when the value is malformed, reversed or outside low..high.
    """
    if isinstance(value, str):
        match = _RANGE_RE.match(value)
        if not match:
            raise PlanError(f"{what} {value!r} is not of the form 'start-end'")
        start, end = int(match.group(1)), int(match.group(2))
    elif isinstance(value, (list, tuple)) and len(value) == 2:
        start, end = (as_int(v, what) for v in value)
    elif isinstance(value, dict) and "start" in value and "end" in value:
        start, end = as_int(value["start"], what), as_int(value["end"], what)
    else:
        raise PlanError(f"{what} {value!r} is not of the form 'start-end'")
    if start > end:
        raise PlanError(f"{what} {start}-{end} ends before it starts")
    if start < low or end > high:
        raise PlanError(f"{what} {start}-{end} lies outside {low}-{high}")
    return start, end


def as_int(value, what="value"):
    """An int from an int or a decimal string; booleans and floats are refused."""
    if isinstance(value, bool):
        raise PlanError(f"{what} {value!r} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise PlanError(f"{what} {value!r} is not an integer")


def as_ip(value, what="address"):
    """An ipaddress.IPv4Address/IPv6Address, or PlanError."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PlanError(f"{what} {value!r} is not an IP address")
    try:
        return ipaddress.ip_address(value.strip() if isinstance(value, str) else value)
    except ValueError as exc:
        raise PlanError(f"{what} {value!r} is not an IP address") from exc


def overlaps(a, b):
    """True when the closed ranges a=(start, end) and b overlap."""
    return a[0] <= b[1] and b[0] <= a[1]
