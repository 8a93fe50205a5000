"""Tables for postmortems and their action items (issue 6).

A postmortem belongs to one incident; every save keeps the whole previous
document in ``postmortem_revisions`` so the audit trail shows what changed.
Sections, authors and participants are JSON: their shape comes from the
template, which the user may change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from commander.store.orm import Base


class Postmortem(Base):
    __tablename__ = "postmortems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="RESTRICT"), unique=True
    )
    template: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    written_on: Mapped[date | None] = mapped_column(Date)
    authors: Mapped[list[str]] = mapped_column(JSON)
    # [{"name": ..., "role": ...}]
    participants: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    # {section key: text}
    sections: Mapped[dict[str, str]] = mapped_column(JSON)
    # Entry ids shown in the Timeline section; None means the key entries.
    entry_ids: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    revision: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime]
    saved_by: Mapped[str] = mapped_column(String(200))


class PostmortemRevision(Base):
    """A postmortem as it was saved at ``revision``, oldest first; the latest is the row itself."""

    __tablename__ = "postmortem_revisions"
    __table_args__ = (Index("ix_postmortem_revisions_postmortem", "postmortem_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="RESTRICT"))
    revision: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime]
    saved_by: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


class ActionItem(Base):
    __tablename__ = "action_items"
    __table_args__ = (
        Index("ix_action_items_incident", "incident_id"),
        # The cross-incident view asks for open items by due date.
        Index("ix_action_items_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    tracker_url: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(200))
