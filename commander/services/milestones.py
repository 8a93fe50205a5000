"""Correcting an incident's milestone times (mitigated, resolved, ...), each correction logged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from commander.domain import EntryKind
from commander.domain.entry_facts import MilestoneCorrected
from commander.domain.limits import refuse_nul
from commander.domain.when import FUTURE_TOLERANCE, format_clock, utc_now
from commander.errors import InvalidInputError
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry, live_entries_of_kinds
from commander.store.engine import Store
from commander.store.orm import Incident, TimelineEntry
from commander.views.incidents import EntryView

# The incident's times a person may correct after the fact.
MILESTONES: dict[str, str] = {
    "impact_started": "impact_started_at",
    "detected": "detected_at",
    "acknowledged": "acknowledged_at",
    "mitigated": "mitigated_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
}


def edit_milestone(
    store: Store,
    ref: str,
    milestone: str,
    moment: datetime | None,
    author: str,
    reason: str = "",
    now: datetime | None = None,
) -> EntryView:
    """Correct when the incident was mitigated, resolved, ...; the old value stays logged."""
    name = milestone.strip().lower().removesuffix("_at").replace("-", "_")
    column = MILESTONES.get(name)
    if column is None:
        raise InvalidInputError(
            f"unknown milestone {milestone!r}: use one of {', '.join(MILESTONES)}"
        )
    refuse_nul(reason, "the reason")
    now = now or utc_now()
    if moment is not None and moment - now > FUTURE_TOLERANCE:
        raise InvalidInputError("a milestone cannot be in the future")
    with store.write() as session:
        incident = locked_incident(session, ref)
        if getattr(incident, column) == moment:
            raise InvalidInputError(
                f"{incident.ref} already has that {name.replace('_', ' ')} time"
            )
        return EntryView.of(
            correct_milestone(session, incident, column, moment, author, reason, now)
        )


def correct_milestone(
    session: Session,
    incident: Incident,
    column: str,
    moment: datetime | None,
    author: str,
    reason: str,
    now: datetime,
) -> TimelineEntry:
    """Set one milestone inside the caller's transaction, logging the old and new value
    (an alert's start becoming the detected time)."""
    old = getattr(incident, column)
    setattr(incident, column, moment)
    label = column.removesuffix("_at").replace("_", " ").capitalize()
    text = f"{label} time changed from {_clock(old)} to {_clock(moment)}"
    if reason.strip():
        text += f": {reason.strip()}"
    return add_entry(
        session,
        incident,
        fact=MilestoneCorrected(column, old, moment, reason.strip()),
        text=text,
        author=author,
        occurred_at=now,
        recorded_at=now,
    )


def milestone_history(store: Store, ref: str) -> list[EntryView]:
    """Every milestone correction, oldest first (each entry's fact holds from and to)."""
    with store.read() as session:
        incident = load_incident(session, ref)
        entries = live_entries_of_kinds(session, incident.id, EntryKind.MILESTONE)
        return [EntryView.of(entry) for entry in entries]


def _clock(moment: datetime | None) -> str:
    return format_clock(moment, local=False, with_date=True) if moment else "unset"
