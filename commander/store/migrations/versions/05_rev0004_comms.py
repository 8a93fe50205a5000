"""Communications: targets, messages, deliveries (the outbox), connector state,
per-incident update cadence.

Revision ID: 0004
Revises: 0005

Step 5 of the chain, after 0005 (see step 4 for why the ids are swapped).
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0004"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("base_url", sa.String(500), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("incident_title", sa.String(300), nullable=False),
        sa.Column("severity", sa.String(2), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("template", sa.String(50), nullable=False),
        sa.Column("headline", sa.String(500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("page_action", sa.String(20), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
    )
    op.create_index("ix_messages_incident_created", "messages", ["incident_id", "created_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("messages.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column(
            "target_id",
            sa.Integer(),
            sa.ForeignKey("targets.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("target_name", sa.String(100), nullable=False),
        sa.Column("target_kind", sa.String(30), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", utc_datetime(), nullable=False),
        sa.Column("lease_owner", sa.String(100), nullable=True),
        sa.Column("lease_until", utc_datetime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("provider_id", sa.String(300), nullable=True),
        sa.Column("acknowledged_at", utc_datetime(), nullable=True),
        sa.Column("updated_at", utc_datetime(), nullable=False),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["state", "next_attempt_at"])
    op.create_index("ix_deliveries_message", "deliveries", ["message_id"])
    op.create_table(
        "connector_states",
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
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", utc_datetime(), nullable=False),
    )
    op.create_table(
        "update_cadences",
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", utc_datetime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("update_cadences")
    op.drop_table("connector_states")
    op.drop_index("ix_deliveries_message", table_name="deliveries")
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_messages_incident_created", table_name="messages")
    op.drop_table("messages")
    op.drop_table("targets")
