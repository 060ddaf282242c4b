"""pg_connect: the connection options of the PostgreSQL modules and their one way of connecting.

psycopg2 is stood in for: what a real server answers is covered by the database Molecule scenarios
(molecule/db_bookworm, molecule/db_trixie), whose modules connect through this code.
"""

from __future__ import annotations

import types

import pytest
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils import pg_connect

from ..modules.module_harness import run_module
from ..modules.pg_harness import FakeConnection


class Failed(Exception):
    pass


class FakeModule:
    """What connect() uses of an AnsibleModule."""

    def __init__(self, check_mode=False, **params):
        self.params = dict({"login_db": "freeswitch", "login_user": "postgres",
                            "login_unix_socket": "/var/run/postgresql", "login_port": 5432}, **params)
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def fail_json(self, **kwargs):
        raise Failed(kwargs)


class FakePsycopg2:
    class Error(Exception):
        pass

    def __init__(self, refuse=None):
        self.refuse = refuse
        self.calls = []
        self.conn = FakeConnection()
        self.conn.autocommit = False

    def connect(self, **kwargs):
        self.calls.append(kwargs)
        if self.refuse:
            raise self.Error(self.refuse)
        return self.conn


@pytest.fixture
def psycopg2(monkeypatch):
    def install(refuse=None):
        fake = FakePsycopg2(refuse)
        monkeypatch.setattr(pg_connect, "psycopg2", fake)
        monkeypatch.setattr(pg_connect, "HAS_PSYCOPG2", True)
        return fake
    return install


def _params_of(monkeypatch, args):
    def main():
        module = AnsibleModule(argument_spec=pg_connect.pg_connection_argument_spec(), supports_check_mode=True)
        module.exit_json(params=module.params)
    return run_module(monkeypatch, types.SimpleNamespace(main=main), args)


def test_the_connection_options_and_their_defaults(monkeypatch):
    assert _params_of(monkeypatch, {"login_db": "freeswitch"})["params"] == {
        "login_db": "freeswitch", "login_user": "postgres", "login_unix_socket": "/var/run/postgresql",
        "login_port": 5432}
    result = _params_of(monkeypatch, {})
    assert result["failed"] and result["msg"] == "missing required arguments: login_db"
    result = _params_of(monkeypatch, {"login_db": "freeswitch", "login_port": "pg"})
    assert result["failed"] and "login_port" in result["msg"]


def test_connects_over_the_socket_with_autocommit(psycopg2):
    fake = psycopg2()
    conn = pg_connect.connect(FakeModule(login_port=5433))
    assert conn is fake.conn and conn.autocommit is True
    assert fake.calls == [{"dbname": "freeswitch", "user": "postgres", "host": "/var/run/postgresql", "port": 5433}]


def test_an_unreachable_server_fails_the_module_naming_database_and_user(psycopg2):
    psycopg2(refuse="could not connect to server: No such file or directory")
    with pytest.raises(Failed) as failed:
        pg_connect.connect(FakeModule())
    assert failed.value.args[0]["msg"] == (
        "cannot connect to database freeswitch as postgres: could not connect to server: No such file or directory")


def test_in_check_mode_an_unreachable_server_means_everything_would_be_created(psycopg2):
    psycopg2(refuse="could not connect to server\n")
    module = FakeModule(check_mode=True)
    assert pg_connect.connect(module) is None
    assert module.warnings == ["check mode: database freeswitch is not reachable yet (could not connect to server): "
                               "everything would be created"]


def test_without_psycopg2_the_module_fails_except_in_check_mode(monkeypatch):
    monkeypatch.setattr(pg_connect, "HAS_PSYCOPG2", False)
    with pytest.raises(Failed) as failed:
        pg_connect.connect(FakeModule())
    assert "psycopg2" in failed.value.args[0]["msg"]
    module = FakeModule(check_mode=True)
    assert pg_connect.connect(module) is None
    assert module.warnings == ["check mode: psycopg2 is not installed yet: everything would be created"]


def test_rows_runs_the_query_with_its_parameters():
    conn = FakeConnection([("FROM pg_roles", [(1,)])])
    assert pg_connect.rows(conn, "SELECT 1 FROM pg_roles WHERE rolname = %s", ("freeswitch",)) == [(1,)]
    assert conn.executed == [("SELECT 1 FROM pg_roles WHERE rolname = %s", ("freeswitch",))]
