"""The pg_multimaster_engine filter: a thin wrapper over module_utils.pg_multimaster.choose_engine."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.freeswitch_ha.plugins.filter import pg_multimaster_engine


def _filter():
    assert pg_multimaster_engine.DOCUMENTATION and pg_multimaster_engine.EXAMPLES and pg_multimaster_engine.RETURN
    return pg_multimaster_engine.FilterModule().filters()["pg_multimaster_engine"]


def test_engine_by_version():
    assert _filter()(15) == "pglogical"
    assert _filter()(17, "auto") == "native"


def test_impossible_choice_raises_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="pg_multimaster_engine: engine native does not run on PostgreSQL 15"):
        _filter()(15, "native")
