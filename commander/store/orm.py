"""ORM tables. Every datetime column holds an aware UTC time.

SQLite has no time zone type, so ``UTCDateTime`` writes naive UTC and reads it
back as aware UTC; PostgreSQL gets ``timestamptz``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from commander.domain.refs import format_ref


class UTCDateTime(TypeDecorator[datetime]):
    # The migrations never import this type: they build its impl from
    # store/migrations/frozen_types.py, so changing the impl here takes a new
    # migration (and a new frozen type), or fresh and upgraded stores differ.
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are never stored; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(2))
    phase: Mapped[str] = mapped_column(String(20))
    declared_at: Mapped[datetime]
    severity_since: Mapped[datetime]
    phase_since: Mapped[datetime]
    impact_started_at: Mapped[datetime | None]
    detected_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    mitigated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    declared_by: Mapped[str] = mapped_column(String(200), default="")

    entries: Mapped[list[TimelineEntry]] = relationship(back_populates="incident")

    @property
    def ref(self) -> str:
        return format_ref(self.id)


class TimelineEntry(Base):
    __tablename__ = "timeline_entries"
    __table_args__ = (
        Index("ix_timeline_incident_occurred", "incident_id", "occurred_at", "id"),
        # The change feed asks "what changed in this incident after version N".
        Index("ix_timeline_incident_version", "incident_id", "version"),
        # One value per change, and a cheap max(version) on SQLite.
        Index("ix_timeline_version", "version", unique=True),
        Index("ix_timeline_idempotency_key", "idempotency_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    # Structured facts for entries the app writes (e.g. severity from/to).
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(200))
    # Set on every insert, edit, delete and restore to a value above every
    # other entry's, so a window polls "version > what I have" to stay live.
    version: Mapped[int] = mapped_column(Integer)
    # The window's random id for an entry it logs (migration 0013): a retried write
    # finds it taken and counts the entry as written (services/timeline.log_entry).
    idempotency_key: Mapped[str | None] = mapped_column(String(36), default=None)

    incident: Mapped[Incident] = relationship(back_populates="entries")
    revisions: Mapped[list[EntryRevision]] = relationship(
        back_populates="entry", order_by="EntryRevision.id"
    )


# What EntryView.from_columns takes, by name: every column but the idempotency key,
# which only the write path reads.
ENTRY_VIEW_COLUMNS = tuple(c for c in TimelineEntry.__table__.c if c.name != "idempotency_key")


class EntryRevision(Base):
    """What an entry was before a change (edit, pin, delete, restore), oldest first."""

    __tablename__ = "entry_revisions"
    __table_args__ = (Index("ix_entry_revisions_entry", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("timeline_entries.id", ondelete="RESTRICT"))
    revised_at: Mapped[datetime]
    revised_by: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(Boolean)
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(200))

    entry: Mapped[TimelineEntry] = relationship(back_populates="revisions")


class StoreIdentity(Base):
    """The store's random id (one row, made by migration 0006): secrets are keyed by it."""

    __tablename__ = "store_identity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime]


# PostgreSQL hands out entry versions from this sequence (created by migration
# 0002 on PostgreSQL only); SQLite computes max(version) + 1 instead.
ENTRY_VERSION_SEQUENCE = Sequence("timeline_entry_version_seq", metadata=Base.metadata)

# SQLite only: the full-text index over entry text and the shadow tables FTS5
# keeps beside it (``<name>_data``, ``_idx``, ...). Migration 0002 creates them
# outside this metadata, so schema comparisons must leave them out.
SEARCH_TABLE = "timeline_entries_fts"


def in_orm_schema(name: str | None, type_: str, parent_names: object) -> bool:
    """An Alembic ``include_name`` filter: False for the full-text index tables."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE))
