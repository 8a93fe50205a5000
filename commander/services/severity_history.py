"""Every severity an incident had: read from its change log through one rule
(``domain.timing.severity_spans``) for the history, reports and checklist extras."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain import EntryKind, Severity
from commander.domain.entry_facts import decode
from commander.domain.timing import SeverityMark, SeverityPeriod, severity_spans
from commander.services.incidents import load_incident
from commander.store.engine import Store
from commander.store.orm import Incident, TimelineEntry

_MARK_KINDS = (EntryKind.DECLARED.value, EntryKind.SEVERITY.value)


def severity_history(store: Store, ref: str) -> list[SeverityPeriod]:
    """Every severity the incident had, with when, who and why; the last is current."""
    with store.read() as session:
        return spans_of(session, load_incident(session, ref))


def spans_of(session: Session, incident: Incident) -> list[SeverityPeriod]:
    """``severity_history`` inside the caller's transaction."""
    marks = severity_marks(session, [incident.id]).get(incident.id, [])
    return severity_spans(incident.declared_at, Severity(incident.severity), marks)


def severity_marks(
    session: Session, incident_ids: Collection[int] | None = None
) -> dict[int, list[SeverityMark]]:
    """The declared and severity entries of these incidents (None: all), by incident,
    in the order they happened, in one query."""
    statement = select(
        TimelineEntry.incident_id,
        TimelineEntry.occurred_at,
        TimelineEntry.author,
        TimelineEntry.kind,
        TimelineEntry.data,
    ).where(TimelineEntry.kind.in_(_MARK_KINDS), TimelineEntry.deleted_at.is_(None))
    if incident_ids is not None:
        statement = statement.where(TimelineEntry.incident_id.in_(incident_ids))
    rows = session.execute(statement.order_by(TimelineEntry.occurred_at, TimelineEntry.id))
    marks: dict[int, list[SeverityMark]] = defaultdict(list)
    for incident_id, occurred_at, author, kind, data in rows:
        marks[incident_id].append((occurred_at, author, decode(kind, data)))
    return marks
