"""A psycopg2 connection stand-in for the PostgreSQL modules: catalog queries answered from a script, every
statement recorded, nothing reaches a server."""

from __future__ import annotations


class FakeCursor:
    def __init__(self, conn):
        self.conn = conn
        self.result = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.conn.executed.append((sql, params))
        if self.conn.fail_on and self.conn.fail_on in sql:
            raise self.conn.error("boom: " + self.conn.fail_on)
        self.result = self.conn.answer(sql, params)

    def fetchall(self):
        return list(self.result)


class FakeConnection:
    """Answers a query from the first (SQL fragment, rows) pair whose fragment it contains; rows may be a function
    of the query's parameters. A statement no fragment matches is a write: it is recorded in ``writes``."""

    def __init__(self, answers=(), fail_on=None, error=RuntimeError):
        self.answers = list(answers)
        self.fail_on = fail_on
        self.error = error
        self.executed = []
        self.writes = []
        self.autocommit = True
        self.commits = 0
        self.rollbacks = 0
        self.closed = False

    def answer(self, sql, params):
        for fragment, rows in self.answers:
            if fragment in sql:
                return rows(params) if callable(rows) else rows
        self.writes.append((sql, params))
        return []

    def cursor(self):
        return FakeCursor(self)

    def commit(self):
        self.commits += 1

    def rollback(self):
        self.rollbacks += 1

    def close(self):
        self.closed = True


def connect_to(monkeypatch, module, conn):
    """Make ``module``'s connect() return ``conn``; the module arguments it was called with are kept in a list."""
    calls = []

    def connect(ansible_module):
        calls.append(dict(ansible_module.params))
        return conn

    monkeypatch.setattr(module, "connect", connect)
    return calls
