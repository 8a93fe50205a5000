"""What the incident's change log says: severity history, time per phase, milestone edits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain import EntryKind, Phase, Severity
from commander.domain.entry_facts import MilestoneCorrected
from commander.domain.limits import refuse_nul
from commander.domain.timing import SeverityPeriod, severity_periods, time_per_phase
from commander.domain.when import FUTURE_TOLERANCE, format_clock, utc_now
from commander.errors import InvalidInputError
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry
from commander.services.views import EntryView
from commander.store.engine import Store
from commander.store.orm import TimelineEntry

# The incident's times a person may correct after the fact.
MILESTONES: dict[str, str] = {
    "impact_started": "impact_started_at",
    "detected": "detected_at",
    "acknowledged": "acknowledged_at",
    "mitigated": "mitigated_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
}


def severity_history(store: Store, ref: str) -> list[SeverityPeriod]:
    """Every severity the incident had, with when, who and why; the last is current."""
    with store.read() as session:
        incident = load_incident(session, ref)
        changes = []
        for entry in _entries(session, incident.id, EntryKind.DECLARED, EntryKind.SEVERITY):
            data = entry.data or {}
            level = data.get("severity") or data.get("to")
            if level:
                changes.append(
                    (entry.occurred_at, Severity(level), entry.author, data.get("reason", ""))
                )
        if not changes:  # a store written before severities were logged with data
            changes.append((incident.declared_at, Severity(incident.severity), "", ""))
        return severity_periods(changes)


def phase_times(store: Store, ref: str, now: datetime | None = None) -> dict[Phase, timedelta]:
    """Time spent in each phase so far (repeated visits add up).

    The incident row has the last word on where it is now: when its phase
    entries do not end there (a store whose phase entries carry no data), the
    time since ``phase_since`` still counts under the current phase.
    """
    now = now or utc_now()
    with store.read() as session:
        incident = load_incident(session, ref)
        moves = [
            (entry.occurred_at, Phase(entry.data["to"]))
            for entry in _entries(session, incident.id, EntryKind.PHASE)
            if entry.data and entry.data.get("to") in {p.value for p in Phase}
        ]
        current = Phase(incident.phase)
        logged = max(moves, key=lambda move: move[0])[1] if moves else Phase.DETECT
        if logged is not current:
            moves.append((incident.phase_since, current))
        return time_per_phase(incident.declared_at, moves, now)


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
        old = getattr(incident, column)
        if old == moment:
            raise InvalidInputError(
                f"{incident.ref} already has that {name.replace('_', ' ')} time"
            )
        setattr(incident, column, moment)
        label = name.replace("_", " ").capitalize()
        text = f"{label} time changed from {_clock(old)} to {_clock(moment)}"
        if reason.strip():
            text += f": {reason.strip()}"
        entry = add_entry(
            session,
            incident,
            fact=MilestoneCorrected(column, old, moment, reason.strip()),
            text=text,
            author=author,
            occurred_at=now,
            recorded_at=now,
        )
        return EntryView.of(entry)


def milestone_history(store: Store, ref: str) -> list[EntryView]:
    """Every milestone correction, oldest first (each entry's data holds from/to)."""
    with store.read() as session:
        incident = load_incident(session, ref)
        return [EntryView.of(e) for e in _entries(session, incident.id, EntryKind.MILESTONE)]


def _clock(moment: datetime | None) -> str:
    return format_clock(moment, local=False, with_date=True) if moment else "unset"


def _entries(session: Session, incident_id: int, *kinds: EntryKind) -> list[TimelineEntry]:
    return list(
        session.scalars(
            select(TimelineEntry)
            .where(
                TimelineEntry.incident_id == incident_id,
                TimelineEntry.kind.in_([kind.value for kind in kinds]),
                TimelineEntry.deleted_at.is_(None),
            )
            .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
        )
    )
