"""Tables of the health checks: what an incident watches, and each check's state.

A state row changes only when a probe finds another state than the one stored
(the same probe writes the timeline entry); probes that find nothing new write
nothing, so the row holds what the probe that brought its state saw.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from commander.store.orm import Base


class HealthCheck(Base):
    """One target an incident watches; removed checks keep their row (the timeline names it)."""

    __tablename__ = "health_checks"
    __table_args__ = (Index("ix_health_checks_incident", "incident_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    # http(s) URL or tcp://HOST:PORT, normalised by domain.health.parse_target
    target: Mapped[str] = mapped_column(Text)
    every_seconds: Mapped[int] = mapped_column(Integer)
    slow_ms: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[str | None] = mapped_column(String(200))


class HealthCheckState(Base):
    """A check's current state (up, down, slow, unknown) since when, and what the probe
    that brought it saw (its time, latency, error)."""

    __tablename__ = "health_states"

    check_id: Mapped[int] = mapped_column(
        ForeignKey("health_checks.id", ondelete="RESTRICT"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(10))
    since: Mapped[datetime]
    probed_at: Mapped[datetime | None]
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
