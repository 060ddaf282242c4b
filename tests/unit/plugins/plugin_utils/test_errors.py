"""plugin_utils.errors: PlanError, the one exception of the planning functions."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins import plugin_utils
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.ports import parse_port_range


def test_a_plan_error_is_a_value_error_carrying_its_message():
    assert issubclass(PlanError, ValueError)
    with pytest.raises(ValueError, match="^pool 1-2 lies outside 1024-65535$"):
        parse_port_range("1-2", what="pool")


def test_every_plugin_util_uses_this_one_plan_error():
    # a second PlanError class would slip past the filters' `except PlanError`
    names = [info.name for info in pkgutil.iter_modules(plugin_utils.__path__)]
    others = {}
    for name in names:
        module = importlib.import_module(f"{plugin_utils.__name__}.{name}")
        if getattr(module, "PlanError", PlanError) is not PlanError:
            others[name] = module.PlanError
    assert "ports" in names and "errors" in names
    assert not others
