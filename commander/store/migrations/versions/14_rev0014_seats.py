"""Presence: which seats (windows, terminals) are on which incident now.

Revision ID: 0014
Revises: 0013

One ``seats`` row per seat and incident it shows: the seat's random id (one per
window or terminal session), the name it logs under, whether it is a window or
a terminal, and when it was last seen. A heartbeat rewrites ``last_seen`` every
few seconds; a seat that closes cleanly deletes its rows. The table holds no
timeline entries and no versions, so the change feed never sees a heartbeat.
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seats",
        sa.Column("seat_id", sa.String(32), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("last_seen", utc_datetime(), nullable=False),
    )
    op.create_index("ix_seats_incident_seen", "seats", ["incident_id", "last_seen"])


def downgrade() -> None:
    op.drop_index("ix_seats_incident_seen", table_name="seats")
    op.drop_table("seats")
