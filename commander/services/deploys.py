"""Rollbacks and hotfixes as structured timeline entries, listed for the postmortem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from commander.domain import EntryKind
from commander.domain.deploys import DeployChange, DeployKind
from commander.domain.when import utc_now
from commander.services.incidents import load_incident
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import TimelineEntry
from commander.views.incidents import EntryView

_KINDS = {DeployKind.ROLLBACK: EntryKind.ROLLBACK, DeployKind.HOTFIX: EntryKind.HOTFIX}


@dataclass(frozen=True, slots=True)
class DeployRecord:
    """A recorded change and who made it when (``entry_id`` points at its timeline entry)."""

    change: DeployChange
    occurred_at: datetime
    by: str
    entry_id: int


def record_deploy(
    store: Store,
    ref: str,
    change: DeployChange,
    author: str,
    occurred_at: datetime | None = None,
    now: datetime | None = None,
) -> EntryView:
    """Log "rolled back to X" or "hotfix Y deployed" with what, from, to and by whom."""
    now = now or utc_now()
    with store.write() as session:
        incident = load_incident(session, ref)
        entry = add_entry(
            session,
            incident,
            kind=_KINDS[change.kind],
            text=change.describe(),
            author=author,
            occurred_at=occurred_at or now,
            recorded_at=now,
            data={
                "what": change.what,
                "from": change.from_version,
                "to": change.to_version,
                "note": change.note,
                "by": author,
            },
        )
        return EntryView.of(entry)


def rollbacks_and_hotfixes(store: Store, ref: str) -> list[DeployRecord]:
    """In the order they happened; deleted entries left out."""
    with store.read() as session:
        incident = load_incident(session, ref)
        rows = session.scalars(
            select(TimelineEntry)
            .where(
                TimelineEntry.incident_id == incident.id,
                TimelineEntry.kind.in_([kind.value for kind in _KINDS.values()]),
                TimelineEntry.deleted_at.is_(None),
            )
            .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
        )
        return [_record(row) for row in rows]


def _record(row: TimelineEntry) -> DeployRecord:
    return _from_entry(row.kind, row.data, row.author, row.occurred_at, row.id)


def deploy_record(entry: EntryView) -> DeployRecord | None:
    """The rollback or hotfix a timeline entry records; None for any other entry."""
    if entry.kind not in {kind.value for kind in _KINDS.values()}:
        return None
    return _from_entry(entry.kind, entry.data, entry.author, entry.occurred_at, entry.id)


def _from_entry(
    kind: str, data: dict[str, Any] | None, author: str, occurred_at: datetime, entry_id: int
) -> DeployRecord:
    data = data or {}
    change = DeployChange(
        kind=DeployKind(kind),
        to_version=str(data.get("to", "")),
        from_version=str(data.get("from", "")),
        what=str(data.get("what", "")),
        note=str(data.get("note", "")),
    )
    return DeployRecord(change, occurred_at, str(data.get("by", author)), entry_id)
