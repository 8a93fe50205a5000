"""PostgreSQL: a commit that changed the timeline NOTIFYs, in its own transaction."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import select

from commander.domain import EntryKind, Severity
from commander.domain.changes import Aspect
from commander.services.incidents import change_severity, declare_incident
from commander.services.timeline import add_entry, log_entry, next_version
from commander.store.engine import Store, open_store
from commander.store.listen import conninfo
from commander.store.notify import (
    CHANNEL,
    MAX_PAYLOAD_BYTES,
    Notice,
    decode_notice,
    encode,
)
from commander.store.orm import Incident, TimelineEntry


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[Store]:
    store = open_store(postgres_url, create=False)
    yield store
    store.close()


@pytest.fixture
def listening(pg_store: Store) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A plain connection listening on the store's channel, as another seat's would."""
    with psycopg.connect(conninfo(pg_store.url), autocommit=True) as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        yield connection


def received(connection: psycopg.Connection[tuple[object, ...]]) -> list[Notice | None]:
    return [decode_notice(n.payload) for n in connection.notifies(timeout=0.3)]


@pytest.mark.postgres
def test_each_committed_write_announces_its_version_and_aspects(
    pg_store: Store, listening: psycopg.Connection[tuple[object, ...]]
) -> None:
    incident = declare_incident(pg_store, "Checkout slow", Severity.P2, author="ana")
    entry = log_entry(pg_store, incident.ref, "paged on-call", author="bo")
    change_severity(pg_store, incident.ref, Severity.P1, author="bo")
    with pg_store.read() as session:
        latest = session.scalar(
            select(TimelineEntry.version).order_by(TimelineEntry.version.desc())
        )
    notices = received(listening)
    assert len(notices) == 3
    declared, logged, raised = notices
    assert declared is not None and Aspect.INCIDENTS in declared.incidents[incident.id]
    assert logged == Notice(entry.version, {incident.id: frozenset({Aspect.ENTRIES})})
    assert raised is not None and raised.version == latest
    assert {Aspect.HEADER, Aspect.CHECKLIST} <= raised.incidents[incident.id]


@pytest.mark.postgres
def test_a_rolled_back_write_or_one_without_entries_sends_nothing(
    pg_store: Store, listening: psycopg.Connection[tuple[object, ...]]
) -> None:
    incident = declare_incident(pg_store, "Checkout slow", Severity.P2, author="ana")
    assert len(received(listening)) == 1
    with pytest.raises(RuntimeError), pg_store.write() as session:
        row = session.get_one(Incident, incident.id)
        add_entry(
            session,
            row,
            text="never committed",
            author="bo",
            occurred_at=incident.declared_at,
            recorded_at=incident.declared_at,
            kind=EntryKind.NOTE,
        )
        session.flush()
        raise RuntimeError("the caller gave up")
    with pg_store.write() as session:
        session.get_one(Incident, incident.id).summary = "no entry, so no change to announce"
    assert received(listening) == []


@pytest.mark.postgres
def test_an_entry_added_after_the_last_flush_is_announced_too(
    pg_store: Store, listening: psycopg.Connection[tuple[object, ...]]
) -> None:
    incident = declare_incident(pg_store, "Checkout slow", Severity.P2, author="ana")
    received(listening)
    with pg_store.write() as session:
        entry = TimelineEntry(
            incident_id=incident.id,
            occurred_at=incident.declared_at,
            recorded_at=incident.declared_at,
            author="bo",
            kind=EntryKind.NOTE,
            text="left for the commit to flush",
            version=next_version(session),
        )
        session.add(entry)
        assert entry in session.new
    with pg_store.read() as session:
        version = session.scalar(select(TimelineEntry.version).where(TimelineEntry.id == entry.id))
    assert received(listening) == [
        Notice(version or -1, {incident.id: frozenset({Aspect.ENTRIES})})
    ]


def test_a_payload_too_big_for_postgresql_carries_the_version_alone() -> None:
    many = [(incident_id, 100 + incident_id, "note", None) for incident_id in range(2_000)]
    payload = encode(many)
    assert payload is not None and len(payload.encode()) <= MAX_PAYLOAD_BYTES
    assert decode_notice(payload) == Notice(2_099, {})
    small = encode([(7, 42, "severity", None)])
    assert small is not None
    assert decode_notice(small) == Notice(
        42, {7: frozenset({Aspect.ENTRIES, Aspect.INCIDENTS, Aspect.HEADER, Aspect.CHECKLIST})}
    )
    assert encode([]) is None


def test_a_payload_this_build_cannot_read_is_no_notice_but_not_an_error() -> None:
    assert decode_notice("not json") is None
    assert decode_notice('{"c": []}') is None
    newer = decode_notice('{"v": 5, "c": [[1, ["entries", "from-a-newer-app"]]]}')
    assert newer == Notice(5, {1: frozenset({Aspect.ENTRIES})})
