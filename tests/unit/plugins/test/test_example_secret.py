"""The example_secret Jinja test."""

from __future__ import annotations

import pytest

from ansible_collections.telephony.freeswitch_ha.plugins.test.example_secret import TestModule as JinjaTests, example_secret


@pytest.mark.parametrize("value", [None, "", "changeme", "CHANGE_ME", "ClueCon", "example-db-password", "<token>"])
def test_placeholders(value):
    assert example_secret(value)


@pytest.mark.parametrize("value", ["Zq8v1nRkT0pXa2", "pat_Zk3uV9qLm2Rw8sT1yB4n"])
def test_real_secrets(value):
    assert not example_secret(value)


def test_registered():
    assert JinjaTests().tests()["example_secret"] is example_secret
