"""An idempotency key per timeline entry.

Revision ID: 0015
Revises: 0014

``timeline_entries`` gains ``idempotency_key``: a random id the window gives
each entry it logs, unique when set. An entry the window journaled while the
server was away is written with its key; a retry whose first commit's answer
was lost finds the key taken and counts the entry as written, never twice.
Entries from before this revision, and those the CLI logs, have none (NULL).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("timeline_entries", sa.Column("idempotency_key", sa.String(36), nullable=True))
    op.create_index(
        "ix_timeline_idempotency_key", "timeline_entries", ["idempotency_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_timeline_idempotency_key", table_name="timeline_entries")
    with op.batch_alter_table("timeline_entries") as batch:
        batch.drop_column("idempotency_key")
