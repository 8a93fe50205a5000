"""The alert inbox: taking in notifications from monitoring, and what a group does.

``take_in`` keeps a notification once (its ``dedup_key``) in one transaction with
everything it causes. It belongs to the latest group of its sender's group key,
unless that episode is over (its incident resolved, or it was dismissed after it
resolved): a firing notification then starts a new group. A resolution always
goes to the group it ends. Then:

- a group attached to (or declared as) an incident logs what is new on that
  incident: alerts that started firing (an ``alert`` entry, ``AlertReceived``)
  and alerts that resolved (``AlertResolved``), and keeps their labels on it;
- a waiting group that fires at or above the policy's ``declare_at`` level
  declares its incident (off unless asked for);
- otherwise the group waits in the inbox for a person: ``attach_group``,
  ``declare_group`` or ``dismiss_group``.

Attaching or declaring also ticks the Detect item "Monitoring alerts reviewed"
and moves the incident's detected time back to its first alert's start (a
milestone correction, so it keeps its history and stays editable): see
services/alert_incidents.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commander.domain import Severity
from commander.domain.alerts import (
    Alert,
    AlertStatus,
    Notification,
    SeverityMapping,
    declares,
    group_title,
    severity_mapping,
)
from commander.domain.limits import TITLE_MAX
from commander.domain.refs import format_ref, parse_ref
from commander.domain.when import utc_now
from commander.errors import InvalidInputError, NotFoundError
from commander.services.alert_incidents import (
    alerts_of,
    as_alert,
    declare_for,
    log_news,
    reach,
)
from commander.settings import Settings
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_alerts import (
    ATTACHED,
    DECLARED,
    DISMISSED,
    WAITING,
    AlertGroup,
    AlertNotification,
    AlertRow,
)
from commander.views.alerts import AlertGroupView, Intake

DUPLICATE = "duplicate"
# Ids are 32-bit integers on PostgreSQL: a bigger number names no group.
_GROUP_ID_MAX = 2**31 - 1
_NAME_MAX = 300


@dataclass(frozen=True, slots=True)
class InboxPolicy:
    """How notifications are read: severity from labels, and when a group declares."""

    severities: SeverityMapping = field(default_factory=SeverityMapping)
    declare_at: Severity | None = None  # None: groups never declare by themselves


def policy_from_settings(settings: Settings, declare_at: Severity | None = None) -> InboxPolicy:
    """The settings' policy; ``declare_at`` (``listen --declare-at``) wins over theirs."""
    severities = severity_mapping(settings.alert_severity_label, settings.alert_severities)
    setting = settings.alert_declare_at
    if declare_at is None and setting:
        if not isinstance(setting, str):
            raise InvalidInputError(f'alert_declare_at: {setting!r} is not a level like "P1"')
        try:
            declare_at = Severity.parse(setting)
        except InvalidInputError as error:
            raise InvalidInputError(f"alert_declare_at: {error}") from None
    return InboxPolicy(severities, declare_at)


# -- taking a notification in ------------------------------------------------------------


def take_in(
    store: Store,
    notification: Notification,
    payload: str,
    policy: InboxPolicy,
    received_at: datetime,
    now: datetime | None = None,
) -> Intake:
    """Keep ``notification`` (its raw ``payload`` too) and do what it calls for, in one
    transaction; a repeat of one kept before changes nothing."""
    now = now or utc_now()
    author = notification.source.value
    with store.write() as session:
        _serialise_group(session, notification.group_hash)
        seen = session.scalar(
            select(AlertNotification).where(AlertNotification.dedup_key == notification.dedup_key)
        )
        if seen is not None:
            group = session.get_one(AlertGroup, seen.group_id)
            return _intake(notification, group, DUPLICATE, policy, None)
        group = _group_for(session, notification, now)
        fired, resolved = _merge_alerts(session, group, notification.alerts, now)
        alerts = alerts_of(session, group.id)
        group.status = notification.status.value
        group.last_received_at = now
        group.severity = _severity_value(policy.severities.worst([as_alert(a) for a in alerts]))
        group.title = _title(alerts, notification)
        if group.state in (ATTACHED, DECLARED) and group.incident_id is not None:
            incident = session.get_one(Incident, group.incident_id, with_for_update=True)
            log_news(session, incident, group, fired, resolved, author, now)
        elif group.state == WAITING and notification.status is AlertStatus.FIRING:
            firing = [as_alert(a) for a in alerts if a.status == AlertStatus.FIRING]
            severity = policy.severities.worst(firing)
            if declares(severity, policy.declare_at) and severity is not None:
                declare_for(session, group, alerts, severity, author, now)
        kept = AlertNotification(
            source=notification.source.value,
            dedup_key=notification.dedup_key,
            group_id=group.id,
            status=notification.status.value,
            alert_count=len(notification.alerts),
            outcome=group.state,
            payload=payload,
            received_at=received_at,
            processed_at=now,
        )
        session.add(kept)
        session.flush()
        return _intake(notification, group, group.state, policy, kept.id)


