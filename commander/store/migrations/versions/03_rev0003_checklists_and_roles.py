"""Checklist items and role assignments per incident.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checklist_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("template_key", sa.String(80), nullable=True),
        sa.Column("added_at", utc_datetime(), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("checked_at", utc_datetime(), nullable=True),
        sa.Column("checked_by", sa.String(200), nullable=True),
        sa.Column("not_applicable_reason", sa.Text(), nullable=True),
        sa.Column("not_applicable_at", utc_datetime(), nullable=True),
        sa.Column("not_applicable_by", sa.String(200), nullable=True),
        sa.UniqueConstraint("incident_id", "template_key", name="uq_checklist_template_item"),
    )
    op.create_index(
        "ix_checklist_incident_phase", "checklist_items", ["incident_id", "phase", "position"]
    )
    op.create_table(
        "role_assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("assigned_at", utc_datetime(), nullable=False),
        sa.Column("assigned_by", sa.String(200), nullable=False),
        sa.Column("ended_at", utc_datetime(), nullable=True),
        sa.Column("ended_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_role_assignments_incident", "role_assignments", ["incident_id", "role"])


def downgrade() -> None:
    op.drop_index("ix_role_assignments_incident", table_name="role_assignments")
    op.drop_table("role_assignments")
    op.drop_index("ix_checklist_incident_phase", table_name="checklist_items")
    op.drop_table("checklist_items")
