"""Declare an incident, change its severity and phase, look incidents up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commander.domain import Phase, Severity
from commander.domain.backdating import refuse_out_of_order
from commander.domain.entry_facts import Declared, PhaseChanged, SeverityChanged
from commander.domain.limits import TITLE_MAX, refuse_nul
from commander.domain.refs import parse_ref
from commander.domain.when import utc_now
from commander.errors import InvalidInputError, NotFoundError
from commander.services.incident_labels import labels_of
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry, timeline_of
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.views.incidents import IncidentDetail, IncidentSummary, in_list_order

# Entering a phase stamps the milestone it stands for, unless already set.
_PHASE_MILESTONES: dict[Phase, tuple[str, ...]] = {
    Phase.TRIAGE: ("acknowledged_at",),
    Phase.MITIGATE: ("acknowledged_at", "mitigated_at"),
    Phase.RESOLVE: ("acknowledged_at", "mitigated_at", "resolved_at"),
    Phase.POSTMORTEM: ("acknowledged_at", "mitigated_at", "resolved_at", "closed_at"),
}
# Stamps that moving back before the phase that set them takes away (a reopen).
_REOPENED_MILESTONES: tuple[tuple[str, Phase], ...] = (
    ("resolved_at", Phase.RESOLVE),
    ("closed_at", Phase.POSTMORTEM),
)


def load_incident(session: Session, ref: str) -> Incident:
    incident = session.get(Incident, parse_ref(ref))
    if incident is None:
        raise NotFoundError(f"no incident {ref.strip().upper()}")
    return incident


def declare_incident(
    store: Store,
    title: str,
    severity: Severity,
    author: str,
    summary: str = "",
    impact_started_at: datetime | None = None,
    detected_at: datetime | None = None,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> IncidentDetail:
    """``occurred_at`` dates the declaration (a backfilled incident); its entry is
    recorded ``now``. The declared time decides the report's month."""
    now = now or utc_now()
    with store.write() as session:
        incident = declare_in(
            session,
            title,
            severity,
            author,
            summary,
            impact_started_at,
            detected_at,
            now,
            occurred_at=occurred_at,
        )
        return IncidentDetail.of(incident)


def declare_in(
    session: Session,
    title: str,
    severity: Severity,
    author: str,
    summary: str,
    impact_started_at: datetime | None,
    detected_at: datetime | None,
    now: datetime,
    occurred_at: datetime | None = None,
) -> Incident:
    """Declare inside the caller's transaction (an alert group declaring its incident)."""
    declared_at = occurred_at or now
    title = title.strip()
    if not title:
        raise InvalidInputError("an incident needs a title")
    if len(title) > TITLE_MAX:
        raise InvalidInputError(f"title is {len(title)} characters; keep it under {TITLE_MAX}")
    refuse_nul(title, "the title")
    refuse_nul(summary, "the summary")
    incident = Incident(
        title=title,
        summary=summary.strip(),
        severity=severity.value,
        phase=Phase.DETECT.value,
        declared_at=declared_at,
        severity_since=declared_at,
        phase_since=declared_at,
        impact_started_at=impact_started_at,
        detected_at=detected_at or declared_at,
        declared_by=author,
    )
    session.add(incident)
    session.flush()
    add_entry(
        session,
        incident,
        fact=Declared(severity),
        text=f"Declared {incident.ref} at {severity.value} ({severity.label}): {title}",
        author=author,
        occurred_at=declared_at,
        recorded_at=now,
    )
    return incident


