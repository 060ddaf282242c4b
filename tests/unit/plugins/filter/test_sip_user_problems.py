"""The sip_user_problems filter: the preflight's user rule for the freeswitch role (rule tested in plugin_utils)."""

from __future__ import annotations

from .filter_harness import get_filter, plugin_file_problems

NAME = "sip_user_problems"
PASSWORD = "Vq8-rT2mZk4pLs9w"


def test_registered_under_its_file_name_and_documented():
    assert plugin_file_problems(NAME) == []


def test_sound_users_have_no_problem():
    users = [{"user": "1001", "domain": "Alpha.lab.invalid", "password": PASSWORD}]
    assert get_filter(NAME)(users, ["alpha.lab.invalid"]) == []
    assert get_filter(NAME)([], ["alpha.lab.invalid"]) == []


def test_messages_name_the_role_variable_and_never_the_password():
    users = [{"user": "1001", "domain": "beta.lab.invalid", "password": "example-Pw-1"},
             {"user": "1001", "domain": "beta.lab.invalid", "password": PASSWORD}]
    messages = get_filter(NAME)(users, ["alpha.lab.invalid"])
    assert messages == [
        "freeswitch_users[0].domain: 'beta.lab.invalid' is not a SIP domain the farm serves (alpha.lab.invalid)",
        "freeswitch_users[0].password: secret is an example value: set a real one from the vault",
        "freeswitch_users[1].domain: 'beta.lab.invalid' is not a SIP domain the farm serves (alpha.lab.invalid)",
        "freeswitch_users[1]: user 1001@beta.lab.invalid is already freeswitch_users[0]",
    ]
    assert "example-Pw-1" not in " ".join(messages)
