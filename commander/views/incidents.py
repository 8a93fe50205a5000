"""Frozen snapshots handed to the CLI and the window, never live ORM objects."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from commander.domain import Phase, Severity
from commander.domain.kinds import EntryKind, entry_kind
from commander.domain.refs import format_ref

if TYPE_CHECKING:  # the window imports these views before SQLAlchemy is loaded
    from commander.domain.entry_facts import EntryFact
    from commander.store.orm import EntryRevision, Incident, TimelineEntry


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    id: int
    ref: str
    title: str
    severity: Severity
    phase: Phase
    declared_at: datetime

    @classmethod
    def of(cls, row: Incident) -> IncidentSummary:
        return cls.from_columns(row.id, row.title, row.severity, row.phase, row.declared_at)

    @classmethod
    def from_columns(
        cls, id: int, title: str, severity: str, phase: str, declared_at: datetime
    ) -> IncidentSummary:
        """The one way a summary is built from stored values (ORM row or the start-up peek)."""
        return cls(id, format_ref(id), title, Severity(severity), Phase(phase), declared_at)


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
