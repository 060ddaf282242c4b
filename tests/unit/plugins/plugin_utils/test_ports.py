"""plugin_utils.ports: the port range, integer and address parsers every planning function shares."""

from __future__ import annotations

import ipaddress
import re

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.ports import (
    PORT_MAX,
    PORT_MIN,
    as_int,
    as_ip,
    overlaps,
    parse_port_range,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("16384-32767", (16384, 32767)),
    (" 2000 : 3000 ", (2000, 3000)),
    ([2000, "3000"], (2000, 3000)),
    ((4000, 4000), (4000, 4000)),
    ({"start": "5000", "end": 5999, "ports": 1000}, (5000, 5999)),
    ("1024-65535", (PORT_MIN, PORT_MAX)),
])
def test_port_range_forms(value, expected):
    assert parse_port_range(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("2000-1000", "port range 2000-1000 ends before it starts"),
    ("80-90", "port range 80-90 lies outside 1024-65535"),
    ("65000-65536", "port range 65000-65536 lies outside 1024-65535"),
    ("2000", "port range '2000' is not of the form 'start-end'"),
    ("2000-3000-4000", "port range '2000-3000-4000' is not of the form 'start-end'"),
    (2000, "port range 2000 is not of the form 'start-end'"),
    ([1, 2, 3], "port range [1, 2, 3] is not of the form 'start-end'"),
    ({"start": 2000}, "port range {'start': 2000} is not of the form 'start-end'"),
    ([True, 3000], "port range True is not an integer"),
])
def test_port_range_refusals(value, message):
    with pytest.raises(PlanError, match=f"^{re.escape(message)}$"):
        parse_port_range(value)


def test_port_range_bounds_and_label_are_the_callers():
    assert parse_port_range("80-90", what="SIP ports", low=1) == (80, 90)
    with pytest.raises(PlanError, match="^RTP pool 30000-40000 lies outside 1024-32767$"):
        parse_port_range("30000-40000", what="RTP pool", high=32767)


@pytest.mark.parametrize(("value", "expected"), [(5, 5), (" 7 ", 7), ("-3", -3), (0, 0)])
def test_as_int_accepts_ints_and_decimal_strings(value, expected):
    assert as_int(value) == expected


@pytest.mark.parametrize("value", [True, False, 1.0, "1.5", "0x10", "", None, [1]])
def test_as_int_refuses_the_rest(value):
    message = f"max sessions {value!r} is not an integer"
    with pytest.raises(PlanError, match=f"^{re.escape(message)}$"):
        as_int(value, "max sessions")


@pytest.mark.parametrize(("value", "expected"), [
    ("172.28.57.21", ipaddress.IPv4Address("172.28.57.21")),
    (" 172.28.57.21 ", ipaddress.IPv4Address("172.28.57.21")),
    (167772161, ipaddress.IPv4Address("10.0.0.1")),
    ("fd00::21", ipaddress.IPv6Address("fd00::21")),
])
def test_as_ip_accepts_addresses(value, expected):
    assert as_ip(value) == expected


@pytest.mark.parametrize("value", ["300.1.1.1", "172.28.57.0/24", "lb1", True, None, 1.5])
def test_as_ip_refuses_the_rest(value):
    message = f"VIP {value!r} is not an IP address"
    with pytest.raises(PlanError, match=f"^{re.escape(message)}$"):
        as_ip(value, "VIP")


@pytest.mark.parametrize(("first", "second", "expected"), [
    ((1, 5), (5, 9), True),        # closed ranges: a shared end port overlaps
    ((1, 4), (5, 9), False),
    ((1, 10), (3, 4), True),       # containment
    ((20, 30), (1, 19), False),
])
def test_overlaps_is_symmetric_on_closed_ranges(first, second, expected):
    assert overlaps(first, second) is expected
    assert overlaps(second, first) is expected
