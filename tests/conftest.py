"""Shared fixtures: a real store in a temp folder, on SQLite and (when the test
command started one) on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commander.clock import FrozenClock, frozen_clock
from tests.support.cli import cli_ok

PG_ENV = "COMMANDER_TEST_PG_URL"

# Where the ``clock`` fixture stops time: a fixed moment, so a test reads the same
# dates whatever day it runs.
FROZEN_AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


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
def sqlite_store(db_path: Path) -> Iterator[object]:
    from commander.store.engine import open_store

    store = open_store(str(db_path))
    yield store
    store.close()


def _postgres_database() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not available: {PG_ENV} is not set (scripts/test sets it)")
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, db_path: Path) -> Iterator[object]:
    """The same test on an embedded SQLite file and on a team PostgreSQL server."""
    from commander.store.engine import open_store

    if request.param == "sqlite":
        opened = open_store(str(db_path))
        yield opened
        opened.close()
        return
    database = _postgres_database()
    url = next(database)
    opened = open_store(url)
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
