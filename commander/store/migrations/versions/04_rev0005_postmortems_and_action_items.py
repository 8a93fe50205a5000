"""Postmortems (with every saved revision) and action items.

Revision ID: 0005
Revises: 0003

Step 4 of the chain. Its id is 0005 because two branches numbered their
migrations at the same time; ids are what stores keep in ``alembic_version``,
so they stay as released and only the file name shows the order.
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "postmortems",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=False,
            unique=True,
        ),
        sa.Column("template", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("entry_ids", sa.JSON(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("saved_at", utc_datetime(), nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "postmortem_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "postmortem_id",
            sa.Integer(),
            sa.ForeignKey("postmortems.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("saved_at", utc_datetime(), nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
    )
    op.create_index("ix_postmortem_revisions_postmortem", "postmortem_revisions", ["postmortem_id"])
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("tracker_url", sa.String(1000), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", utc_datetime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("deleted_at", utc_datetime(), nullable=True),
        sa.Column("deleted_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_action_items_incident", "action_items", ["incident_id"])
    op.create_index("ix_action_items_status_due", "action_items", ["status", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_action_items_status_due", table_name="action_items")
    op.drop_index("ix_action_items_incident", table_name="action_items")
    op.drop_table("action_items")
    op.drop_index("ix_postmortem_revisions_postmortem", table_name="postmortem_revisions")
    op.drop_table("postmortem_revisions")
    op.drop_table("postmortems")
