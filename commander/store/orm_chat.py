"""Tables of chat capture: each captured message and the entry it became, and each
channel's cursor per incident and target (services/chat_capture.py writes both)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commander.store.orm import Base


class CapturedMessage(Base):
    """A chat message on an incident's timeline. The unique key is the provider's own
    name for the message, so two seats or a restarted pass never write it twice."""

    __tablename__ = "chat_messages"
    __table_args__ = (
        UniqueConstraint(
            "provider", "channel_id", "message_id", name="uq_chat_messages_provider_message"
        ),
        Index("ix_chat_messages_incident", "incident_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(300))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("timeline_entries.id", ondelete="RESTRICT"))
    # SHA-256 of what the entry was last written from (text, author, files, links):
    # a pass compares it to tell an edited message from one it already holds.
    digest: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CaptureCursor(Base):
    """Where capture of one incident's channel on one target stands."""

    __tablename__ = "chat_cursors"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="RESTRICT"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("targets.id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    channel_name: Mapped[str] = mapped_column(String(300))
    # What the source returned last pass (a sync token, a time), handed back next pass.
    cursor: Mapped[str | None] = mapped_column(Text)
    # When the snapshot last reconciled was asked for: an older one arriving later
    # (another seat's slower pass) is dropped instead of undoing newer news.
    last_pass_at: Mapped[datetime | None]
    # The last pass's failure in one line (never the secret), and when; None once a
    # pass succeeds.
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
