"""Incidents, timeline entries and entry revisions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(2), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("declared_at", utc_datetime(), nullable=False),
        sa.Column("severity_since", utc_datetime(), nullable=False),
        sa.Column("phase_since", utc_datetime(), nullable=False),
        sa.Column("impact_started_at", utc_datetime(), nullable=True),
        sa.Column("detected_at", utc_datetime(), nullable=True),
        sa.Column("acknowledged_at", utc_datetime(), nullable=True),
        sa.Column("mitigated_at", utc_datetime(), nullable=True),
        sa.Column("resolved_at", utc_datetime(), nullable=True),
        sa.Column("closed_at", utc_datetime(), nullable=True),
        sa.Column("declared_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "timeline_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("occurred_at", utc_datetime(), nullable=False),
        sa.Column("recorded_at", utc_datetime(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("deleted_at", utc_datetime(), nullable=True),
        sa.Column("deleted_by", sa.String(200), nullable=True),
    )
    op.create_index(
        "ix_timeline_incident_occurred",
        "timeline_entries",
        ["incident_id", "occurred_at", "id"],
    )
    op.create_table(
        "entry_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("timeline_entries.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("revised_at", utc_datetime(), nullable=False),
        sa.Column("revised_by", sa.String(200), nullable=False),
        sa.Column("occurred_at", utc_datetime(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_entry_revisions_entry", "entry_revisions", ["entry_id"])


def downgrade() -> None:
    op.drop_table("entry_revisions")
    op.drop_index("ix_timeline_incident_occurred", table_name="timeline_entries")
    op.drop_table("timeline_entries")
    op.drop_table("incidents")
