"""A read-only first look at a SQLite store, before SQLAlchemy has loaded.

Importing SQLAlchemy costs more than painting the whole window, so the window
shows the incident list from this peek and opens the real store behind it.
The peek only answers for a store already at this build's schema; anything
else (missing, older, newer, damaged, a server URL) returns None and waits for
``open_store``, which explains or migrates.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from commander.domain import Phase, Severity
from commander.domain.refs import format_ref
from commander.store import schema
from commander.store.location import raw_location, sqlite_file
from commander.views.incidents import IncidentSummary


def peek_incidents(db_arg: str | None) -> list[IncidentSummary] | None:
    path = sqlite_file(raw_location(db_arg))
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return _read(connection)
    except (sqlite3.Error, ValueError):
        return None
    finally:
        connection.close()


def _read(connection: sqlite3.Connection) -> list[IncidentSummary] | None:
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None or revision[0] != schema.HEAD:
        return None
    rows = connection.execute(
        "SELECT id, title, severity, phase, declared_at FROM incidents ORDER BY id DESC"
    )
    return [
        IncidentSummary(
            id=row[0],
            ref=format_ref(row[0]),
            title=row[1],
            severity=Severity(row[2]),
            phase=Phase(row[3]),
            declared_at=_utc(row[4]),
        )
        for row in rows
    ]


def _utc(stored: str) -> datetime:
    # The store writes naive UTC text (see orm.UTCDateTime).
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)
