"""Every statement the app sends to the database driver by hand, in one place.

Everywhere else the ORM reads and writes. These paths go below it because it is
too slow there, or not loaded yet:

- ``read_incident_summaries``: the start-up peek lists incidents before
  SQLAlchemy has loaded (its import costs more than painting the window);
- ``insert_entry``: logging an entry on SQLite, the scribe's hot path (about a
  fifth of the ORM's cost, bench/timeline.py);
- ``read_entries``: an export reads every entry of an incident, 10,000 or more,
  as driver rows on SQLite;
- ``sqlite_file_schema``, ``stored_revision``, ``prepare_sqlite_connection``,
  ``begin_transaction``: the engine's look inside a file before anything writes
  to it, its revision check, the per-connection pragmas and how transactions start;
- ``watch_data_version``, ``data_version``: the change feed's cheap "did
  another connection commit?".

Rows read here become views through the constructors the ORM path uses
(``EntryView.from_columns``, ``IncidentSummary.from_columns``); this module only
decodes what the ORM's types store on SQLite (times as naive UTC text, see
``orm.UTCDateTime``; JSON as text; flags as 0/1). tests/commander/store/test_raw_sql.py
proves each path returns what the ORM path returns.

Nothing here imports SQLAlchemy at load time: the peek runs before it is loaded.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from commander.domain import EntryKind
from commander.errors import StoreError
from commander.store.announce import announce
from commander.store.disk_full import disk_full_message, is_disk_full
from commander.views.incidents import EntryView, IncidentSummary, in_list_order

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.engine import Dialect

    from commander.store.engine import Store

# Alembic's own bookkeeping table: one row naming the revision the schema is at.
_REVISION = "SELECT version_num FROM alembic_version"
_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
# Columns in IncidentSummary.from_columns' order; the order is in_list_order's.
_INCIDENT_SUMMARIES = (
    "SELECT i.id, i.title, i.severity, i.phase, i.declared_at, i.impact_started_at, "
    "i.resolved_at, c.minutes, "
    "(SELECT max(m.created_at) FROM messages m WHERE m.incident_id = i.id) "
    "FROM incidents i LEFT JOIN update_cadences c ON c.incident_id = i.id"
)
# Columns in EntryView.from_columns' order.
_ENTRIES = (
    "SELECT id, incident_id, occurred_at, recorded_at, author, kind, text, pinned, data, "
    "deleted_at, deleted_by, version FROM timeline_entries WHERE incident_id = ? "
    "ORDER BY occurred_at, id"
)
# The row timeline.add_entry writes: version max + 1 (safe under the write lock
# BEGIN IMMEDIATE takes), and nothing at all when the incident does not exist.
_INSERT_ENTRY = """
INSERT INTO timeline_entries
    (incident_id, occurred_at, recorded_at, author, kind, text, pinned, idempotency_key, version)
SELECT id, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(version), 0) + 1 FROM timeline_entries)
FROM incidents WHERE id = ?
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id, version
"""


# -- the engine's checks -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileSchema:
    """What a SQLite file holds before the app touches it."""

    tables: frozenset[str]
    revision: str | None  # None without an alembic_version table (or with an empty one)


def sqlite_file_schema(path: Path) -> FileSchema:
    """The file's tables and Alembic revision, read without writing a byte.

    Raises ``sqlite3.DatabaseError`` for a damaged file or one that is no database.
    """
    with _read_only(path) as connection:
        tables = frozenset(row[0] for row in connection.execute(_TABLES))
        revision = _file_revision(connection) if "alembic_version" in tables else None
    return FileSchema(tables, revision)


def stored_revision(connection: Connection) -> str | None:
    """The Alembic revision an open database is at; None before its first migration.

    On PostgreSQL a missing table aborts the connection's transaction: pass a
    connection that does nothing else.
    """
    from sqlalchemy.exc import DBAPIError

    try:
        revision = connection.exec_driver_sql(_REVISION).scalar()
    except DBAPIError as exc:
        message = str(exc.orig).lower()
        if "no such table" in message or "does not exist" in message:
            return None
        raise
    return None if revision is None else str(revision)


def prepare_sqlite_connection(dbapi_connection: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Pragmas every new SQLite connection gets, before its first statement."""
    # Let SQLAlchemy's "begin" event issue BEGIN (see ``begin_transaction``), so writers
    # can take the write lock up front instead of failing to upgrade a read lock.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def begin_transaction(connection: Connection, *, immediate: bool) -> None:
    """Start a SQLite transaction; ``immediate`` takes the write lock now (busy timeout applies)."""
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# -- the start-up peek ---------------------------------------------------------------------


def read_incident_summaries(path: Path, head: str) -> list[IncidentSummary] | None:
    """The incident list in its order (``in_list_order``) from a SQLite file at
    revision ``head``; else None.

    Raises ``sqlite3.Error`` or ``ValueError`` for what it cannot read.
    """
    with _read_only(path) as connection:
        if _file_revision(connection) != head:
            return None
        return in_list_order(
            IncidentSummary.from_columns(
                entry_id,
                title,
                severity,
                phase,
                _stored_time(declared),
                _maybe_time(impact_started),
                _maybe_time(resolved),
                own_minutes,
                _maybe_time(last_message),
            )
            for (
                entry_id,
                title,
                severity,
                phase,
                declared,
                impact_started,
                resolved,
                own_minutes,
                last_message,
            ) in connection.execute(_INCIDENT_SUMMARIES)
        )


