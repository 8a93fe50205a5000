"""Writing and reading timeline entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain import EntryKind
from commander.domain.when import utc_now
from commander.errors import InvalidInputError
from commander.services.views import EntryView
from commander.store.engine import Store
from commander.store.orm import Incident, TimelineEntry


def add_entry(
    session: Session,
    incident: Incident,
    *,
    kind: EntryKind,
    text: str,
    author: str,
    occurred_at: datetime,
    recorded_at: datetime,
    pinned: bool = False,
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    """Add an entry inside the caller's transaction (state change + entry together)."""
    entry = TimelineEntry(
        incident_id=incident.id,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        author=author,
        kind=kind.value,
        text=text,
        pinned=pinned,
        data=data,
    )
    session.add(entry)
    session.flush()
    return entry


def log_entry(
    store: Store,
    ref: str,
    text: str,
    author: str,
    kind: EntryKind = EntryKind.NOTE,
    occurred_at: datetime | None = None,
    pinned: bool = False,
    now: datetime | None = None,
) -> EntryView:
    """Log what a person saw, did or decided. Returns once it is committed."""
    from commander.services.incidents import load_incident  # avoids an import cycle

    if not text.strip():
        raise InvalidInputError("an entry needs some text")
    now = now or utc_now()
    with store.write() as session:
        incident = load_incident(session, ref)
        entry = add_entry(
            session,
            incident,
            kind=kind,
            text=text,
            author=author,
            occurred_at=occurred_at or now,
            recorded_at=now,
            pinned=pinned,
        )
        return EntryView.of(entry)


def timeline_of(session: Session, incident_id: int) -> tuple[EntryView, ...]:
    """Live (not deleted) entries, in the order things happened."""
    rows = session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.incident_id == incident_id, TimelineEntry.deleted_at.is_(None))
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    return tuple(EntryView.of(row) for row in rows)