def _serialise_group(session: Session, group_hash: str) -> None:
    """On PostgreSQL, one transaction at a time takes in notifications of one group key
    (two receivers must not both start its first group). SQLite writers queue anyway."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(bytes.fromhex(group_hash[:16]), "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(key)))


def _group_for(session: Session, notification: Notification, now: datetime) -> AlertGroup:
    latest = session.scalar(
        select(AlertGroup)
        .where(AlertGroup.group_hash == notification.group_hash)
        .order_by(AlertGroup.id.desc())
        .limit(1)
        .with_for_update()
    )
    if latest is not None and _continues(session, latest, notification.status):
        return latest
    group = AlertGroup(
        source=notification.source.value,
        group_key=notification.group_key,
        group_hash=notification.group_hash,
        status=notification.status.value,
        state=WAITING,
        severity=None,
        title=group_title(notification.names)[:TITLE_MAX],
        group_labels=dict(notification.group_labels),
        incident_id=None,
        first_received_at=now,
        last_received_at=now,
    )
    session.add(group)
    session.flush()
    return group


def _continues(session: Session, group: AlertGroup, status: AlertStatus) -> bool:
    """Whether a notification of ``status`` belongs to ``group``, the key's latest."""
    if status is AlertStatus.RESOLVED or group.state == WAITING:
        return True
    if group.state == DISMISSED:
        return group.status == AlertStatus.FIRING  # it fires again after it resolved: new
    incident = session.get(Incident, group.incident_id) if group.incident_id else None
    return incident is not None and incident.resolved_at is None


def _merge_alerts(
    session: Session, group: AlertGroup, alerts: Iterable[Alert], now: datetime
) -> tuple[list[AlertRow], list[AlertRow]]:
    """Store each alert (one row per fingerprint); the rows that started firing and
    those that resolved with this notification."""
    rows = {row.fingerprint: row for row in alerts_of(session, group.id)}
    fired: list[AlertRow] = []
    resolved: list[AlertRow] = []
    for alert in alerts:
        row = rows.get(alert.fingerprint)
        before = None if row is None else (row.status, row.starts_at)
        if row is None:
            row = AlertRow(group_id=group.id, fingerprint=alert.fingerprint, first_seen_at=now)
            session.add(row)
            rows[alert.fingerprint] = row
        row.name = alert.name[:_NAME_MAX]
        row.status = alert.status.value
        row.labels = dict(alert.labels)
        row.annotations = dict(alert.annotations)
        row.starts_at = alert.starts_at
        row.ends_at = alert.ends_at
        row.generator_url = alert.generator_url
        row.last_seen_at = now
        if alert.status is AlertStatus.FIRING and before != (AlertStatus.FIRING, alert.starts_at):
            fired.append(row)
        elif alert.status is AlertStatus.RESOLVED and (before is None or before[0] != "resolved"):
            resolved.append(row)
    session.flush()
    return fired, resolved


def _severity_value(severity: Severity | None) -> str | None:
    return None if severity is None else severity.value


def _title(alerts: list[AlertRow], notification: Notification) -> str:
    names = list(dict.fromkeys(row.name for row in alerts))
    summaries = {as_alert(row).summary for row in alerts}
    summary = notification.common_annotations.get("summary", "")
    if not summary and len(summaries) == 1:
        summary = summaries.pop()
    return group_title(names, summary)[:TITLE_MAX]


def _intake(
    notification: Notification,
    group: AlertGroup,
    outcome: str,
    policy: InboxPolicy,
    notification_id: int | None,
) -> Intake:
    ref = format_ref(group.incident_id) if group.incident_id is not None else None
    return Intake(
        group.id,
        notification.source.value,
        notification.status.value,
        notification.names,
        policy.severities.worst(list(notification.alerts)),
        outcome,
        ref,
        notification_id,
    )


# -- what a person does with a group -----------------------------------------------------


def attach_group(
    store: Store, group_id: int, ref: str, author: str, now: datetime | None = None
) -> AlertGroupView:
    """Make a waiting (or dismissed) group part of the incident ``ref``."""
    now = now or utc_now()
    with store.write() as session:
        group = _group_to_act_on(session, group_id)
        incident = session.get(Incident, parse_ref(ref), with_for_update=True)
        if incident is None:
            raise NotFoundError(f"no incident {ref.strip().upper()}")
        reach(session, incident, group, alerts_of(session, group.id), ATTACHED, author, now)
        return _view(session, group)


