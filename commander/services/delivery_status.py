"""Where each target's latest update stands, for the incident header and the CLI.

"Status page: failing for 8 min — cannot connect to …", "Slack: sent 12:03Z": the
lines come from ``views.comms.target_standings``; this reads what they need.
"""

from __future__ import annotations

from sqlalchemy import select

from commander.services.incidents import load_incident
from commander.store.engine import Store
from commander.store.orm_comms import CommsDelivery, CommsMessage
from commander.views.comms import DeliveryView, TargetStanding, target_standings


def delivery_standings(store: Store, ref: str) -> tuple[TargetStanding, ...]:
    """The header's lines for incident ``ref`` (none before its first update)."""
    with store.read() as session:
        incident_id = load_incident(session, ref).id
        rows = session.scalars(
            select(CommsDelivery)
            .join(CommsMessage, CommsMessage.id == CommsDelivery.message_id)
            .where(CommsMessage.incident_id == incident_id)
        ).all()
        return target_standings(DeliveryView.of(row) for row in rows)
