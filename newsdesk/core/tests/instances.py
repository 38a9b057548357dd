"""A private newsdesk instance for tests that run real worker processes (the exactly-once
tests): the `newsdesk` command line, a database of its own, the environment the processes get,
and plain SQL on that database from the test."""

import contextlib
import os
import sqlite3
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg

# What the instance must not inherit from the test run's environment.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_HOST", "PYTEST_CURRENT_TEST"}


def newsdesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsdesk.manage", *args]


def instance_env(tmp_path, database_url: str, **settings: str) -> dict:
    """The processes' environment: the test run's, without its database, cache and mail,
    with the instance's own var/ and database, and `settings` on top."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        NEWSDESK_VAR=str(tmp_path / "var"),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        **settings,
    )
    return env


@contextlib.contextmanager
def private_database(tmp_path, name: str):
    """A SQLite file, or on a PostgreSQL run (DATABASE_URL) a database of its own named after
    `name` and the xdist worker, made here and dropped afterwards. Yields its URL."""
    outer = os.environ.get("DATABASE_URL", "")
    if not outer.startswith("postgres"):
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    parts = urlsplit(outer)
    database = f"{parts.path.lstrip('/')}_{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{database}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


class Database:
    """The instance's database, read and written by the test directly (plain SQL with %s)."""

    def __init__(self, url: str):
        self.url = url
        self.postgresql = url.startswith("postgres")

    def rows(self, sql: str, *params) -> list[tuple]:
        if self.postgresql:
            with psycopg.connect(self.url, autocommit=True) as conn:
                cursor = conn.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