def declare_group(
    store: Store,
    group_id: int,
    author: str,
    severity: Severity | None = None,
    now: datetime | None = None,
) -> AlertGroupView:
    """Declare a waiting (or dismissed) group as an incident of its own; the severity is
    the group's (from its labels) unless one is given."""
    now = now or utc_now()
    with store.write() as session:
        group = _group_to_act_on(session, group_id)
        level = severity or (Severity(group.severity) if group.severity else None)
        if level is None:
            raise InvalidInputError(
                f"alert group {group.id} has no severity its labels tell: give one (P0..P4)"
            )
        declare_for(session, group, alerts_of(session, group.id), level, author, now)
        return _view(session, group)


def dismiss_group(
    store: Store, group_id: int, author: str, now: datetime | None = None
) -> AlertGroupView:
    """Keep a waiting group out of the way: no incident. Its record stays."""
    now = now or utc_now()
    with store.write() as session:
        group = _group_to_act_on(session, group_id)
        if group.state == DISMISSED:
            raise InvalidInputError(f"alert group {group.id} is already dismissed")
        group.state = DISMISSED
        group.state_changed_at = now
        group.state_changed_by = author
        return _view(session, group)


def _group_to_act_on(session: Session, group_id: int) -> AlertGroup:
    group = _locked_group(session, group_id)
    if group.state in (ATTACHED, DECLARED):
        ref = format_ref(group.incident_id) if group.incident_id is not None else "?"
        verb = "attached to" if group.state == ATTACHED else "declared as"
        raise InvalidInputError(f"alert group {group.id} is already {verb} {ref}")
    return group


def _locked_group(session: Session, group_id: int) -> AlertGroup:
    group = None
    if 0 < group_id <= _GROUP_ID_MAX:
        group = session.get(AlertGroup, group_id, with_for_update=True)
    if group is None:
        raise NotFoundError(f"no alert group {group_id}")
    return group


# -- reading -----------------------------------------------------------------------------


def list_inbox(
    store: Store, states: Iterable[str] = (), incident_ref: str | None = None
) -> list[AlertGroupView]:
    """Alert groups, the most recently heard from first; only ``states`` if given, only
    the groups of the incident ``incident_ref`` if given."""
    wanted = tuple(states)
    with store.read() as session:
        query = select(AlertGroup).order_by(
            AlertGroup.last_received_at.desc(), AlertGroup.id.desc()
        )
        if wanted:
            query = query.where(AlertGroup.state.in_(wanted))
        if incident_ref is not None:
            query = query.where(AlertGroup.incident_id == parse_ref(incident_ref))
        groups = list(session.scalars(query))
        ids = [group.id for group in groups]
        alerts: dict[int, list[AlertRow]] = {group_id: [] for group_id in ids}
        counts: dict[int, int] = {}
        if ids:
            for row in session.scalars(
                select(AlertRow).where(AlertRow.group_id.in_(ids)).order_by(AlertRow.id)
            ):
                alerts[row.group_id].append(row)
            counts = {
                group_id: count
                for group_id, count in session.execute(
                    select(AlertNotification.group_id, func.count())
                    .where(AlertNotification.group_id.in_(ids))
                    .group_by(AlertNotification.group_id)
                )
            }
        return [AlertGroupView.of(g, alerts[g.id], counts.get(g.id, 0)) for g in groups]


@dataclass(frozen=True, slots=True)
class InboxMark:
    """What the inbox looks like from afar: any change to it changes this value."""

    last_notification: int  # the latest notification kept (a repeat is not kept)
    groups: int
    waiting: int
    last_state_change: datetime | None  # declared, attached or dismissed


def inbox_mark(store: Store) -> InboxMark:
    """One cheap read that tells whether the inbox changed since the last one.

    A waiting group writes no timeline entry, so the change feed cannot bring it;
    a window polls this instead and reads the inbox only when it differs.
    """
    statement = select(
        select(func.max(AlertNotification.id)).scalar_subquery(),
        select(func.count(AlertGroup.id)).scalar_subquery(),
        select(func.count(AlertGroup.id)).where(AlertGroup.state == WAITING).scalar_subquery(),
        select(func.max(AlertGroup.state_changed_at)).scalar_subquery(),
    )
    with store.read() as session:
        last, groups, waiting, changed = session.execute(statement).one()
    return InboxMark(last or 0, groups or 0, waiting or 0, changed)


def get_group(store: Store, group_id: int) -> AlertGroupView:
    with store.read() as session:
        group = session.get(AlertGroup, group_id) if 0 < group_id <= _GROUP_ID_MAX else None
        if group is None:
            raise NotFoundError(f"no alert group {group_id}")
        return _view(session, group)


def _view(session: Session, group: AlertGroup) -> AlertGroupView:
    session.flush()
    count = session.scalar(select(func.count()).where(AlertNotification.group_id == group.id))
    return AlertGroupView.of(group, alerts_of(session, group.id), int(count or 0))
