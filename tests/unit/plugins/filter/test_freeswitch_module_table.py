"""The freeswitch_module_table filter: a thin wrapper over module_utils.freeswitch_modules (tested there)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

from .filter_harness import get_filter, plugin_file_problems

NAME = "freeswitch_module_table"
TABLE = Path(__file__).resolve().parents[4] / "roles/freeswitch/files/freeswitch-modules/modules-v1.10.12.tsv"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_the_role_table_of_v1_10_12():
    paths = get_filter(NAME)(TABLE.read_text())
    assert paths["mod_sofia"] == "endpoints/mod_sofia"
    assert paths["mod_verto"] == "endpoints/mod_verto"
    assert not any(name.startswith("#") for name in paths)


def test_comments_and_short_rows_are_left_out():
    assert get_filter(NAME)("# module\tpath\nmod_x\tcodecs/mod_x\nmod_y\n") == {"mod_x": "codecs/mod_x"}


@pytest.mark.parametrize("value", [None, ["mod_sofia\tendpoints/mod_sofia"], b"mod_x\tcodecs/mod_x"])
def test_anything_but_text_is_a_filter_error(value):
    with pytest.raises(AnsibleFilterError, match=f"^{NAME}: the input must be the table's text"):
        get_filter(NAME)(value)
