"""Composing an update from a template, sending it to targets, reading it back.

Sending does not touch the network: it writes the message, one pending
delivery per target (services/deliveries.py) and a timeline entry in one
transaction; the outbox (services/outbox.py) delivers it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commander.connectors.base import COMPONENT_STATUSES, STATUSES, Message
from commander.domain import Phase, Severity
from commander.domain.entry_facts import MessageSent
from commander.domain.when import format_duration, utc_now
from commander.errors import InvalidInputError, NotFoundError
from commander.services.cadence import status_of as cadence_of
from commander.services.deliveries import attempts_of, queue
from commander.services.incidents import load_incident
from commander.services.templates import DEFAULT_TEMPLATE, load_template
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import Incident, TimelineEntry
from commander.store.orm_comms import (
    CommsDelivery,
    CommsMessage,
    CommsTarget,
    ConnectorState,
)
from commander.views.comms import DeliveryView, MessageView, TargetView

# Status page wording per phase, unless the user picks another.
STATUS_BY_PHASE: dict[Phase, str] = {
    Phase.DETECT: "investigating",
    Phase.TRIAGE: "identified",
    Phase.MITIGATE: "monitoring",
    Phase.RESOLVE: "resolved",
    Phase.POSTMORTEM: "resolved",
}
PAGE_ACTIONS = ("trigger", "acknowledge", "resolve")
# The editable fields, in the order the composer shows them.
FIELDS = ("Status", "Impact", "ETA", "Next update")
_FIELD_PLACEHOLDERS = {"Status": "status", "Impact": "impact", "ETA": "eta"}
_FIELD_PLACEHOLDERS["Next update"] = "next_update"


def compose(
    store: Store,
    ref: str,
    template: str = DEFAULT_TEMPLATE,
    overrides: Mapping[str, str] | None = None,
    *,
    status: str | None = None,
    components: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Message:
    """The update a template makes of the incident as it stands now.

    ``overrides`` replaces fields by name (Status, Impact, ETA, Next update);
    ``status`` replaces the status page wording the phase would give.
    """
    now = now or utc_now()
    chosen = load_template(template)
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(FIELDS)
    if unknown:
        raise InvalidInputError(
            f"unknown field(s) {', '.join(sorted(unknown))}; fields are {', '.join(FIELDS)}"
        )
    with store.read() as session:
        incident = load_incident(session, ref)
        phase = Phase(incident.phase)
        wording = _check_status(status or chosen.header.get("status") or STATUS_BY_PHASE[phase])
        fields = _default_fields(session, incident, wording, now)
        fields.update({k: v.strip() for k, v in overrides.items()})
        updates, public_updates = _updates_so_far(session, incident)
        severity = Severity(incident.severity)
        values = {
            "ref": incident.ref,
            "title": incident.title,
            "summary": incident.summary or incident.title,
            "severity": severity.value,
            "severity_label": severity.label,
            "phase": phase.value,
            "phase_label": phase.label,
            "updates": updates,
            "public_updates": public_updates,
            "duration": format_duration(now - (incident.impact_started_at or incident.declared_at)),
            "now": _clock(now),
        }
        values.update({_FIELD_PLACEHOLDERS[name]: value for name, value in fields.items()})
        headline, body = chosen.render(values)
        page_action = chosen.header.get("page_action") or (
            "resolve" if wording == "resolved" else "trigger"
        )
        return Message(
            incident_ref=incident.ref,
            incident_title=incident.title,
            severity=severity.value,
            phase=phase.value,
            template=chosen.name,
            headline=headline,
            body=body,
            fields=fields,
            status=wording,
            components=_check_components(components or {}),
            page_action=_check_page_action(page_action),
        )


def send_message(
    store: Store,
    message: Message,
    author: str,
    targets: Sequence[str] | None = None,
    now: datetime | None = None,
) -> MessageView:
    """Queue ``message`` for ``targets`` (every configured target when None)."""
    if not message.headline.strip() or not message.body.strip():
        raise InvalidInputError("a message needs a headline and a body")
    message = replace(
        message,
        status=_check_status(message.status),
        components=_check_components(message.components),
        page_action=_check_page_action(message.page_action),
    )
    now = now or utc_now()
    with store.write() as session:
        incident = load_incident(session, message.incident_ref)
        chosen = _targets_named(session, targets)
        row = CommsMessage(
            incident_id=incident.id,
            incident_title=message.incident_title,
            severity=message.severity,
            phase=message.phase,
            template=message.template,
            headline=message.headline.strip(),
            body=message.body.strip(),
            fields=dict(message.fields),
            status=message.status,
            components=dict(message.components),
            page_action=message.page_action,
            author=author,
            created_at=now,
        )
        session.add(row)
        session.flush()
        deliveries = queue(session, row, chosen, now)
        names = ", ".join(t.name for t in chosen)
        add_entry(
            session,
            incident,
            fact=MessageSent(row.id, tuple(t.name for t in chosen)),
            text=f"Sent {message.template} “{row.headline}” to {names}",
            author=author,
            occurred_at=now,
            recorded_at=now,
        )
        return MessageView.of(row, tuple(DeliveryView.of(d) for d in deliveries))


def list_messages(store: Store, ref: str) -> list[MessageView]:
    """Every message of an incident, oldest first, with its deliveries."""
    with store.read() as session:
        return read_messages(session, load_incident(session, ref).id)


def read_messages(session: Session, incident_id: int) -> list[MessageView]:
    """``list_messages`` inside the caller's transaction (the export reads everything in one)."""
    rows = session.scalars(
        select(CommsMessage)
        .where(CommsMessage.incident_id == incident_id)
        .order_by(CommsMessage.created_at, CommsMessage.id)
    ).all()
    deliveries: dict[int, list[DeliveryView]] = {row.id: [] for row in rows}
    found = session.scalars(
        select(CommsDelivery)
        .join(CommsMessage, CommsMessage.id == CommsDelivery.message_id)
        .where(CommsMessage.incident_id == incident_id)
        .order_by(CommsDelivery.target_name, CommsDelivery.id)
    ).all()
    history = attempts_of(session, [delivery.id for delivery in found])
    for delivery in found:
        view = DeliveryView.of(delivery, history.get(delivery.id, ()))
        deliveries[delivery.message_id].append(view)
    return [MessageView.of(row, tuple(deliveries[row.id])) for row in rows]


