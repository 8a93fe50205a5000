"""The alert inbox: notifications received from monitoring, the alert groups they
belong to, each group's alerts, and the labels an incident keeps from its alerts.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("group_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("severity", sa.String(2), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("group_labels", sa.JSON(), nullable=False),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=True,
        ),
        sa.Column("first_received_at", utc_datetime(), nullable=False),
        sa.Column("last_received_at", utc_datetime(), nullable=False),
        sa.Column("state_changed_at", utc_datetime(), nullable=True),
        sa.Column("state_changed_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_alert_groups_hash", "alert_groups", ["group_hash", "id"])
    op.create_index("ix_alert_groups_incident", "alert_groups", ["incident_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey("alert_groups.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("fingerprint", sa.String(200), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("starts_at", utc_datetime(), nullable=False),
        sa.Column("ends_at", utc_datetime(), nullable=True),
        sa.Column("generator_url", sa.Text(), nullable=False),
        sa.Column("first_seen_at", utc_datetime(), nullable=False),
        sa.Column("last_seen_at", utc_datetime(), nullable=False),
        sa.UniqueConstraint("group_id", "fingerprint", name="uq_alerts_group_fingerprint"),
    )
    op.create_table(
        "alert_notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("dedup_key", sa.String(64), nullable=False),
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey("alert_groups.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("alert_count", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", utc_datetime(), nullable=False),
        sa.Column("processed_at", utc_datetime(), nullable=False),
        sa.UniqueConstraint("dedup_key", name="uq_alert_notifications_dedup"),
    )
    op.create_index("ix_alert_notifications_group", "alert_notifications", ["group_id"])
    op.create_table(
        "incident_labels",
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("value", sa.String(500), primary_key=True),
        sa.Column("added_at", utc_datetime(), nullable=False),
    )
    op.create_index("ix_incident_labels_name_value", "incident_labels", ["name", "value"])


def downgrade() -> None:
    op.drop_index("ix_incident_labels_name_value", table_name="incident_labels")
    op.drop_table("incident_labels")
    op.drop_index("ix_alert_notifications_group", table_name="alert_notifications")
    op.drop_table("alert_notifications")
    op.drop_table("alerts")
    op.drop_index("ix_alert_groups_incident", table_name="alert_groups")
    op.drop_index("ix_alert_groups_hash", table_name="alert_groups")
    op.drop_table("alert_groups")
