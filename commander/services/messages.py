"""Composing an update from a template, sending it to targets, reading it back.

Sending does not touch the network: it writes the message, one pending
delivery per target (services/deliveries.py) and a timeline entry in one
transaction; the outbox (services/outbox.py) delivers it.

Audiences (domain/audiences.py): a text is written for responders, customers or
executives, as its template says, and one send carries one text per audience
among its targets: one message row each, with that audience's deliveries, all
in the one transaction. Every target gets the text its audience may read, and a
send that would give a target a text it may not read (an internal update to a
status page) is refused whole. A public text is made only of what a person
wrote for customers: the public title and the fields, never the ref, severity,
summary or an internal entry; its "updates so far" are earlier public updates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commander.connectors.base import COMPONENT_STATUSES, STATUSES, Message
from commander.domain import EntryKind, Phase, Severity
from commander.domain.audiences import (
    Audience,
    AudienceMismatchError,
    audience_of_target,
    mismatch,
    text_for,
)
from commander.domain.entry_facts import MessageSent
from commander.domain.when import format_duration, utc_now
from commander.errors import InvalidInputError, NotFoundError
from commander.services.cadence import status_of as cadence_of
from commander.services.deliveries import attempts_of, queue
from commander.services.incidents import load_incident
from commander.services.templates import DEFAULT_BY_AUDIENCE, DEFAULT_TEMPLATE, load_template
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
# A public text also has its own title: what customers see as the incident's name.
PUBLIC_FIELDS = ("Title", *FIELDS)
_FIELD_PLACEHOLDERS = {"Status": "status", "Impact": "impact", "ETA": "eta"}
_FIELD_PLACEHOLDERS["Next update"] = "next_update"
_FIELD_PLACEHOLDERS["Title"] = "title"
# Customer words until a person writes their own (then the last public update's).
DEFAULT_PUBLIC_TITLE = "Service disruption"
DEFAULT_PUBLIC_IMPACT = "Some customers may be affected. We are looking into it."


def fields_for(audience: Audience) -> tuple[str, ...]:
    return PUBLIC_FIELDS if audience is Audience.PUBLIC else FIELDS


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
    """The update a template makes of the incident as it stands now, for the template's
    audience.

    ``overrides`` replaces fields by name (Status, Impact, ETA, Next update, and for a
    public text its Title); ``status`` replaces the status page wording the phase
    would give.
    """
    now = now or utc_now()
    chosen = load_template(template)
    audience = chosen.audience
    public = audience is Audience.PUBLIC
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(fields_for(audience))
    if unknown:
        raise InvalidInputError(
            f"unknown field(s) {', '.join(sorted(unknown))}; fields are "
            f"{', '.join(fields_for(audience))}"
        )
    with store.read() as session:
        incident = load_incident(session, ref)
        phase = Phase(incident.phase)
        wording = _check_status(status or chosen.header.get("status") or STATUS_BY_PHASE[phase])
        fields = _default_fields(session, incident, wording, now)
        if public:
            fields = _public_fields(session, incident, fields)
        fields.update({k: v.strip() for k, v in overrides.items()})
        updates, public_updates = _updates_so_far(session, incident)
        severity = Severity(incident.severity)
        duration = format_duration(now - (incident.impact_started_at or incident.declared_at))
        if public:
            if not fields["Title"]:
                raise InvalidInputError(
                    "a public update needs a title: customers see it as the incident's name"
                )
            # Only what a person wrote for customers, the wording and times.
            values = {"public_updates": public_updates, "duration": duration, "now": _clock(now)}
        else:
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
                "duration": duration,
                "now": _clock(now),
            }
        values.update({_FIELD_PLACEHOLDERS[name]: value for name, value in fields.items()})
        headline, body = chosen.render(values)
        page_action = chosen.header.get("page_action") or (
            "resolve" if wording == "resolved" else "trigger"
        )
        return Message(
            incident_ref=incident.ref,
            # A status page names its incident after this: for customers, their title.
            incident_title=fields["Title"] if public else incident.title,
            severity=severity.value,
            phase=phase.value,
            template=chosen.name,
            headline=headline,
            body=body,
            fields=fields,
            status=wording,
            components=_check_components(components or {}),
            page_action=_check_page_action(page_action),
            audience=audience.value,
        )


def compose_for_targets(
    store: Store,
    ref: str,
    targets: Sequence[str] | None = None,
    overrides: Mapping[str, str] | None = None,
    *,
    status: str | None = None,
    components: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> list[Message]:
    """One text per audience among ``targets`` (every target when None), each from its
    audience's default template (internal: update, public: customer, executive:
    executive). ``overrides`` fill the fields each text has (Title only a public one)."""
    with store.read() as session:
        chosen = _targets_named(session, targets)
        present = {audience_of_target(t.kind, t.audience) for t in chosen}
    given = dict(overrides or {})
    return [
        compose(
            store,
            ref,
            DEFAULT_BY_AUDIENCE[audience],
            {name: value for name, value in given.items() if name in fields_for(audience)},
            status=status,
            components=components,
            now=now,
        )
        for audience in Audience
        if audience in present
    ]


def send_message(
    store: Store,
    message: Message,
    author: str,
    targets: Sequence[str] | None = None,
    now: datetime | None = None,
) -> MessageView:
    """Queue ``message`` for ``targets`` (every configured target when None). Refused
    whole if one of them may not read the message's audience (AudienceMismatchError)."""
    [view] = send_update(store, [message], author, targets, now)
    return view


