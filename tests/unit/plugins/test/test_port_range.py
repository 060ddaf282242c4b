"""The port_range Jinja test: the plan's range rule (plugin_utils.ports) for the roles' input checks."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.test import port_range


def _test():
    assert port_range.DOCUMENTATION and port_range.EXAMPLES and port_range.RETURN
    return port_range.TestModule().tests()["port_range"]


@pytest.mark.parametrize("value", ["16384-32767", [16384, 16385], {"start": 20000, "end": 20999}, "1024-65535"])
def test_accepts_ranges_the_plan_accepts(value):
    assert _test()(value, min_ports=2)


@pytest.mark.parametrize("value", ["1023-2000", "60000-65536", "30000-20000", "16384", "a-b", None, True, [1, 2, 3]])
def test_refuses_what_the_plan_refuses(value):
    assert not _test()(value)


def test_min_ports():
    assert _test()("20000-20000")
    assert not _test()("20000-20000", min_ports=2)
    assert _test()([20000, 20001], min_ports=2)
