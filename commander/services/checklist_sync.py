"""Keeping an incident's checklist in step with its template, severity and cadence.

Items are filled in lazily, the first time the checklist is read or changed,
and again in the transaction of every severity or cadence change. Filling
records no decision, so it writes no entry. The extras of every level the
incident reached are kept (read from its severity log), so what a checklist
holds does not depend on whether a seat looked at it in between.

Items sharing a slot are one duty at different strengths (domain.checklists):
when the severity or the cadence asks for another of them, the one held is
superseded, not deleted: it keeps its check and who made it, points at the
item that replaced it, and a timeline entry by the app says so. The strictest
level reached picks the item (lowering the severity keeps the Scribe and the
48-hour review); the status-update item follows the cadence in force, as the
update countdown does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain import Phase, Severity
from commander.domain.auto_checks import APP
from commander.domain.checklists import ChecklistTemplate, TemplateItem
from commander.domain.entry_facts import ChecklistAction, ChecklistChanged
from commander.domain.timing import levels_reached
from commander.services.cadence import status_of
from commander.services.severity_history import spans_of
from commander.services.timeline import add_entry
from commander.store.orm import Incident
from commander.store.orm_response import ChecklistItem


def rows_of(session: Session, incident_id: int) -> list[ChecklistItem]:
    """Every item of the incident, superseded ones too, by phase and position."""
    order = {phase.value: phase.order for phase in Phase}
    rows = session.scalars(
        select(ChecklistItem)
        .where(ChecklistItem.incident_id == incident_id)
        .order_by(ChecklistItem.position, ChecklistItem.id)
    )
    return sorted(rows, key=lambda row: order.get(row.phase, len(order)))


def wanted_items(
    session: Session, incident: Incident, template: ChecklistTemplate
) -> list[TemplateItem]:
    reached = levels_reached(spans_of(session, incident), Severity(incident.severity))
    return template.wanted_items(reached, status_of(session, incident).minutes)


def needs_sync(session: Session, incident: Incident, template: ChecklistTemplate) -> bool:
    """Whether ``sync`` would change anything (asked in a read, before taking the lock)."""
    wanted = {item.key: item for item in wanted_items(session, incident, template)}
    rows = rows_of(session, incident.id)
    held = {row.template_key for row in rows if row.template_key is not None}
    if any(key not in held for key in wanted):
        return True
    return any(_replaced(row, wanted) or _adopted(row, wanted) for row in rows)


def sync(
    session: Session,
    incident: Incident,
    template: ChecklistTemplate,
    now: datetime,
    because: str = "",
) -> None:
    """Add the wanted items the incident lacks and supersede the slotted ones no longer
    wanted, inside the caller's transaction; the incident row must be locked.
    ``because`` ("severity P1 → P0") goes into each superseding entry."""
    wanted = {item.key: item for item in wanted_items(session, incident, template)}
    rows = rows_of(session, incident.id)
    by_key = {row.template_key: row for row in rows if row.template_key is not None}
    for key, item in wanted.items():
        if key not in by_key:
            by_key[key] = ChecklistItem(
                incident_id=incident.id,
                phase=item.phase.value,
                position=item.position,
                text=item.text,
                origin="template",
                template_key=key,
                slot=item.slot,
                added_at=incident.declared_at if not rows else now,
                added_by="template",
            )
            session.add(by_key[key])
    session.flush()
    holder = {item.slot: by_key[key] for key, item in wanted.items() if item.slot is not None}
    for row in rows:
        if _adopted(row, wanted):
            row.slot = wanted[row.template_key or ""].slot
        elif _replaced(row, wanted):
            _supersede(session, incident, row, holder.get(row.slot or ""), because, now)


def _adopted(row: ChecklistItem, wanted: dict[str, TemplateItem]) -> bool:
    """A held item the template now gives a slot (a user file that added one)."""
    item = wanted.get(row.template_key or "")
    return item is not None and item.slot is not None and row.slot != item.slot


def _replaced(row: ChecklistItem, wanted: dict[str, TemplateItem]) -> bool:
    return (
        row.slot is not None
        and row.superseded_at is None
        and (row.template_key is None or row.template_key not in wanted)
    )


def _supersede(
    session: Session,
    incident: Incident,
    row: ChecklistItem,
    replacement: ChecklistItem | None,
    because: str,
    now: datetime,
) -> None:
    row.superseded_at = now
    row.superseded_by = replacement.id if replacement is not None else None
    # Its key is free again: should the duty come back (the cadence set back to what
    # it was), it comes back as a new item to do, not as this one's old check.
    row.template_key = None
    done = f" (checked by {row.checked_by})" if row.checked_at is not None else ""
    if replacement is not None:
        text = f"Replaced “{row.text}”{done} with “{replacement.text}”"
    else:
        text = f"Set aside “{row.text}”{done}"
    log_item(
        session,
        incident,
        row,
        ChecklistAction.SUPERSEDE,
        text,
        APP,
        now,
        after=f": {because or 'no longer asked for'}",
        reason=because,
        replaced_by=row.superseded_by,
        by_app=True,
    )


def log_item(
    session: Session,
    incident: Incident,
    row: ChecklistItem,
    action: ChecklistAction,
    text: str,
    author: str,
    now: datetime,
    *,
    reason: str = "",
    replaced_by: int | None = None,
    by_app: bool = False,
    after: str = "",
    recorded_at: datetime | None = None,
) -> None:
    """The timeline entry of a change to one item: ``text``, the item's phase, ``after``;
    at ``now``, recorded at ``recorded_at`` (default: then too)."""
    phase = Phase(row.phase)
    add_entry(
        session,
        incident,
        fact=ChecklistChanged(row.id, action, phase, row.text, reason, replaced_by, by_app),
        text=f"{text} ({phase.label}){after}",
        author=author,
        occurred_at=now,
        recorded_at=recorded_at or now,
    )
