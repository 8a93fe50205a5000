"""When a delivery started failing, whether it may have been posted, and every attempt.

Revision ID: 0011
Revises: 0010

A delivery that keeps failing writes a timeline entry when it starts failing and
one when it ends (sent, given up, failed), not one per retry. What the entries
between no longer say is kept here: ``delivery_attempts`` holds each attempt's
outcome, error and next attempt time; ``deliveries.failing_since`` when the
current run of failed attempts began (the header's "failing for 8 min");
``deliveries.unconfirmed`` marks a failure after which the update may have been
posted (a timeout after sending, a sender that died mid-post), for a person to
mark sent or send again.

Existing rows: a pending delivery that was retried or a failed one gets its last
change as ``failing_since`` (the nearest time the row holds); a failed one whose
error says it may have been posted is marked unconfirmed. Their attempts before
this revision are in the timeline, one entry each, as they were written then.
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("failing_since", utc_datetime(), nullable=True))
    op.add_column(
        "deliveries",
        sa.Column("unconfirmed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    deliveries = sa.table(
        "deliveries",
        sa.column("state", sa.String()),
        sa.column("attempts", sa.Integer()),
        sa.column("updated_at", utc_datetime()),
        sa.column("last_error", sa.Text()),
        sa.column("failing_since", utc_datetime()),
        sa.column("unconfirmed", sa.Boolean()),
    )
    op.execute(
        deliveries.update()
        .where(
            sa.or_(
                deliveries.c.state == "failed",
                sa.and_(deliveries.c.state == "pending", deliveries.c.attempts > 0),
            )
        )
        .values(failing_since=deliveries.c.updated_at)
    )
    op.execute(
        deliveries.update()
        .where(
            deliveries.c.state == "failed",
            deliveries.c.last_error.like("%the update may have been posted%"),
        )
        .values(unconfirmed=sa.true())
    )
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "delivery_id",
            sa.Integer(),
            sa.ForeignKey("deliveries.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("finished_at", utc_datetime(), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", utc_datetime(), nullable=True),
    )
    op.create_index("ix_delivery_attempts_delivery", "delivery_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_index("ix_delivery_attempts_delivery", table_name="delivery_attempts")
    op.drop_table("delivery_attempts")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("unconfirmed")
        batch.drop_column("failing_since")
