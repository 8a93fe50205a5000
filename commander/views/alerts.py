"""Frozen views of the alert inbox, for the CLI and the window."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from commander.domain import Severity
from commander.domain.refs import format_ref

if TYPE_CHECKING:
    from commander.store.orm_alerts import AlertGroup, AlertRow


@dataclass(frozen=True, slots=True)
class AlertView:
    name: str
    fingerprint: str
    status: str  # "firing" or "resolved"
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    ends_at: datetime | None
    generator_url: str

    @classmethod
    def of(cls, row: AlertRow) -> AlertView:
        return cls(
            row.name,
            row.fingerprint,
            row.status,
            dict(row.labels or {}),
            dict(row.annotations or {}),
            row.starts_at,
            row.ends_at,
            row.generator_url,
        )


@dataclass(frozen=True, slots=True)
class AlertGroupView:
    id: int
    source: str  # "alertmanager" or "grafana"
    group_key: str
    status: str  # of its latest notification: "firing" or "resolved"
    state: str  # "waiting", "attached", "declared" or "dismissed"
    severity: Severity | None
    title: str
    group_labels: Mapping[str, str]
    incident_ref: str | None
    first_received_at: datetime
    last_received_at: datetime
    state_changed_at: datetime | None
    state_changed_by: str | None
    notifications: int
    alerts: tuple[AlertView, ...]

    @classmethod
    def of(cls, row: AlertGroup, alerts: list[AlertRow], notifications: int) -> AlertGroupView:
        return cls(
            row.id,
            row.source,
            row.group_key,
            row.status,
            row.state,
            Severity(row.severity) if row.severity else None,
            row.title,
            dict(row.group_labels or {}),
            format_ref(row.incident_id) if row.incident_id is not None else None,
            row.first_received_at,
            row.last_received_at,
            row.state_changed_at,
            row.state_changed_by,
            notifications,
            tuple(AlertView.of(alert) for alert in alerts),
        )


@dataclass(frozen=True, slots=True)
class Intake:
    """What taking in one notification did."""

    group_id: int
    source: str
    status: str
    names: tuple[str, ...]
    severity: Severity | None
    # "duplicate" (stored before: nothing changed), "waiting", "attached", "declared"
    # or "dismissed": the group's state once the notification was in.
    outcome: str
    incident_ref: str | None = None
    notification_id: int | None = None  # None for a duplicate
