"""plugin_utils.secrets: the one rule for a secret left at an example value (preflight, test plugin, role asserts)."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.secrets import (
    EXAMPLE_PREFIXES,
    EXAMPLE_SECRETS,
    is_example_secret,
)


@pytest.mark.parametrize("value", sorted(EXAMPLE_SECRETS))
def test_every_listed_placeholder_is_an_example(value):
    assert is_example_secret(value)


@pytest.mark.parametrize("value", [
    "ChangeMe", "  PASSWORD  ", "ClueCon", 123456, "", "   ",
    "example", "example-db-password", "changeme_please", "<vault: db password>",
])
def test_case_spacing_and_prefixes_do_not_hide_an_example(value):
    assert is_example_secret(value)


@pytest.mark.parametrize("value", [
    "Zq8v1nRkT0pXa2", "password1", "my-example", "secretive", "admin2024!", 1234567, "cluecon2",
])
def test_a_real_looking_secret_is_not_an_example(value):
    assert not is_example_secret(value)


def test_the_prefixes_are_lower_case_like_the_compared_value():
    # is_example_secret lower-cases the value: an upper-case entry would never match
    assert all(p == p.lower() for p in EXAMPLE_PREFIXES)
    assert all(s == s.lower() for s in EXAMPLE_SECRETS)