def read_incident_targets(
    session: Session, incident_id: int
) -> list[tuple[TargetView, dict[str, Any] | None]]:
    """The targets this incident's messages went to or whose connector remembers it,
    by name, each with that connector state (no secret: those live in commander.secrets)."""
    states = {
        row.target_id: dict(row.state or {})
        for row in session.scalars(
            select(ConnectorState).where(ConnectorState.incident_id == incident_id)
        )
    }
    used = (
        select(CommsDelivery.target_id)
        .join(CommsMessage, CommsMessage.id == CommsDelivery.message_id)
        .where(CommsMessage.incident_id == incident_id)
    )
    rows = session.scalars(
        select(CommsTarget)
        .where(or_(CommsTarget.id.in_(used), CommsTarget.id.in_(list(states))))
        .order_by(CommsTarget.name, CommsTarget.id)
    )
    return [(TargetView.of(row), states.get(row.id)) for row in rows]


def get_message(store: Store, message_id: int) -> MessageView:
    with store.read() as session:
        row = session.get(CommsMessage, message_id)
        if row is None:
            raise NotFoundError(f"no message {message_id}")
        return _view(session, row)


def message_of(row: CommsMessage, incident_ref: str) -> Message:
    """Rebuild the connector's Message from a stored row."""
    return Message(
        incident_ref=incident_ref,
        incident_title=row.incident_title,
        severity=row.severity,
        phase=row.phase,
        template=row.template,
        headline=row.headline,
        body=row.body,
        fields=dict(row.fields or {}),
        status=row.status,
        components=dict(row.components or {}),
        page_action=row.page_action,
    )


def _view(session: Session, row: CommsMessage) -> MessageView:
    deliveries = session.scalars(
        select(CommsDelivery)
        .where(CommsDelivery.message_id == row.id)
        .order_by(CommsDelivery.target_name, CommsDelivery.id)
    )
    return MessageView.of(row, tuple(DeliveryView.of(d) for d in deliveries))


def _targets_named(session: Session, names: Sequence[str] | None) -> list[CommsTarget]:
    every = {t.name: t for t in session.scalars(select(CommsTarget).order_by(CommsTarget.name))}
    if not every:
        raise InvalidInputError("no targets configured; add one with `commander target add`")
    if not names:
        return list(every.values())
    missing = [n for n in names if n not in every]
    if missing:
        raise InvalidInputError(
            f"unknown target(s) {', '.join(missing)}; configured: {', '.join(every)}"
        )
    return [every[n] for n in dict.fromkeys(names)]


def _default_fields(
    session: Session, incident: Incident, wording: str, now: datetime
) -> dict[str, str]:
    resolved = wording == "resolved"
    cadence = cadence_of(session, incident)
    if resolved:
        next_update = "None planned: this incident is resolved"
    elif cadence.minutes:
        next_update = f"by {_clock(now + timedelta(minutes=cadence.minutes))}"
    else:
        next_update = "when there is news"
    return {
        "Status": wording.capitalize(),
        "Impact": incident.summary or "Being assessed",
        "ETA": "Resolved" if resolved else "Unknown",
        "Next update": next_update,
    }


def _updates_so_far(session: Session, incident: Incident) -> tuple[str, str]:
    """(pinned entries and earlier messages, earlier messages only), one line each."""
    pinned = session.scalars(
        select(TimelineEntry).where(
            TimelineEntry.incident_id == incident.id,
            TimelineEntry.pinned.is_(True),
            TimelineEntry.deleted_at.is_(None),
        )
    )
    messages = session.scalars(
        select(CommsMessage).where(CommsMessage.incident_id == incident.id)
    ).all()
    public = [(m.created_at, m.id, _summary_of(m)) for m in messages]
    everything = sorted([(e.occurred_at, e.id, e.text) for e in pinned] + public)
    return _bullets(everything), _bullets(sorted(public))


def _summary_of(message: CommsMessage) -> str:
    fields = message.fields or {}
    status = fields.get("Status") or message.status.capitalize()
    impact = fields.get("Impact")
    return f"{status}: {impact}" if impact else status


def _bullets(items: list[tuple[datetime, int, str]]) -> str:
    if not items:
        return "- None yet"
    return "\n".join(f"- {_clock(at)} — {' '.join(text.split())}" for at, _id, text in items)


def _clock(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M UTC")


def _check_status(status: str) -> str:
    clean = status.strip().lower()
    if clean not in STATUSES:
        raise InvalidInputError(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    return clean


def _check_components(components: Mapping[str, str]) -> dict[str, str]:
    for name, value in components.items():
        if value not in COMPONENT_STATUSES:
            raise InvalidInputError(
                f"component {name}: unknown status {value!r}; "
                f"one of {', '.join(COMPONENT_STATUSES)}"
            )
    return dict(components)


def _check_page_action(action: str) -> str:
    if action not in PAGE_ACTIONS:
        raise InvalidInputError(f"unknown page action {action!r}; one of {', '.join(PAGE_ACTIONS)}")
    return action
