"""Each driver-level path in store/raw_sql.py returns what the ORM path returns.

Views are compared by ``repr`` as well as ``==``: repr shows what equality
hides (a time's zone, a flag stored as 1 instead of True).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from commander.domain import EntryKind, Severity
from commander.exports.document import load_document
from commander.services.incidents import declare_incident, load_incident
from commander.services.timeline import (
    add_entry,
    delete_entry,
    edit_entry,
    log_entry,
    restore_entry,
    timeline_of,
)
from commander.store import raw_sql, schema
from commander.store.announce import collecting
from commander.store.engine import Store, open_store
from commander.store.migrate import script_revisions
from commander.views.incidents import EntryView

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
# An offset other than UTC, and microseconds: both must come back as the same instant in UTC.
KOLKATA = timezone(timedelta(hours=5, minutes=30))
MINUTE = timedelta(minutes=1)


def exactly(views: Iterable[object]) -> list[str]:
    return [repr(view) for view in views]


def build_incident(store: Store) -> int:
    """An incident whose entries cover every shape a column can hold; returns its id."""
    declare_incident(store, "Other incident", Severity.P3, author="ana", now=T0)
    ref = declare_incident(store, "Payments 5xx 🔥", Severity.P1, author="ana", now=T0).ref
    log_entry(store, "INC-1", "belongs to the other incident", "ana", now=T0)
    first = log_entry(store, ref, "5xx at 14%", "ana", now=T0 + timedelta(minutes=1))
    log_entry(store, ref, "same minute, later id", "bo", occurred_at=first.occurred_at, now=T0)
    log_entry(
        store,
        ref,
        "backdated, pinned, Kolkata time",
        "cy",
        kind=EntryKind.DECISION,
        occurred_at=datetime(2026, 11, 27, 15, 20, 0, 123456, tzinfo=KOLKATA),
        pinned=True,
        now=T0 + timedelta(minutes=2),
    )
    with store.write() as session:
        incident = load_incident(session, ref)
        for minutes, data in [
            (3, {"from": "P2", "to": "P1"}),
            (4, {"nested": {"list": [1, 2.5, "x"], "none": None}, "flag": True, "emoji": "🔥"}),
            (5, {}),  # an empty dict reads as no data, on both paths
            (6, None),
        ]:
            row = add_entry(
                session,
                incident,
                kind=EntryKind.SEVERITY,
                text=f"data {data!r}",
                author="app",
                occurred_at=T0 + timedelta(minutes=minutes),
                recorded_at=T0 + timedelta(minutes=minutes, seconds=30),
            )
            row.data = data  # any stored shape, not only what today's facts write
    deleted = log_entry(store, ref, "typo'd", "ana", now=T0 + timedelta(minutes=7))
    delete_entry(store, deleted.id, "ana", now=T0 + timedelta(minutes=8))
    edited = log_entry(store, ref, "first words", "bo", now=T0 + timedelta(minutes=9))
    edit_entry(store, edited.id, "bo", text="better words", now=T0 + timedelta(minutes=10))
    restored = log_entry(store, ref, "back again", "bo", now=T0 + timedelta(minutes=11))
    delete_entry(store, restored.id, "bo", now=T0 + timedelta(minutes=12))
    restore_entry(store, restored.id, "bo", now=T0 + timedelta(minutes=13))
    return first.incident_id


def orm_entries(store: Store, incident_id: int) -> tuple[EntryView, ...]:
    with store.read() as session:
        return timeline_of(session, incident_id, include_deleted=True)


# -- the export's bulk read ----------------------------------------------------------------


def test_bulk_read_on_sqlite_equals_the_orm_read(sqlite_store: Store) -> None:
    incident_id = build_incident(sqlite_store)
    orm = orm_entries(sqlite_store, incident_id)
    with sqlite_store.read() as session:
        raw = raw_sql.read_entries(session.connection(), incident_id)
    assert raw == orm
    assert exactly(raw) == exactly(orm)
    # The incident really has every shape: deleted, pinned, data, none of these.
    assert any(entry.deleted_at for entry in raw) and any(entry.pinned for entry in raw)
    assert {type(entry.data) for entry in raw} == {dict, type(None)}
    assert len(raw) == 11


def test_the_export_reads_what_the_orm_reads_on_both_backends(store: Store) -> None:
    incident_id = build_incident(store)
    document = load_document(store, f"INC-{incident_id}", generated_at=T0)
    orm = orm_entries(store, incident_id)
    assert exactly(document.audit.entries) == exactly(orm)
    live = tuple(entry for entry in orm if entry.deleted_at is None)
    assert exactly(document.incident.timeline) == exactly(live)


# -- logging an entry on SQLite ------------------------------------------------------------


def test_fast_insert_returns_the_entry_the_orm_reads_back(sqlite_store: Store) -> None:
    declare_incident(sqlite_store, "Fast", Severity.P2, author="ana", now=T0)
    with collecting() as announced:
        written = raw_sql.insert_entry(
            sqlite_store,
            1,
            "rolled back ✓",
            "bo",
            EntryKind.ACTION,
            datetime(2026, 11, 27, 15, 35, 0, 999, tzinfo=KOLKATA),
            T0 + timedelta(minutes=7),
            pinned=True,
        )
        missing = raw_sql.insert_entry(
            sqlite_store, 9, "nowhere", "bo", EntryKind.NOTE, T0, T0, pinned=False
        )
    assert written is not None and missing is None
    (read,) = orm_entries(sqlite_store, 1)[1:]  # after the declaration's entry
    assert exactly([written]) == exactly([read])
    # Announced like an ORM write (store/announce.py); the refused one wrote nothing.
    assert exactly(announced) == exactly([read])
    assert len(orm_entries(sqlite_store, 1)) == 2


# -- the start-up peek ---------------------------------------------------------------------


def test_peek_read_equals_list_incidents(sqlite_store: Store, db_path: Path) -> None:
    from commander.services.incidents import list_incidents

    declare_incident(sqlite_store, "Kolkata", Severity.P0, author="ana", now=T0.astimezone(KOLKATA))
    declare_incident(
        sqlite_store, "Microseconds", Severity.P4, author="ana", now=T0 + timedelta(microseconds=7)
    )
    # Resolved, with an impact start; its own cadence and an update sent: every column.
    from commander.domain import Phase
    from commander.services import messages
    from commander.services.cadence import set_cadence
    from commander.services.incidents import change_phase
    from commander.services.targets import save_target

    ref = declare_incident(
        sqlite_store, "Resolved", Severity.P1, "ana", impact_started_at=T0, now=T0 + 5 * MINUTE
    ).ref
    change_phase(sqlite_store, ref, Phase.RESOLVE, author="ana", now=T0 + 50 * MINUTE)
    ref = declare_incident(sqlite_store, "Own cadence", Severity.P2, "ana", now=T0).ref
    set_cadence(sqlite_store, ref, 20, "ana", now=T0)
    save_target(sqlite_store, "chat", "slack-webhook")  # no secret: nothing is delivered here
    messages.send_message(
        sqlite_store, messages.compose(sqlite_store, ref), "ana", now=T0 + 3 * MINUTE
    )
    peeked = raw_sql.read_incident_summaries(db_path, schema.HEAD)
    assert peeked is not None
    assert exactly(peeked) == exactly(list_incidents(sqlite_store))
    assert [i.title for i in peeked] == ["Kolkata", "Own cadence", "Microseconds", "Resolved"]
    assert peeked[1].update_due_at == T0 + 23 * MINUTE
    assert raw_sql.read_incident_summaries(db_path, "not-the-head") is None


# -- the engine's checks -------------------------------------------------------------------


def alembic_revision(connection: Any) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def test_stored_revision_is_what_alembic_says_and_the_scripts_head(store: Store) -> None:
    with store.engine.connect() as connection:
        revision = raw_sql.stored_revision(connection)
        assert revision == alembic_revision(connection) == script_revisions()[-1] == schema.HEAD


def test_stored_revision_before_any_migration_is_none_like_alembic(store: Store) -> None:
    if store.is_sqlite:
        engine = create_engine("sqlite://")
        with engine.connect() as connection:
            assert alembic_revision(connection) is None
            assert raw_sql.stored_revision(connection) is None
        engine.dispose()
        return
    with store.engine.connect() as connection:  # an empty schema first on the search path
        connection.exec_driver_sql("CREATE SCHEMA nothing_yet")
        connection.exec_driver_sql("SET search_path TO nothing_yet")
        assert alembic_revision(connection) is None
        assert raw_sql.stored_revision(connection) is None


def test_file_schema_is_what_sqlalchemy_and_alembic_see(sqlite_store: Store, db_path: Path) -> None:
    found = raw_sql.sqlite_file_schema(db_path)
    with sqlite_store.engine.connect() as connection:
        assert found.tables == frozenset(inspect(connection).get_table_names())
        assert found.revision == alembic_revision(connection) == schema.HEAD


def test_file_schema_of_foreign_and_empty_files(tmp_path: Path) -> None:
    foreign = tmp_path / "recipes.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.close()
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    for path, tables in [(foreign, {"recipes"}), (empty, set())]:
        found = raw_sql.sqlite_file_schema(path)
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as connection:
            assert found.tables == tables == set(inspect(connection).get_table_names())
            assert found.revision is None
            assert alembic_revision(connection) is None
        engine.dispose()
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(sqlite3.DatabaseError):
        raw_sql.sqlite_file_schema(damaged)


def test_every_connection_gets_the_pragmas_and_writers_take_the_lock_up_front(
    db_path: Path,
) -> None:
    store = open_store(str(db_path), create=True)
    try:
        with store.read() as session:
            pragmas = [
                session.connection().exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            ]
        assert pragmas == ["wal", 1, 1, 10_000]
        other = sqlite3.connect(db_path, timeout=0)
        try:
            # The write lock is held from BEGIN, before anything was written.
            with store.write() as session:
                session.connection()
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            with store.read() as session:
                session.connection()
                other.execute("BEGIN IMMEDIATE")  # a reader leaves it free
                other.execute("ROLLBACK")
        finally:
            other.close()
    finally:
        store.close()


# -- the change feed -----------------------------------------------------------------------


def test_data_version_moves_only_for_other_connections_commits(
    sqlite_store: Store, db_path: Path
) -> None:
    watch = raw_sql.watch_data_version(db_path)
    try:
        before = raw_sql.data_version(watch)
        assert raw_sql.data_version(watch) == before  # nothing committed
        ref = declare_incident(sqlite_store, "x", Severity.P3, "ana", now=T0).ref
        assert raw_sql.data_version(watch) != before
        before = raw_sql.data_version(watch)
        log_entry(sqlite_store, ref, "y", "ana", now=T0)  # the fast path commits too
        assert raw_sql.data_version(watch) != before
    finally:
        watch.close()
