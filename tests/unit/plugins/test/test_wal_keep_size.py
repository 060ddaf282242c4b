"""The wal_keep_size Jinja test: the preflight's WAL-bound rule for the postgres_bdr role's own check."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.test import wal_keep_size


def _test():
    assert wal_keep_size.DOCUMENTATION and wal_keep_size.EXAMPLES and wal_keep_size.RETURN
    return wal_keep_size.TestModule().tests()["wal_keep_size"]


@pytest.mark.parametrize("value", ["4GB", "16MB", "16384kB", "64", 2048, -1, "-1", "1TB"])
def test_accepts(value):
    assert _test()(value)


@pytest.mark.parametrize("value", ["8MB", "15", "1024kB", "4gb", "lots", "", None, True, -2, "1.5GB"])
def test_refuses(value):
    assert not _test()(value)
