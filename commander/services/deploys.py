"""Rollbacks and hotfixes as structured timeline entries, listed for the postmortem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from commander.domain import EntryKind
from commander.domain.auto_checks import Happening
from commander.domain.deploys import DeployChange, DeployKind
from commander.domain.entry_facts import EntryFact, HotfixDeployed, RolledBack, decode, deployed
from commander.domain.when import utc_now
from commander.services.auto_checks import tick
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import TimelineEntry
from commander.views.incidents import EntryView


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
    """Log "rolled back to X" or "hotfix Y deployed" with what, from, to and by whom, and
    tick the Mitigate item it does."""
    now = now or utc_now()
    with store.write() as session:
        # Locked before the entry: the tick below takes no lock after it.
        incident = locked_incident(session, ref)
        entry = add_entry(
            session,
            incident,
            fact=deployed(change, author),
            text=change.describe(),
            author=author,
            occurred_at=occurred_at or now,
            recorded_at=now,
        )
        rolled_back = change.kind is DeployKind.ROLLBACK
        done = Happening.ROLLBACK_RECORDED if rolled_back else Happening.HOTFIX_RECORDED
        tick(session, incident, done, f"entry:{entry.id}", now)
        return EntryView.of(entry)


def rollbacks_and_hotfixes(store: Store, ref: str) -> list[DeployRecord]:
    """In the order they happened; deleted entries left out."""
    with store.read() as session:
        incident = load_incident(session, ref)
        rows = session.scalars(
            select(TimelineEntry)
            .where(
                TimelineEntry.incident_id == incident.id,
                TimelineEntry.kind.in_([EntryKind.ROLLBACK.value, EntryKind.HOTFIX.value]),
                TimelineEntry.deleted_at.is_(None),
            )
            .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
        )
        records = (
            _record(decode(row.kind, row.data), row.author, row.occurred_at, row.id) for row in rows
        )
        return [record for record in records if record is not None]


def deploy_record(entry: EntryView) -> DeployRecord | None:
    """The rollback or hotfix a timeline entry records; None for any other entry."""
    return _record(entry.fact, entry.author, entry.occurred_at, entry.id)


def _record(
    fact: EntryFact | None, author: str, occurred_at: datetime, entry_id: int
) -> DeployRecord | None:
    if not isinstance(fact, RolledBack | HotfixDeployed):
        return None
    return DeployRecord(fact.change, occurred_at, fact.by or author, entry_id)
