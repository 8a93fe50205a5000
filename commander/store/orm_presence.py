"""The presence table: which seat is on which incident, last seen when.

Not part of any incident's record: no timeline entry, no version, nothing the
change feed reads. Rows of a seat that closed cleanly are gone; those of a seat
that crashed age out of ``services.presence.seats_on`` and are pruned later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from commander.store.orm import Base


class SeatRow(Base):
    __tablename__ = "seats"
    __table_args__ = (Index("ix_seats_incident_seen", "incident_id", "last_seen"),)

    # Random per window or terminal session (uuid4 hex), never reused.
    seat_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # domain.presence.SeatKind
    last_seen: Mapped[datetime]
