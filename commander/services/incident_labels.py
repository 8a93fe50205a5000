"""Reading the labels an incident kept from its alerts (services/alert_incidents.py
keeps them; table ``incident_labels``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain.labels import Label
from commander.store.orm_alerts import IncidentLabel


def labels_of(session: Session, incident_id: int) -> tuple[Label, ...]:
    """The incident's labels, by name and value."""
    rows = session.execute(
        select(IncidentLabel.name, IncidentLabel.value)
        .where(IncidentLabel.incident_id == incident_id)
        .order_by(IncidentLabel.name, IncidentLabel.value)
    )
    return tuple((name, value) for name, value in rows)


def label_values(session: Session, name: str) -> dict[int, list[str]]:
    """Each incident's values of the label ``name``, for every incident that has it (one
    index read: ``ix_incident_labels_name_value``)."""
    query = select(IncidentLabel.incident_id, IncidentLabel.value).where(IncidentLabel.name == name)
    found: dict[int, list[str]] = {}
    for incident_id, value in session.execute(query.order_by(IncidentLabel.value)):
        found.setdefault(incident_id, []).append(value)
    return found
