"""Tables for communications: targets, composed messages, their deliveries (the
outbox), what each connector remembers per incident, and update cadences.

Secrets are never here: they live in the OS keyring (commander/secrets.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from commander.store.orm import Base

# Delivery states. A delivery is claimed by moving it from pending to sending
# with a lease; sent and failed are final (failed can be retried by a person).
PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
DELIVERY_STATES = (PENDING, SENDING, SENT, FAILED)


class CommsTarget(Base):
    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    base_url: Mapped[str | None] = mapped_column(String(500))
    options: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    # Who reads it: internal, public or executive (domain.audiences). Always written;
    # nullable only so SQLite could add it without rebuilding the table (migration 0010).
    audience: Mapped[str] = mapped_column(String(20), nullable=True)


class CommsMessage(Base):
    """One update as composed and sent; the incident facts are a snapshot."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_incident_created", "incident_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    incident_title: Mapped[str] = mapped_column(String(300))
    severity: Mapped[str] = mapped_column(String(2))
    phase: Mapped[str] = mapped_column(String(20))
    template: Mapped[str] = mapped_column(String(50))
    headline: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(30))
    components: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    page_action: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # Who the text was written for (its template's audience). Always written;
    # nullable only so SQLite could add it without rebuilding the table (migration 0010).
    audience: Mapped[str] = mapped_column(String(20), nullable=True)


class CommsDelivery(Base):
    """One message to one target: the outbox row the workers claim."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "state", "next_attempt_at"),
        Index("ix_deliveries_message", "message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="RESTRICT"))
    # SET NULL: removing a target keeps the record of what was sent to it.
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"))
    target_name: Mapped[str] = mapped_column(String(100))
    target_kind: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    # Who is sending it and until when; an expired lease is claimed again.
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
    # When the holder handed its request to a provider that cannot recognise a repeat
    # (Slack, Discord, ...), written just before it goes out. A lease that runs out with
    # this set may have been posted: the delivery fails saying so, never sent again on
    # its own. Cleared with the lease; never set for providers that recognise repeats.
    attempt_started_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(300))
    acknowledged_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    # When the current run of failed attempts began (the first failure since it was
    # queued, sent, or retried by a person); None while nothing has failed.
    failing_since: Mapped[datetime | None]
    # Failed after its post may have gone out (a timeout after sending, a sender that
    # died mid-post): a person checks, then marks it sent or sends it again.
    unconfirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DeliveryAttempt(Base):
    """One attempt's outcome: the timeline says when a delivery starts failing and how
    it ends; the attempts between are kept here (the Comms tab, the JSON export)."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_delivery_attempts_delivery", "delivery_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="RESTRICT"))
    attempt: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(10))  # sent, retry, failed
    error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]  # a retry's


class ConnectorState(Base):
    """What a connector remembers about one incident on one target (``Outcome.state``)."""

    __tablename__ = "connector_states"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="RESTRICT"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("targets.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]


class UpdateCadence(Base):
    """An incident's own update interval, replacing the severity default."""

    __tablename__ = "update_cadences"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="RESTRICT"), primary_key=True
    )
    minutes: Mapped[int] = mapped_column(Integer)  # 0: no scheduled updates
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))