# -- logging an entry on SQLite ------------------------------------------------------------


def insert_entry(
    store: Store,
    incident_id: int,
    text: str,
    author: str,
    kind: EntryKind,
    occurred_at: datetime,
    recorded_at: datetime,
    *,
    pinned: bool,
    idempotency_key: str | None = None,
) -> EntryView | None:
    """Write one entry in its own transaction; the entry once committed, or None (and
    nothing written) when there is no such incident or ``idempotency_key`` is taken.

    A pooled connection (pragmas already set) runs ``BEGIN IMMEDIATE``, one
    ``INSERT ... SELECT ... RETURNING`` and ``COMMIT``: through the ORM the same
    write cost about five times as much, nearly all Python bookkeeping around a
    0.1 ms commit.
    """
    time_value, flag_value = _bind_processors(store.engine.dialect)
    params = (
        time_value(occurred_at),
        time_value(recorded_at),
        author,
        kind.value,
        text,
        flag_value(pinned),
        idempotency_key,
        incident_id,
    )
    connection = store.engine.raw_connection()  # pooled; isolation_level None
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            inserted = cursor.execute(_INSERT_ENTRY, params).fetchone()
            cursor.execute("COMMIT" if inserted is not None else "ROLLBACK")
        except BaseException:
            if cast(sqlite3.Connection, connection.dbapi_connection).in_transaction:
                # (SQLite may already have rolled back on its own)
                cursor.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        if is_disk_full(exc, store.sqlite_file):
            raise StoreError(disk_full_message(store.location)) from exc
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"database {store.location}: {reason}") from exc
    finally:
        connection.close()  # back to the pool
    if inserted is None:
        return None
    entry_id, version = inserted
    entry = EntryView.from_columns(
        id=entry_id,
        incident_id=incident_id,
        occurred_at=occurred_at.astimezone(UTC),
        recorded_at=recorded_at.astimezone(UTC),
        author=author,
        kind=kind.value,
        text=text,
        pinned=pinned,
        data=None,
        deleted_at=None,
        deleted_by=None,
        version=version,
    )
    announce([entry])  # Store.write announces what its session wrote; this path has none
    return entry


@cache
def _bind_processors(dialect: Dialect) -> tuple[Any, Any]:
    """How the ORM stores a time and a flag on this dialect, so both paths write one row."""
    from sqlalchemy import Boolean

    from commander.store.orm import UTCDateTime

    # dialect_impl: the type as this dialect stores it (text on SQLite).
    time_value = UTCDateTime().dialect_impl(dialect).bind_processor(dialect) or _identity
    flag_value = Boolean().dialect_impl(dialect).bind_processor(dialect) or _identity
    return time_value, flag_value


def _identity(value: Any) -> Any:
    return value


# -- the export's bulk read ----------------------------------------------------------------


def read_entries(connection: Connection, incident_id: int) -> tuple[EntryView, ...]:
    """Every entry of the incident on SQLite, deleted ones too, in time order.

    An export reads 10,000 entries or more: loading ORM objects, or even
    SQLAlchemy's per-value type processing and its row-at-a-time fetching, took
    most of its time budget, so the driver's rows are fetched at once on the
    caller's connection (so the read shares its transaction) and decoded here.
    """
    cursor = connection.connection.cursor()
    try:
        rows = cursor.execute(_ENTRIES, (incident_id,)).fetchall()
    finally:
        cursor.close()
    entries = []
    for (
        entry_id,
        entry_incident_id,
        occurred_at,
        recorded_at,
        author,
        kind,
        text,
        pinned,
        data,
        deleted_at,
        deleted_by,
        version,
    ) in rows:
        occurred = _stored_time(occurred_at)
        entries.append(
            EntryView.from_columns(
                entry_id,
                entry_incident_id,
                occurred,
                # Most entries are recorded when they happen: one time read, not two.
                occurred if recorded_at == occurred_at else _stored_time(recorded_at),
                author,
                kind,
                text,
                pinned,
                None if data is None else json.loads(data),
                None if deleted_at is None else _stored_time(deleted_at),
                deleted_by,
                version,
            )
        )
    return tuple(entries)


# -- the change feed -----------------------------------------------------------------------


def watch_data_version(path: Path) -> sqlite3.Connection:
    """A connection of its own for ``data_version``, which counts other connections' commits.

    ``mode=rw`` never creates a file (it only reads a pragma); autocommit, so it
    never holds a transaction open.
    """
    uri = f"{path.as_uri()}?mode=rw"
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


def data_version(connection: sqlite3.Connection) -> int:
    """Changes whenever another connection commits; raises ``sqlite3.Error``."""
    row = connection.execute("PRAGMA data_version").fetchone()
    return int(row[0])


# -- shared --------------------------------------------------------------------------------


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def _file_revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute(_REVISION).fetchone()
    return None if row is None else str(row[0])


def _stored_time(stored: str) -> datetime:
    """A time as orm.UTCDateTime stores it on SQLite (naive UTC text), aware again."""
    return datetime.fromisoformat(stored + "+00:00")


def _maybe_time(stored: str | None) -> datetime | None:
    return None if stored is None else _stored_time(stored)
