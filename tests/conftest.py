"""Shared fixtures: a real store in a temp folder, on SQLite and (when the test
command started one) on PostgreSQL."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from commander.clock import FrozenClock, frozen_clock
from tests.support.cli import cli_ok
from tests.support.private_postgres import private_postgres, restartable  # noqa: F401

PG_ENV = "COMMANDER_TEST_PG_URL"

# Where the ``clock`` fixture stops time: a fixed moment, so a test reads the same
# dates whatever day it runs.
FROZEN_AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C as a terminal gives it, however the suite was started. A shell starting
    the suite in the background (``cmd &`` without job control) makes it ignore SIGINT,
    every process a test starts inherits that, and the app keeps an ignored SIGINT
    ignored (as under ``nohup``): the tests that press Ctrl-C would press nothing."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings, logs and the default database never touch the real home folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("COMMANDER_SETTINGS", str(home / "config" / "settings.json"))
    monkeypatch.delenv("COMMANDER_DB", raising=False)
    monkeypatch.setenv("COMMANDER_AUTHOR", "tester")


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    """Time stands still at ``FROZEN_AT`` for the core and the window alike;
    the test moves it with ``clock.move_to(...)`` or ``clock.advance(...)``."""
    with frozen_clock(FROZEN_AT) as frozen:
        yield frozen


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "incidents.sqlite"


@pytest.fixture
def empty_store(db_path: Path) -> Path:
    """``db_path`` holding a store with nothing in it yet: only ``declare`` and the
    window create a store, so a CLI test that starts with another command needs one."""
    from commander.store.engine import open_store

    open_store(str(db_path), create=True).close()
    return db_path


@pytest.fixture
def sqlite_store(db_path: Path) -> Iterator[object]:
    from commander.store.engine import open_store

    store = open_store(str(db_path), create=True)
    yield store
    store.close()


_template: str | None = None  # a migrated database each store copies (made once)


def _postgres_database(migrated: bool = False) -> Iterator[str]:
    """A new database, dropped after the test. ``migrated``: a copy of one database
    made at the schema's head once per run (a copy takes 0.08 s where a fresh
    database and the migrations took 0.6 s), with a store identity of its own."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not available: {PG_ENV} is not set (scripts/test sets it)")
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    template = _migrated_template(url, admin) if migrated else None
    with psycopg.connect(admin, autocommit=True) as connection:
        copied = f' TEMPLATE "{template}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{copied}')
    created = url.set(database=name).render_as_string(hide_password=False)
    if template:
        with psycopg.connect(
            url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
        ) as connection:
            # Every store has its own identity (secrets are keyed by it), copies too.
            connection.execute("UPDATE store_identity SET id = gen_random_uuid()::text")
    try:
        yield created
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _migrated_template(url: Any, admin: str) -> str:
    global _template
    if _template is None:
        import atexit

        import psycopg

        from commander.store.engine import open_store

        name = f"t_template_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        open_store(url.set(database=name), create=True).close()

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        atexit.register(drop)
        _template = name
    return _template


@pytest.fixture
def empty_postgres_database() -> Iterator[str]:
    """The URL of a new PostgreSQL database without a table (skipped without a server)."""
    yield from _postgres_database()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a new PostgreSQL database at the schema's head (skipped without a server)."""
    yield from _postgres_database(migrated=True)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, db_path: Path) -> Iterator[object]:
    """The same test on an embedded SQLite file and on a team PostgreSQL server."""
    from commander.store.engine import open_store

    if request.param == "sqlite":
        opened = open_store(str(db_path), create=True)
        yield opened
        opened.close()
        return
    database = _postgres_database(migrated=True)
    url = next(database)
    opened = open_store(url, create=False)
    try:
        yield opened
    finally:
        opened.close()
        next(database, None)


@pytest.fixture
def incident(store: object) -> str:
    """A P1 incident, "Checkout errors", declared by ana in ``store``: its ref."""
    from commander.domain import Severity
    from commander.services.incidents import declare_incident
    from commander.store.engine import Store

    assert isinstance(store, Store)
    return declare_incident(
        store, "Checkout errors", Severity.P1, author="ana", summary="Card payments fail"
    ).ref


@pytest.fixture
def cli_incident(db_path: Path) -> str:
    """The same incident declared through the CLI into ``db_path``: its ref."""
    declared = cli_ok(
        "declare",
        "Checkout errors",
        "--severity",
        "P1",
        "--summary",
        "Card payments fail",
        db=db_path,
    )
    return str(declared).strip()