def change_severity(
    store: Store,
    ref: str,
    severity: Severity,
    author: str,
    reason: str = "",
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> IncidentDetail:
    """``occurred_at`` dates the change (``domain.backdating`` says how far back)."""
    refuse_nul(reason, "the reason")
    now = now or utc_now()
    at = occurred_at or now
    with store.write() as session:
        # Locked first: the checklist below changes in this transaction too.
        incident = locked_incident(session, ref)
        previous = Severity(incident.severity)
        if previous == severity:
            raise InvalidInputError(f"{incident.ref} is already {severity.value}")
        if occurred_at is not None:
            refuse_out_of_order(
                at,
                declared_at=incident.declared_at,
                since=incident.severity_since,
                state=f"{incident.ref} has been {previous.value}",
                change="a severity change",
            )
        direction = "Raised" if severity.rank < previous.rank else "Lowered"
        text = f"{direction} severity {previous.value} → {severity.value} ({severity.label})"
        if reason.strip():
            text += f": {reason.strip()}"
        incident.severity = severity.value
        incident.severity_since = at
        add_entry(
            session,
            incident,
            fact=SeverityChanged(previous, severity, reason.strip()),
            text=text,
            author=author,
            occurred_at=at,
            recorded_at=now,
        )
        _follow_severity(session, incident, f"severity {previous.value} → {severity.value}", now)
        return IncidentDetail.of(incident)


def _follow_severity(session: Session, incident: Incident, because: str, now: datetime) -> None:
    """The checklist follows the new severity in the same transaction: items of a
    duty replaced, not stacked; an IC item the roles held already do, ticked."""
    # Imported here: the checklist services read incidents through this module.
    from commander.services.auto_checks import tick_for_roles
    from commander.services.checklist_sync import sync
    from commander.services.checklist_templates import load_template

    sync(session, incident, load_template().template, now, because)
    tick_for_roles(session, incident, now)


def change_phase(
    store: Store,
    ref: str,
    phase: Phase,
    author: str,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> IncidentDetail:
    """``occurred_at`` dates the move (``domain.backdating`` says how far back); the
    milestones it stamps take that time too."""
    now = now or utc_now()
    at = occurred_at or now
    with store.write() as session:
        incident = load_incident(session, ref)
        previous = Phase(incident.phase)
        if previous == phase:
            raise InvalidInputError(f"{incident.ref} is already in {phase.label}")
        if occurred_at is not None:
            refuse_out_of_order(
                at,
                declared_at=incident.declared_at,
                since=incident.phase_since,
                state=f"{incident.ref} has been in {previous.label}",
                change="a phase change",
            )
        incident.phase = phase.value
        incident.phase_since = at
        for milestone in _PHASE_MILESTONES.get(phase, ()):
            if getattr(incident, milestone) is None:
                setattr(incident, milestone, at)
        # Moving back before Resolve reopens the incident: it was not resolved (or
        # closed) after all, and MTTR must count from the resolution that holds. The
        # cleared times stay in the entry. Acknowledged and first mitigation stand.
        reopened: dict[str, datetime] = {}
        for milestone, stamped_by in _REOPENED_MILESTONES:
            cleared = getattr(incident, milestone)
            if phase.order < stamped_by.order and cleared is not None:
                reopened[milestone] = cleared
                setattr(incident, milestone, None)
        verb = "Moved on" if phase.order > previous.order else "Moved back"
        text = f"{verb} from {previous.label} to {phase.label}"
        if "resolved_at" in reopened:
            text += " (reopened: no longer resolved)"
        add_entry(
            session,
            incident,
            fact=PhaseChanged(previous, phase, tuple(reopened.items())),
            text=text,
            author=author,
            occurred_at=at,
            recorded_at=now,
        )
        return IncidentDetail.of(incident)


def list_incidents(store: Store) -> list[IncidentSummary]:
    """Every incident, active ones first (``views.incidents.in_list_order``), each with
    when its next status update is due."""
    # Imported here: an export reads incidents through this module and needs no comms.
    from commander.store.orm_comms import CommsMessage, UpdateCadence

    last_message = (
        select(func.max(CommsMessage.created_at))
        .where(CommsMessage.incident_id == Incident.id)
        .scalar_subquery()
    )
    query = select(
        Incident.id,
        Incident.title,
        Incident.severity,
        Incident.phase,
        Incident.declared_at,
        Incident.impact_started_at,
        Incident.resolved_at,
        UpdateCadence.minutes,
        last_message,
    ).outerjoin(UpdateCadence, UpdateCadence.incident_id == Incident.id)
    with store.read() as session:
        return in_list_order(IncidentSummary.from_columns(*row) for row in session.execute(query))


def get_incident(store: Store, ref: str, with_timeline: bool = True) -> IncidentDetail:
    with store.read() as session:
        incident = load_incident(session, ref)
        timeline = timeline_of(session, incident.id) if with_timeline else ()
        return IncidentDetail.of(incident, timeline, labels_of(session, incident.id))
