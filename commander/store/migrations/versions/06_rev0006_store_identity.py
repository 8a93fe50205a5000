"""The store's own identity: a random id, made once, kept for the store's life.

Revision ID: 0006
Revises: 0004

Secrets in the OS keyring are keyed by this id and a target's name, so two
stores with a target of the same name never share one secret. A copy of the
store file is the same store and keeps the id.
"""

import uuid

import sqlalchemy as sa
from alembic import op

from commander.clock import now
from commander.store.migrations.frozen_types import utc_datetime

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    identity = op.create_table(
        "store_identity",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", utc_datetime(), nullable=False),
    )
    op.bulk_insert(identity, [{"id": str(uuid.uuid4()), "created_at": now()}])


def downgrade() -> None:
    op.drop_table("store_identity")
