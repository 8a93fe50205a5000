"""Tables of the response tools: per-incident checklist items and role assignments.

Severity history, deploy changes (rollbacks, hotfixes) and milestone edits
need no table of their own: they are timeline entries with structured data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commander.store.orm import Base


class ChecklistItem(Base):
    """One item of one incident's checklist: from the template, added by hand or a runbook."""

    __tablename__ = "checklist_items"
    __table_args__ = (
        # A template item appears once per incident; hand-added items have no key
        # (NULLs never collide), so syncing with the template is idempotent.
        UniqueConstraint("incident_id", "template_key", name="uq_checklist_template_item"),
        Index("ix_checklist_incident_phase", "incident_id", "phase", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    phase: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # "template", "added" or "runbook"
    origin: Mapped[str] = mapped_column(String(20))
    template_key: Mapped[str | None] = mapped_column(String(80))
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(200))
    checked_at: Mapped[datetime | None]
    checked_by: Mapped[str | None] = mapped_column(String(200))
    not_applicable_reason: Mapped[str | None] = mapped_column(Text)
    not_applicable_at: Mapped[datetime | None]
    not_applicable_by: Mapped[str | None] = mapped_column(String(200))
    # Items of one slot are one duty at different strengths: they replace each other.
    slot: Mapped[str | None] = mapped_column(String(40))
    # Why the app ticked it and which event did (NULL: a person did, or nobody);
    # the event whose tick a person took back never ticks it again.
    auto_reason: Mapped[str | None] = mapped_column(Text)
    auto_event: Mapped[str | None] = mapped_column(String(80))
    auto_undone_event: Mapped[str | None] = mapped_column(String(80))
    # Replaced (by the item ``superseded_by``, if any) when the severity or the
    # update cadence changed; kept with its history, no longer one to do.
    superseded_at: Mapped[datetime | None]
    superseded_by: Mapped[int | None] = mapped_column(Integer)


class RoleAssignment(Base):
    """Who held a role from when to when; the open rows are the current holders."""

    __tablename__ = "role_assignments"
    __table_args__ = (Index("ix_role_assignments_incident", "incident_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(20))
    person: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime]
    assigned_by: Mapped[str] = mapped_column(String(200))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(200))
