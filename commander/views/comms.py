"""Frozen snapshots of targets, messages and deliveries for the CLI and the window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from commander.domain.audiences import audience_of_target

if TYPE_CHECKING:
    from commander.store.orm_comms import CommsDelivery, CommsMessage, CommsTarget


@dataclass(frozen=True, slots=True)
class TargetView:
    id: int
    name: str
    kind: str
    base_url: str | None
    options: dict[str, str]
    audience: str = "internal"  # who reads it: internal, public or executive

    @classmethod
    def of(cls, row: CommsTarget) -> TargetView:
        audience = audience_of_target(row.kind, row.audience).value
        return cls(row.id, row.name, row.kind, row.base_url, dict(row.options or {}), audience)


@dataclass(frozen=True, slots=True)
class DeliveryView:
    id: int
    message_id: int
    target_name: str
    target_kind: str
    state: str  # pending, sending, sent, failed
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    provider_id: str | None
    acknowledged_at: datetime | None

    @property
    def final(self) -> bool:
        return self.state in ("sent", "failed")

    @classmethod
    def of(cls, row: CommsDelivery) -> DeliveryView:
        return cls(
            id=row.id,
            message_id=row.message_id,
            target_name=row.target_name,
            target_kind=row.target_kind,
            state=row.state,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            provider_id=row.provider_id,
            acknowledged_at=row.acknowledged_at,
        )


@dataclass(frozen=True, slots=True)
class MessageView:
    id: int
    incident_id: int
    template: str
    headline: str
    body: str
    status: str
    author: str
    created_at: datetime
    deliveries: tuple[DeliveryView, ...] = ()
    # The incident as the message described it, and what it asked of a status
    # page or pager (for the JSON export).
    severity: str = ""
    phase: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    components: dict[str, str] = field(default_factory=dict)
    page_action: str = ""
    audience: str = "internal"  # who the text was written for

    @classmethod
    def of(cls, row: CommsMessage, deliveries: tuple[DeliveryView, ...] = ()) -> MessageView:
        return cls(
            id=row.id,
            incident_id=row.incident_id,
            template=row.template,
            headline=row.headline,
            body=row.body,
            status=row.status,
            author=row.author,
            created_at=row.created_at,
            deliveries=deliveries,
            severity=row.severity,
            phase=row.phase,
            fields=dict(row.fields or {}),
            components=dict(row.components or {}),
            page_action=row.page_action,
            audience=row.audience or "internal",
        )
