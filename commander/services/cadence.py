"""How often the comms lead owes an update, and when the next one is due.

The rule (severity defaults, an incident's own interval, from the last message
sent or the declaration) is ``domain.cadence``; this module reads and writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commander.domain import Severity
from commander.domain.cadence import interval_minutes, update_due_at
from commander.domain.entry_facts import CadenceSet
from commander.domain.when import utc_now
from commander.errors import InvalidInputError
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_comms import CommsMessage, UpdateCadence

MAX_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class CadenceStatus:
    minutes: int | None  # None: no scheduled updates
    is_default: bool
    last_message_at: datetime | None
    due_at: datetime | None  # None when there is no cadence or the incident is closed


def cadence_status(store: Store, ref: str) -> CadenceStatus:
    with store.read() as session:
        return status_of(session, load_incident(session, ref))


def next_update_due(store: Store, ref: str) -> datetime | None:
    return cadence_status(store, ref).due_at


def set_cadence(
    store: Store, ref: str, minutes: int | None, author: str, now: datetime | None = None
) -> CadenceStatus:
    """Set the interval in minutes (0: none), or None to go back to the severity default."""
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        raise InvalidInputError(f"an update interval is 0 to {MAX_MINUTES} minutes")
    now = now or utc_now()
    with store.write() as session:
        incident = locked_incident(session, ref)  # the checklist changes in this write too
        row = session.get(UpdateCadence, incident.id, with_for_update=True)
        if minutes is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                UpdateCadence(
                    incident_id=incident.id, minutes=minutes, updated_at=now, updated_by=author
                )
            )
        else:
            row.minutes, row.updated_at, row.updated_by = minutes, now, author
        session.flush()
        status = status_of(session, incident)
        add_entry(
            session,
            incident,
            fact=CadenceSet(minutes),
            text=f"Update cadence set to {describe(status.minutes, status.is_default)}",
            author=author,
            occurred_at=now,
            recorded_at=now,
        )
        # The status-update item says the cadence in force. Imported here: the
        # checklist reads the cadence from this module.
        from commander.services.checklist_sync import sync
        from commander.services.checklist_templates import load_template

        because = f"update cadence {describe(status.minutes, status.is_default)}"
        sync(session, incident, load_template().template, now, because)
        return status


def describe(minutes: int | None, is_default: bool = False) -> str:
    text = f"every {minutes} min" if minutes else "no scheduled updates"
    return text + (" (severity default)" if is_default else "")


def status_of(session: Session, incident: Incident) -> CadenceStatus:
    row = session.get(UpdateCadence, incident.id)
    minutes, is_default = interval_minutes(
        row.minutes if row is not None else None, Severity(incident.severity)
    )
    last_at = session.scalar(
        select(func.max(CommsMessage.created_at)).where(CommsMessage.incident_id == incident.id)
    )
    due = update_due_at(minutes, last_at, incident.declared_at, incident.resolved_at)
    return CadenceStatus(minutes, is_default, last_at, due)
