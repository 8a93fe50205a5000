"""Taking an incident for a change that must not interleave with another seat's."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commander.domain.refs import parse_ref
from commander.errors import NotFoundError
from commander.store.orm import Incident


def locked_incident(session: Session, ref: str) -> Incident:
    """The incident row, locked until commit on PostgreSQL (FOR UPDATE).

    Two seats handing over the same role, or filling the same checklist from
    the template, then run one after the other. SQLite already serialises
    writers (BEGIN IMMEDIATE), where FOR UPDATE is ignored.
    """
    incident = session.get(Incident, parse_ref(ref), with_for_update=True)
    if incident is None:
        raise NotFoundError(f"no incident {ref.strip().upper()}")
    return incident
