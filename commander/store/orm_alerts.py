"""Tables of the alert inbox (migration 0007).

A notification from monitoring is kept once (``dedup_key``) with the raw body it
came in; it belongs to an alert group, the sender's group (``group_key``) for one
episode: from its first notification until it resolved and its incident, if it
has one, was resolved too. The group holds its alerts (one row per fingerprint)
and its state in the inbox. Labels of alerts that reached an incident are kept on
the incident, for reports and similar incidents.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commander.store.orm import Base

# A group's state in the inbox.
WAITING = "waiting"  # for a person (or a rule) to declare, attach or dismiss it
ATTACHED = "attached"  # to an incident that already existed
DECLARED = "declared"  # as an incident of its own
DISMISSED = "dismissed"  # kept, but no incident
GROUP_STATES = (WAITING, ATTACHED, DECLARED, DISMISSED)


class AlertGroup(Base):
    __tablename__ = "alert_groups"
    __table_args__ = (
        # The latest group of a sender's group key is looked up for every notification.
        Index("ix_alert_groups_hash", "group_hash", "id"),
        Index("ix_alert_groups_incident", "incident_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # "alertmanager" or "grafana"
    group_key: Mapped[str] = mapped_column(Text)
    group_hash: Mapped[str] = mapped_column(String(64))  # sha256 of source and group key
    status: Mapped[str] = mapped_column(String(10))  # of its latest notification
    state: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str | None] = mapped_column(String(2))  # from its alerts' labels
    title: Mapped[str] = mapped_column(String(300))
    group_labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    first_received_at: Mapped[datetime]
    last_received_at: Mapped[datetime]
    state_changed_at: Mapped[datetime | None]
    state_changed_by: Mapped[str | None] = mapped_column(String(200))


class AlertRow(Base):
    """One alert of a group, as its latest notification described it."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("group_id", "fingerprint", name="uq_alerts_group_fingerprint"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alert_groups.id", ondelete="RESTRICT"))
    fingerprint: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10))
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    annotations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    generator_url: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class AlertNotification(Base):
    """One notification as received (its raw body), stored once however often it came."""

    __tablename__ = "alert_notifications"
    __table_args__ = (
        UniqueConstraint("dedup_key", name="uq_alert_notifications_dedup"),
        Index("ix_alert_notifications_group", "group_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    dedup_key: Mapped[str] = mapped_column(String(64))
    group_id: Mapped[int] = mapped_column(ForeignKey("alert_groups.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(10))
    alert_count: Mapped[int] = mapped_column(Integer)
    # What taking it in did: "waiting", "attached", "declared", "dismissed".
    outcome: Mapped[str] = mapped_column(String(20))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime]


class IncidentLabel(Base):
    """A label an incident's alerts carried (``service=checkout``), once per incident."""

    __tablename__ = "incident_labels"
    __table_args__ = (Index("ix_incident_labels_name_value", "name", "value"),)

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="RESTRICT"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(String(500), primary_key=True)
    added_at: Mapped[datetime]
