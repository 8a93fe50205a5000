"""The app ticks the checklist item an event does, in the event's own transaction.

The rules are one table (domain.auto_checks.RULES). A tick is the app's:
``checked_by`` is ``APP``, ``auto_reason`` says what happened, ``auto_event``
which event it was ("message:12", "entry:40"), and its entry says so. An item
already checked, set aside as not applicable or replaced is left alone. A
person may untick the app's tick like any other; the event that made it does
not tick the item again (the same update reaching a second target, the same IC
still held when a Scribe joins), a later one does (the next update delivered).

Locking: the incident row is locked (FOR UPDATE on PostgreSQL) before the item
is ticked, so two seats recording at once tick it once. A caller that writes
its own entry should call here before it (or hold the incident lock from the
start): after a transaction's first entry it holds the version lock
(timeline.next_version), and taking a row lock then could deadlock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain import Phase
from commander.domain.audiences import Audience
from commander.domain.auto_checks import APP, ROLE_RULES, RULES, Happening
from commander.domain.entry_facts import ChecklistAction
from commander.domain.roles import Role
from commander.services.checklist import ChecklistItemView
from commander.services.checklist_sync import log_item, sync
from commander.services.checklist_templates import load_template
from commander.store.orm import Incident
from commander.store.orm_comms import CommsDelivery, CommsMessage
from commander.store.orm_response import ChecklistItem, RoleAssignment

# Until targets carry an audience, these kinds reach the public.
_PAGING_KINDS = frozenset({"pagerduty"})


def tick(
    session: Session, incident: Incident, happening: Happening, event: str, now: datetime
) -> ChecklistItemView | None:
    """Tick the item ``happening`` does, if it is still to do and a person did not take
    back this ``event``'s tick; the ticked item, or None."""
    rule = RULES[happening]
    if not rule.applies_in(Phase(incident.phase)):
        return None
    row = _item(session, incident.id, rule.phase, rule.item)
    if row is not None and not _to_tick(row, event):
        return None  # the usual case once ticked: no lock taken
    _lock(session, incident)
    # After the lock: another seat may have ticked it, or the checklist is not filled yet.
    sync(session, incident, load_template().template, now)
    row = _item(session, incident.id, rule.phase, rule.item)
    if row is None or not _to_tick(row, event):
        return None
    row.checked_at, row.checked_by = now, APP
    row.auto_reason, row.auto_event = rule.reason, event
    log_item(
        session,
        incident,
        row,
        ChecklistAction.CHECK,
        f"Checked “{row.text}”",
        APP,
        now,
        reason=rule.reason,
        by_app=True,
        after=f", auto: {rule.reason}",
    )
    return ChecklistItemView.of(row)


def tick_for_roles(session: Session, incident: Incident, now: datetime) -> None:
    """Tick what the roles held now have done (an IC; an IC and a Scribe)."""
    held = session.execute(
        select(RoleAssignment.role, RoleAssignment.id)
        .where(RoleAssignment.incident_id == incident.id, RoleAssignment.ended_at.is_(None))
        .order_by(RoleAssignment.assigned_at, RoleAssignment.id)
    ).all()
    # The event is who holds the roles: a handover to a new IC is a new one.
    spells = {Role(role): f"{role}:{spell_id}" for role, spell_id in held}
    for happening, needed in ROLE_RULES:
        if all(role in spells for role in needed):
            event = "+".join(spells[role] for role in needed)
            tick(session, incident, happening, event, now)


def tick_for_delivery(
    session: Session, delivery: CommsDelivery, message: CommsMessage, now: datetime
) -> None:
    """An update reached its target: status communicated; the status page updated if
    the target is public; the on-call paged if it is PagerDuty."""
    incident = session.get_one(Incident, message.incident_id)
    happenings = [Happening.UPDATE_DELIVERED]
    if reaches_public(message):
        happenings.append(Happening.PUBLIC_UPDATE_DELIVERED)
    if delivery.target_kind in _PAGING_KINDS:
        happenings.append(Happening.PAGE_SENT)
    for happening in happenings:
        tick(session, incident, happening, f"message:{message.id}", now)


def reaches_public(message: CommsMessage) -> bool:
    """Whether this update was written for customers: the message's audience (a public
    text goes only to public targets, domain/audiences.py)."""
    return message.audience == Audience.PUBLIC.value


def _to_tick(row: ChecklistItem, event: str) -> bool:
    return (
        row.checked_at is None
        and row.not_applicable_at is None
        and row.superseded_at is None
        and row.auto_undone_event != event
    )


def _item(session: Session, incident_id: int, phase: Phase, text: str) -> ChecklistItem | None:
    """The live item of ``phase`` with this text (any case), as stored now: read again
    after the lock, it shows a tick another seat committed meanwhile."""
    rows = session.scalars(
        select(ChecklistItem)
        .where(
            ChecklistItem.incident_id == incident_id,
            ChecklistItem.phase == phase.value,
            ChecklistItem.superseded_at.is_(None),
        )
        .order_by(ChecklistItem.position, ChecklistItem.id)
        .execution_options(populate_existing=True)
    )
    wanted = text.strip().lower()
    return next((row for row in rows if row.text.strip().lower() == wanted), None)


def _lock(session: Session, incident: Incident) -> None:
    """Lock the incident row without reloading it (the caller may have changed it)."""
    session.execute(select(Incident.id).where(Incident.id == incident.id).with_for_update())