def send_update(
    store: Store,
    texts: Sequence[Message],
    author: str,
    targets: Sequence[str] | None = None,
    now: datetime | None = None,
) -> list[MessageView]:
    """Queue one update, written once per audience, for ``targets`` (every configured
    target when None): each target gets the text its audience may read, best its own
    (``domain.audiences.text_for``). One message row per text that has targets, in one
    transaction. If any target may read none of the texts, nothing is written."""
    by_audience = _by_audience([_checked(text) for text in texts])
    refs = {text.incident_ref for text in by_audience.values()}
    if len(refs) != 1:
        raise InvalidInputError("one update is about one incident")
    now = now or utc_now()
    with store.write() as session:
        incident = load_incident(session, refs.pop())
        # Shared locks (PostgreSQL): a target's audience cannot change under this send.
        chosen = _targets_named(session, targets, lock=True)
        routes: dict[Audience, list[CommsTarget]] = {}
        refused: list[tuple[str, str, Audience]] = []
        for target in chosen:
            audience = audience_of_target(target.kind, target.audience)
            text = text_for(audience, by_audience)
            if text is None:
                refused.append((target.name, target.kind, audience))
            else:
                routes.setdefault(text, []).append(target)
        if refused:
            written = [(m.template, Audience(m.audience)) for m in by_audience.values()]
            raise AudienceMismatchError(mismatch(written, refused))
        return [
            _queue_text(session, incident, by_audience[audience], routes[audience], author, now)
            for audience in Audience
            if audience in routes
        ]


def _checked(message: Message) -> Message:
    if not message.headline.strip() or not message.body.strip():
        raise InvalidInputError("a message needs a headline and a body")
    audience = Audience.parse(message.audience)
    # A message carries the audience its template was written for, never another.
    try:
        template = load_template(message.template)
    except InvalidInputError:
        template = None  # a template removed since: the message's own word stands
    if template is not None and template.audience is not audience:
        raise InvalidInputError(
            f"the message is marked {audience.value} but its template {message.template} "
            f"is written for {template.audience.readers} ({template.audience.value})"
        )
    return replace(
        message,
        audience=audience.value,
        status=_check_status(message.status),
        components=_check_components(message.components),
        page_action=_check_page_action(message.page_action),
    )


