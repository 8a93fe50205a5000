"""Frozen snapshots handed to the CLI and the window, never live ORM objects."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from commander.domain import Phase, Severity
from commander.domain.cadence import interval_minutes, is_overdue, update_due_at
from commander.domain.kinds import EntryKind, entry_kind
from commander.domain.refs import format_ref
from commander.domain.timing import (
    IncidentClocks,
    clock_stop,
    clocks_started_at,
    incident_clocks,
)

if TYPE_CHECKING:  # the window imports these views before SQLAlchemy is loaded
    from commander.domain.entry_facts import EntryFact
    from commander.store.orm import EntryRevision, Incident, TimelineEntry


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    """One row of the incident list (the window's and ``commander list``)."""

    id: int
    ref: str
    title: str
    severity: Severity
    phase: Phase
    declared_at: datetime
    impact_started_at: datetime | None = None
    resolved_at: datetime | None = None
    # When the next status update is due (domain/cadence.py); None: none owed.
    update_due_at: datetime | None = None

    @classmethod
    def from_columns(
        cls,
        id: int,
        title: str,
        severity: str,
        phase: str,
        declared_at: datetime,
        impact_started_at: datetime | None = None,
        resolved_at: datetime | None = None,
        own_cadence_minutes: int | None = None,
        last_message_at: datetime | None = None,
    ) -> IncidentSummary:
        """The one way a summary is built from stored values (ORM row or the start-up peek).

        ``own_cadence_minutes`` is the incident's own update interval (None: the
        severity's), ``last_message_at`` when its last update was written.
        """
        level = Severity(severity)
        minutes, _default = interval_minutes(own_cadence_minutes, level)
        due = update_due_at(minutes, last_message_at, declared_at, resolved_at)
        return cls(
            id,
            format_ref(id),
            title,
            level,
            Phase(phase),
            declared_at,
            impact_started_at,
            resolved_at,
            due,
        )

    @property
    def active(self) -> bool:
        """Not resolved yet (a reopened incident is active again)."""
        return self.resolved_at is None

    @property
    def started_at(self) -> datetime:
        """What its clocks count from: the impact start, else the declaration."""
        return clocks_started_at(self.declared_at, self.impact_started_at)

    def running_time(self, now: datetime) -> timedelta:
        """Its age while active; how long it lasted (start → resolved) once resolved."""
        return max(clock_stop(self.resolved_at, now) - self.started_at, timedelta(0))

    def update_overdue(self, now: datetime) -> bool:
        return is_overdue(self.update_due_at, now)


def in_list_order(incidents: Iterable[IncidentSummary]) -> list[IncidentSummary]:
    """The order the window's list and ``commander list`` show: active incidents first,
    most severe first, then newest; then resolved ones, most recently resolved first."""
    rows = list(incidents)
    active = sorted((i for i in rows if i.active), key=lambda i: (i.severity.rank, -i.id))
    resolved = sorted((i for i in rows if not i.active), key=_resolution, reverse=True)
    return active + resolved


def _resolution(incident: IncidentSummary) -> tuple[datetime, int]:
    assert incident.resolved_at is not None
    return incident.resolved_at, incident.id


@dataclass(frozen=True, slots=True)
class EntryView:
    id: int
    incident_id: int
    occurred_at: datetime
    recorded_at: datetime
    author: str
    kind: EntryKind
    text: str
    pinned: bool
    data: dict[str, Any] | None = None
    deleted_at: datetime | None = None
    deleted_by: str | None = None
    # Rises on every change to the entry; see services/feed.py.
    version: int = 0

    @property
    def fact(self) -> EntryFact | None:
        """What the entry records (domain/entry_facts/); None for what people log.

        Decoded on each read, not kept: a window holds up to 100,000 entries and
        reads few facts, and a row with no data decodes in well under a microsecond.
        """
        # Imported here: the window shows entries long before it reads a fact.
        from commander.domain.entry_facts import decode

        return decode(self.kind, self.data)

    @classmethod
    def of(cls, row: TimelineEntry) -> EntryView:
        return cls.from_columns(
            id=row.id,
            incident_id=row.incident_id,
            occurred_at=row.occurred_at,
            recorded_at=row.recorded_at,
            author=row.author,
            kind=row.kind,
            text=row.text,
            pinned=row.pinned,
            data=row.data,
            deleted_at=row.deleted_at,
            deleted_by=row.deleted_by,
            version=row.version,
        )

    @classmethod
    def from_columns(
        cls,
        id: int,
        incident_id: int,
        occurred_at: datetime,
        recorded_at: datetime,
        author: str,
        kind: str,
        text: str,
        pinned: bool | int,
        data: Mapping[str, Any] | None,
        deleted_at: datetime | None,
        deleted_by: str | None,
        version: int,
    ) -> EntryView:
        """The one way an entry is built from its stored values, whoever read them: an ORM
        row (``of``), a Core row (timeline pages) or a driver row (store/raw_sql.py).

        Parameters are the table's columns in its order, times already aware UTC. A window
        may hold 100,000 entries, so authors are interned, kinds are the enum's members and
        an entry recorded when it happened keeps one datetime for both. The fields are
        passed by position, in their order: an export builds 10,000 entries or more, and
        keywords cost a quarter more per entry.
        """
        return cls(
            id,
            incident_id,
            occurred_at,
            occurred_at if recorded_at == occurred_at else recorded_at,
            sys.intern(author),
            entry_kind(kind),
            text,
            bool(pinned),
            dict(data) if data else None,
            deleted_at,
            deleted_by,
            version,
        )


@dataclass(frozen=True, slots=True)
class RevisionView:
    """An entry as it was before ``revised_by`` changed it at ``revised_at``."""

    id: int
    entry_id: int
    revised_at: datetime
    revised_by: str
    occurred_at: datetime
    kind: str
    text: str
    pinned: bool
    deleted_at: datetime | None = None
    deleted_by: str | None = None

    @classmethod
    def of(cls, row: EntryRevision) -> RevisionView:
        return cls(
            id=row.id,
            entry_id=row.entry_id,
            revised_at=row.revised_at,
            revised_by=row.revised_by,
            occurred_at=row.occurred_at,
            kind=row.kind,
            text=row.text,
            pinned=row.pinned,
            deleted_at=row.deleted_at,
            deleted_by=row.deleted_by,
        )


@dataclass(frozen=True, slots=True)
class IncidentDetail:
    id: int
    ref: str
    title: str
    summary: str
    severity: Severity
    phase: Phase
    declared_by: str
    declared_at: datetime
    severity_since: datetime
    phase_since: datetime
    impact_started_at: datetime | None
    detected_at: datetime | None
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    timeline: tuple[EntryView, ...] = field(default=())
    # Labels kept from its alerts, (name, value) sorted: service, team, cluster...
    labels: tuple[tuple[str, str], ...] = field(default=())

    def clocks(self, now: datetime) -> IncidentClocks:
        """Its clocks at ``now``: what the header shows (stopped once resolved)."""
        return incident_clocks(
            declared_at=self.declared_at,
            impact_started_at=self.impact_started_at,
            severity_since=self.severity_since,
            phase_since=self.phase_since,
            mitigated_at=self.mitigated_at,
            resolved_at=self.resolved_at,
            now=now,
        )

    @classmethod
    def of(
        cls,
        row: Incident,
        timeline: tuple[EntryView, ...] = (),
        labels: tuple[tuple[str, str], ...] = (),
    ) -> IncidentDetail:
        return cls(
            id=row.id,
            ref=row.ref,
            title=row.title,
            summary=row.summary,
            severity=Severity(row.severity),
            phase=Phase(row.phase),
            declared_by=row.declared_by,
            declared_at=row.declared_at,
            severity_since=row.severity_since,
            phase_since=row.phase_since,
            impact_started_at=row.impact_started_at,
            detected_at=row.detected_at,
            acknowledged_at=row.acknowledged_at,
            mitigated_at=row.mitigated_at,
            resolved_at=row.resolved_at,
            closed_at=row.closed_at,
            timeline=timeline,
            labels=labels,
        )
