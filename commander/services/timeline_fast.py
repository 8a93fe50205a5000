"""The scribe's hot path on SQLite: one entry, one statement, one commit.

Logging an entry is what the app does most, at the worst moment. Through the
ORM it cost about five times a bare ``sqlite3`` INSERT + COMMIT
(bench/timeline.py), almost all of it Python bookkeeping around a 0.1 ms
commit. Here a pooled connection (pragmas already set by the store) runs
``BEGIN IMMEDIATE``, one ``INSERT ... SELECT ... RETURNING`` and ``COMMIT``.
The row is the one ``timeline.add_entry`` writes: version max + 1 under the
write lock, and nothing is written when the incident does not exist.
PostgreSQL keeps the ORM path (its versions need the sequence and lock).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Boolean
from sqlalchemy.engine import Dialect

from commander.domain import EntryKind
from commander.domain.refs import parse_ref
from commander.errors import NotFoundError, StoreError
from commander.services.views import EntryView
from commander.store.engine import Store
from commander.store.orm import UTCDateTime

_INSERT_ENTRY = """
INSERT INTO timeline_entries
    (incident_id, occurred_at, recorded_at, author, kind, text, pinned, version)
SELECT id, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(version), 0) + 1 FROM timeline_entries)
FROM incidents WHERE id = ?
RETURNING id, version
"""


def log_entry_sqlite(
    store: Store,
    ref: str,
    text: str,
    author: str,
    kind: EntryKind,
    occurred_at: datetime,
    recorded_at: datetime,
    *,
    pinned: bool,
) -> EntryView:
    """Write one entry and return it once committed."""
    incident_id = parse_ref(ref)
    time_value, flag_value = _bind_processors(store.engine.dialect)
    params = (
        time_value(occurred_at),
        time_value(recorded_at),
        author,
        kind.value,
        text,
        flag_value(pinned),
        incident_id,
    )
    connection = store.engine.raw_connection()  # pooled; isolation_level None
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")  # take the write lock now (busy timeout applies)
        try:
            inserted = cursor.execute(_INSERT_ENTRY, params).fetchone()
            cursor.execute("COMMIT" if inserted is not None else "ROLLBACK")
        except BaseException:
            if cast(sqlite3.Connection, connection.dbapi_connection).in_transaction:
                # (SQLite may already have rolled back on its own)
                cursor.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"database {store.location}: {reason}") from exc
    finally:
        connection.close()  # back to the pool
    if inserted is None:
        raise NotFoundError(f"no incident {ref.strip().upper()}")
    entry_id, version = inserted
    return EntryView(
        id=entry_id,
        incident_id=incident_id,
        occurred_at=occurred_at.astimezone(UTC),
        recorded_at=recorded_at.astimezone(UTC),
        author=author,
        kind=kind,
        text=text,
        pinned=pinned,
        version=version,
    )


@cache
def _bind_processors(dialect: Dialect) -> tuple[Any, Any]:
    """How the ORM would store a time and a flag on this dialect, so rows are identical."""
    identity = _identity
    # dialect_impl: the processor of the type as this dialect stores it (text on SQLite).
    time_value = UTCDateTime().dialect_impl(dialect).bind_processor(dialect) or identity
    flag_value = Boolean().dialect_impl(dialect).bind_processor(dialect) or identity
    return time_value, flag_value


def _identity(value: Any) -> Any:
    return value