def _by_audience(texts: Sequence[Message]) -> dict[Audience, Message]:
    if not texts:
        raise InvalidInputError("nothing to send: no text")
    by_audience: dict[Audience, Message] = {}
    for text in texts:
        audience = Audience(text.audience)
        if audience in by_audience:
            raise InvalidInputError(f"one update has one {audience.value} text, not two")
        by_audience[audience] = text
    return by_audience


def _queue_text(
    session: Session,
    incident: Incident,
    message: Message,
    targets: list[CommsTarget],
    author: str,
    now: datetime,
) -> MessageView:
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
        audience=message.audience,
    )
    session.add(row)
    session.flush()
    deliveries = queue(session, row, targets, now)
    names = ", ".join(t.name for t in targets)
    add_entry(
        session,
        incident,
        fact=MessageSent(row.id, tuple(t.name for t in targets)),
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
        audience=row.audience or Audience.INTERNAL.value,
    )


def _view(session: Session, row: CommsMessage) -> MessageView:
    deliveries = session.scalars(
        select(CommsDelivery)
        .where(CommsDelivery.message_id == row.id)
        .order_by(CommsDelivery.target_name, CommsDelivery.id)
    )
    return MessageView.of(row, tuple(DeliveryView.of(d) for d in deliveries))


def _targets_named(
    session: Session, names: Sequence[str] | None, *, lock: bool = False
) -> list[CommsTarget]:
    query = select(CommsTarget).order_by(CommsTarget.name)
    if lock:
        query = query.with_for_update(read=True)
    every = {t.name: t for t in session.scalars(query)}
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


# Entries responders want in an internal "updates so far" even when nobody pinned them.
KEY_EVENT_KINDS = (EntryKind.SEVERITY, EntryKind.ROLLBACK, EntryKind.HOTFIX)


def _public_fields(session: Session, incident: Incident, fields: dict[str, str]) -> dict[str, str]:
    """A public text's fields: the status, ETA and next update as for anyone (wording
    and times), the title and impact in customer words: the last public update's,
    else a neutral sentence, never the incident's internal title or summary."""
    last = _last_public(session, incident)
    earlier = dict(last.fields or {}) if last is not None else {}
    return {
        "Title": earlier.get("Title") or DEFAULT_PUBLIC_TITLE,
        **fields,
        "Impact": earlier.get("Impact") or DEFAULT_PUBLIC_IMPACT,
    }


def _last_public(session: Session, incident: Incident) -> CommsMessage | None:
    return session.scalars(
        select(CommsMessage)
        .where(
            CommsMessage.incident_id == incident.id,
            CommsMessage.audience == Audience.PUBLIC.value,
        )
        .order_by(CommsMessage.created_at.desc(), CommsMessage.id.desc())
        .limit(1)
    ).first()


def _updates_so_far(session: Session, incident: Incident) -> tuple[str, str]:
    """(pinned entries, severity changes, rollbacks and hotfixes, and earlier messages;
    earlier public messages only), one line each.

    The second is all a public text may list: what customers were already told.
    """
    pinned = session.scalars(
        select(TimelineEntry).where(
            TimelineEntry.incident_id == incident.id,
            or_(
                TimelineEntry.pinned.is_(True),
                TimelineEntry.kind.in_([kind.value for kind in KEY_EVENT_KINDS]),
            ),
            TimelineEntry.deleted_at.is_(None),
        )
    )
    messages = session.scalars(
        select(CommsMessage).where(CommsMessage.incident_id == incident.id)
    ).all()
    public = [(m.created_at, m.id, _summary_of(m)) for m in messages if _is_public(m)]
    # Responders see what customers were told too, marked as such.
    earlier = [
        (
            m.created_at,
            m.id,
            f"Customers told: {_summary_of(m)}" if _is_public(m) else _summary_of(m),
        )
        for m in messages
    ]
    everything = sorted([(e.occurred_at, e.id, e.text) for e in pinned] + earlier)
    return _bullets(everything), _bullets(sorted(public))


def _is_public(message: CommsMessage) -> bool:
    return message.audience == Audience.PUBLIC.value


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
