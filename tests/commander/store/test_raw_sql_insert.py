"""The SQLite fast path for logging writes exactly the row the ORM path writes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commander.domain import EntryKind, Severity
from commander.errors import NotFoundError
from commander.services.incidents import declare_incident, load_incident
from commander.services.timeline import add_entry, log_entry

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
COLUMNS = "incident_id, occurred_at, recorded_at, author, kind, text, pinned, deleted_at"


def stored(db: Path, entry_id: int) -> tuple[object, ...]:
    with sqlite3.connect(db) as connection:
        query = f"SELECT {COLUMNS} FROM timeline_entries WHERE id = ?"  # noqa: S608 - constant
        return tuple(connection.execute(query, (entry_id,)).fetchone())


def test_fast_and_orm_rows_are_the_same(sqlite_store, db_path: Path) -> None:
    declare_incident(sqlite_store, "Same rows", Severity.P2, author="ana", now=T0)
    at, now = T0 + timedelta(minutes=5), T0 + timedelta(minutes=7, microseconds=3)
    fast = log_entry(
        sqlite_store,
        "INC-1",
        "x",
        "bo",
        kind=EntryKind.ACTION,
        occurred_at=at,
        pinned=True,
        now=now,
    )
    with sqlite_store.write() as session:
        slow = add_entry(
            session,
            load_incident(session, "INC-1"),
            kind=EntryKind.ACTION,
            text="x",
            author="bo",
            occurred_at=at,
            recorded_at=now,
            pinned=True,
        )
        slow_id, slow_version = slow.id, slow.version
    assert stored(db_path, fast.id) == stored(db_path, slow_id)
    assert slow_version == fast.version + 1
    assert (fast.occurred_at, fast.recorded_at, fast.pinned) == (at, now, True)


def test_unknown_incident_writes_nothing(sqlite_store, db_path: Path) -> None:
    declare_incident(sqlite_store, "Only one", Severity.P2, author="ana", now=T0)
    with pytest.raises(NotFoundError, match="no incident INC-9"):
        log_entry(sqlite_store, "inc-9", "lost?", "ana")
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM timeline_entries").fetchone() == (1,)
    # The pooled connection is usable again: no transaction was left open.
    assert log_entry(sqlite_store, "INC-1", "next", "ana").text == "next"
