"""When a delivery's request went out to a provider that cannot recognise a repeat.

Revision ID: 0007
Revises: 0006

``deliveries.attempt_started_at`` is written just before the outbox hands such a
request to the network (Slack, Discord, Teams, Mattermost). A lease that runs out
with it set belongs to a worker that died mid-post: the update may have been
posted, so the delivery fails saying so instead of being sent a second time.
Existing rows get NULL: a half-sent delivery from before this revision is
claimed again as it always was.
"""

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("attempt_started_at", utc_datetime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("attempt_started_at")
