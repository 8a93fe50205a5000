"""Frozen snapshots of targets, messages and deliveries for the CLI and the window,
and the header's line per target: what the latest update's delivery is doing."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from commander.domain.audiences import audience_of_target
from commander.domain.when import local_zone

if TYPE_CHECKING:
    from commander.store.orm_comms import (
        CommsDelivery,
        CommsMessage,
        CommsTarget,
        DeliveryAttempt,
    )


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
class AttemptView:
    """One attempt's outcome (the attempts between a delivery's first failure and its
    end write no timeline entry; they are kept here)."""

    attempt: int
    finished_at: datetime
    outcome: str  # sent, retry, failed
    error: str | None
    next_attempt_at: datetime | None

    @classmethod
    def of(cls, row: DeliveryAttempt) -> AttemptView:
        return cls(row.attempt, row.finished_at, row.outcome, row.error, row.next_attempt_at)


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
    # When its current run of failed attempts began (None: nothing failing).
    failing_since: datetime | None = None
    # Failed after its post may have gone out: check, then mark sent or send again.
    unconfirmed: bool = False
    # Its attempts, oldest first, where the reader asked for them (list_messages).
    history: tuple[AttemptView, ...] = ()

    @property
    def final(self) -> bool:
        return self.state in ("sent", "failed")

    @property
    def can_retry(self) -> bool:
        """A person may send it again (``deliveries.retry_delivery``)."""
        return self.state == "failed"

    @property
    def can_mark_sent(self) -> bool:
        """A person may say it was posted (``deliveries.mark_sent_by_person``)."""
        return self.state == "failed"

    @classmethod
    def of(cls, row: CommsDelivery, history: Sequence[AttemptView] = ()) -> DeliveryView:
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
            failing_since=row.failing_since,
            unconfirmed=bool(row.unconfirmed),
            history=tuple(history),
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


# -- the header's line per target ----------------------------------------------------


class Standing(StrEnum):
    """Where the latest update to a target stands, worst last."""

    SENT = "sent"
    SENDING = "sending"  # queued or on its way, nothing failed yet
    FAILING = "failing"  # failed attempts, still retrying
    UNCONFIRMED = "unconfirmed"  # failed; may have been posted
    FAILED = "failed"  # failed for good (refused, given up, target removed)


_WORST_LAST = tuple(Standing)
ALARMING = frozenset({Standing.FAILING, Standing.UNCONFIRMED, Standing.FAILED})


@dataclass(frozen=True, slots=True)
class TargetStanding:
    """One line of the header: a group of targets (one target today) and where the
    latest update to it stands."""

    group: str
    target: str  # the target this line's state is about (the worst of the group)
    standing: Standing
    since: datetime | None  # sent at, or failing since
    error: str | None
    next_attempt_at: datetime | None
    delivery_id: int

    @property
    def alarming(self) -> bool:
        """Customers (or responders) did not get the latest update: shown red."""
        return self.standing in ALARMING

    def text(self, now: datetime, local: bool = False) -> str:
        """``Status page: failing for 8 min — cannot connect to …``, ``Slack: sent 12:03Z``."""
        name = self.group if self.group == self.target else f"{self.group} ({self.target})"
        if self.standing is Standing.SENT:
            return f"{name}: sent {_hhmm(self.since, local)}".rstrip()
        if self.standing is Standing.SENDING:
            return f"{name}: sending…"
        if self.standing is Standing.UNCONFIRMED:
            return f"{name}: may have been posted — check it, then mark sent or send again"
        cause = f" — {self.error}" if self.error else ""
        if self.standing is Standing.FAILING:
            spent = span((now - self.since).total_seconds()) if self.since else ""
            return f"{name}: failing for {spent}{cause}" if spent else f"{name}: failing{cause}"
        return f"{name}: not delivered{cause}"


def header_group(delivery: DeliveryView) -> str:
    """Which header line a delivery belongs to: its target. (When targets have an
    audience, the audience goes here, and a line shows the worst of its targets.)"""
    return delivery.target_name


def target_standings(deliveries: Iterable[DeliveryView]) -> tuple[TargetStanding, ...]:
    """The header's lines for an incident's deliveries: per group, the worst standing
    of its targets' latest updates; the red lines first, then in the order the groups
    were first sent to."""
    by_target: dict[str, list[DeliveryView]] = {}
    for delivery in sorted(deliveries, key=lambda d: (d.message_id, d.id)):
        by_target.setdefault(delivery.target_name, []).append(delivery)
    groups: dict[str, list[TargetStanding]] = {}
    for sent_to in by_target.values():
        standing = _standing_of(sent_to)
        groups.setdefault(standing.group, []).append(standing)
    lines = [
        max(members, key=lambda s: _WORST_LAST.index(s.standing)) for members in groups.values()
    ]
    return tuple(sorted(lines, key=lambda line: not line.alarming))


def _standing_of(sent_to: list[DeliveryView]) -> TargetStanding:
    """One target's deliveries, oldest update first: where its latest update stands.
    A fresh update waiting behind an earlier one that keeps failing (one incident's
    updates reach a target in order) is as stuck as that one."""
    latest = sent_to[-1]
    shown = latest
    if latest.state in ("pending", "sending") and latest.failing_since is None:
        stuck = [d for d in sent_to if d.state in ("pending", "sending") and d.failing_since]
        shown = stuck[0] if stuck else latest
    group = header_group(latest)
    if shown.state == "sent":
        return _line(group, shown, Standing.SENT, shown.acknowledged_at)
    if shown.state == "failed":
        standing = Standing.UNCONFIRMED if shown.unconfirmed else Standing.FAILED
        return _line(group, shown, standing, shown.failing_since)
    if shown.failing_since is not None:
        return _line(group, shown, Standing.FAILING, shown.failing_since)
    return _line(group, shown, Standing.SENDING, None)


def _line(
    group: str, delivery: DeliveryView, standing: Standing, since: datetime | None
) -> TargetStanding:
    error = None if standing is Standing.SENT else delivery.last_error
    return TargetStanding(
        group,
        delivery.target_name,
        standing,
        since,
        error,
        delivery.next_attempt_at if standing is Standing.FAILING else None,
        delivery.id,
    )


def _hhmm(moment: datetime | None, local: bool) -> str:
    if moment is None:
        return ""
    if local:
        return moment.astimezone(local_zone()).strftime("%H:%M")
    return moment.astimezone(UTC).strftime("%H:%MZ")


def span(seconds: float) -> str:
    """``40 s``, ``8 min``, ``2 h 05 min``, ``3 d 04 h``: how long, to the minute."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{math.floor(seconds)} s"
    minutes = math.floor(seconds / 60)
    if minutes < 120:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours:02d} h"
