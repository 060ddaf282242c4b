"""The pg_multimaster_engine filter: a thin wrapper over module_utils.pg_multimaster.pg_multimaster_engine."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from .filter_harness import get_filter, plugin_file_problems

NAME = "pg_multimaster_engine"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_engine_by_version():
    assert get_filter(NAME)(15) == "pglogical"
    assert get_filter(NAME)(17, "auto") == "native"


def test_impossible_choice_raises_a_filter_error():
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: engine native does not run on PostgreSQL 15"):
        get_filter(NAME)(15, "native")
