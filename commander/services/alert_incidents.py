"""What an alert group writes on its incident: its alerts (``alert`` entries), their
labels, the detected time and the Detect checklist.

Called inside the inbox's transactions (services/alert_inbox.py), so the group's
new state and everything it writes on the incident commit together.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain import Severity
from commander.domain.alerts import Alert, AlertSource, AlertStatus
from commander.domain.auto_checks import Happening
from commander.domain.entry_facts import AlertNote, AlertReceived, AlertResolved
from commander.domain.when import FUTURE_TOLERANCE, format_clock
from commander.services.auto_checks import tick
from commander.services.incident_labels import labels_of
from commander.services.incidents import declare_in, load_incident
from commander.services.milestones import correct_milestone
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_alerts import DECLARED, AlertGroup, AlertRow, IncidentLabel

# Labels longer than this are kept on the alert but not on the incident: they name
# no service or team, and the incident's label index stays small.
_LABEL_NAME_MAX = 200
_LABEL_VALUE_MAX = 500


def alerts_of(session: Session, group_id: int) -> list[AlertRow]:
    return list(
        session.scalars(select(AlertRow).where(AlertRow.group_id == group_id).order_by(AlertRow.id))
    )


def as_alert(row: AlertRow) -> Alert:
    return Alert(
        AlertStatus(row.status),
        row.labels or {},
        row.annotations or {},
        row.starts_at,
        row.ends_at,
        row.fingerprint,
        row.generator_url,
    )


def declare_for(
    session: Session,
    group: AlertGroup,
    alerts: list[AlertRow],
    severity: Severity,
    author: str,
    now: datetime,
) -> Incident:
    source = AlertSource(group.source)
    summary = next((s for s in (as_alert(a).summary for a in alerts) if s), "")
    summary = f"Declared from alert group {group.id} ({source.label})." + (
        f" {summary}" if summary else ""
    )
    incident = declare_in(session, group.title, severity, author, summary, None, None, now)
    reach(session, incident, group, alerts, DECLARED, author, now)
    return incident


def reach(
    session: Session,
    incident: Incident,
    group: AlertGroup,
    alerts: list[AlertRow],
    state: str,
    author: str,
    now: datetime,
) -> None:
    """The group becomes part of ``incident``: its alerts logged, its labels kept, the
    detected time and the Detect checklist brought up to date."""
    group.state = state
    group.incident_id = incident.id
    group.state_changed_at = now
    group.state_changed_by = author
    _log(session, incident, group, AlertReceived, alerts, author, now)
    resolved = [row for row in alerts if row.status == AlertStatus.RESOLVED]
    if resolved:
        _log(session, incident, group, AlertResolved, resolved, author, now)
    _keep_labels(session, incident.id, alerts, now)
    _detected_from(session, incident, alerts, author, now)
    tick(session, incident, Happening.ALERT_RECEIVED, f"alert-group:{group.id}", now)


def log_news(
    session: Session,
    incident: Incident,
    group: AlertGroup,
    fired: list[AlertRow],
    resolved: list[AlertRow],
    author: str,
    now: datetime,
) -> None:
    if fired:
        _log(session, incident, group, AlertReceived, fired, author, now)
        _keep_labels(session, incident.id, fired, now)
        _detected_from(session, incident, fired, author, now)
    if resolved:
        _log(session, incident, group, AlertResolved, resolved, author, now)


def _log(
    session: Session,
    incident: Incident,
    group: AlertGroup,
    fact_type: type[AlertReceived] | type[AlertResolved],
    rows: list[AlertRow],
    author: str,
    now: datetime,
) -> None:
    notes = tuple(_note(row) for row in rows)
    if fact_type is AlertReceived:
        happened = min(note.starts_at for note in notes)
    else:
        happened = max((note.ends_at or now) for note in notes)
    verb = "firing" if fact_type is AlertReceived else "resolved"
    add_entry(
        session,
        incident,
        fact=fact_type(group.id, group.source, notes),
        text=_entry_text(verb, AlertSource(group.source), notes),
        author=author,
        occurred_at=min(happened, now),  # a sender's clock ahead of ours
        recorded_at=now,
    )


def _note(row: AlertRow) -> AlertNote:
    return AlertNote(
        row.name,
        row.fingerprint,
        tuple(sorted((row.labels or {}).items())),
        as_alert(row).summary,
        row.starts_at,
        row.ends_at,
    )


def _entry_text(verb: str, source: AlertSource, notes: tuple[AlertNote, ...]) -> str:
    if len(notes) == 1:
        note = notes[0]
        text = f"Alert {verb} ({source.label}): {note.name}"
        return f"{text} — {note.summary}" if note.summary else text
    counts = Counter(note.name for note in notes)
    names = ", ".join(f"{name} ×{count}" if count > 1 else name for name, count in counts.items())
    return f"{len(notes)} alerts {verb} ({source.label}): {names}"


def _keep_labels(session: Session, incident_id: int, rows: list[AlertRow], now: datetime) -> None:
    wanted = {
        (name, value)
        for row in rows
        for name, value in (row.labels or {}).items()
        if 0 < len(name) <= _LABEL_NAME_MAX and len(value) <= _LABEL_VALUE_MAX
    }
    kept = {
        (name, value)
        for name, value in session.execute(
            select(IncidentLabel.name, IncidentLabel.value).where(
                IncidentLabel.incident_id == incident_id
            )
        )
    }
    for name, value in sorted(wanted - kept):
        session.add(IncidentLabel(incident_id=incident_id, name=name, value=value, added_at=now))


def _detected_from(
    session: Session, incident: Incident, rows: list[AlertRow], author: str, now: datetime
) -> None:
    """The first alert's start becomes the detected time, if it is earlier."""
    first = min(rows, key=lambda row: row.starts_at)
    if first.starts_at - now > FUTURE_TOLERANCE:
        return  # a sender whose clock runs ahead says nothing about when we knew
    if incident.detected_at is not None and incident.detected_at <= first.starts_at:
        return
    reason = f"first alert {first.name} started at {format_clock(first.starts_at, local=False)}"
    correct_milestone(session, incident, "detected_at", first.starts_at, author, reason, now)


def incident_labels(store: Store, ref: str) -> list[tuple[str, str]]:
    """The labels an incident kept from its alerts, by name and value."""
    with store.read() as session:
        return list(labels_of(session, load_incident(session, ref).id))
