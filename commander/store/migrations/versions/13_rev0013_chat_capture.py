"""Chat capture: the messages captured from incident channels, and each channel's cursor.

Revision ID: 0013
Revises: 0012

``chat_messages``: one row per captured message, unique on (provider, channel_id,
message_id), pointing at the timeline entry it became, with a digest of what the
entry was last written from. ``chat_cursors``: per (incident, target, channel)
the source's opaque cursor, when the last reconciled snapshot was asked for, and
the last pass's error.
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("channel_id", sa.String(300), nullable=False),
        sa.Column("message_id", sa.String(300), nullable=False),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("timeline_entries.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("captured_at", utc_datetime(), nullable=False),
        sa.Column("updated_at", utc_datetime(), nullable=False),
        sa.UniqueConstraint(
            "provider", "channel_id", "message_id", name="uq_chat_messages_provider_message"
        ),
    )
    op.create_index("ix_chat_messages_incident", "chat_messages", ["incident_id"])
    op.create_table(
        "chat_cursors",
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column(
            "target_id",
            sa.Integer(),
            sa.ForeignKey("targets.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("channel_id", sa.String(300), primary_key=True),
        sa.Column("channel_name", sa.String(300), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("last_pass_at", utc_datetime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", utc_datetime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("chat_cursors")
    op.drop_index("ix_chat_messages_incident", table_name="chat_messages")
    op.drop_table("chat_messages")
