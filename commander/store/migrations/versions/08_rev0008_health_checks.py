"""Health checks per incident and each check's current state.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_checks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("every_seconds", sa.Integer(), nullable=False),
        sa.Column("slow_ms", sa.Integer(), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("removed_at", utc_datetime(), nullable=True),
        sa.Column("removed_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_health_checks_incident", "health_checks", ["incident_id"])
    op.create_table(
        "health_states",
        sa.Column(
            "check_id",
            sa.Integer(),
            sa.ForeignKey("health_checks.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("since", utc_datetime(), nullable=False),
        sa.Column("probed_at", utc_datetime(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("health_states")
    op.drop_index("ix_health_checks_incident", table_name="health_checks")
    op.drop_table("health_checks")
