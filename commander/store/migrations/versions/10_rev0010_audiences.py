"""Audiences: who reads a target, who a message was written for.

Revision ID: 0010
Revises: 0009

``targets.audience`` and ``messages.audience`` hold ``internal``, ``public`` or
``executive``. Existing targets get their kind's default (Statuspage and Cachet
face customers, every other kind the team); existing messages their template's
audience as shipped (``customer`` public, ``executive`` executive, any other
internal, so an old message of unknown wording is never taken for a public one).

Both columns are nullable: making them NOT NULL on SQLite means rebuilding the
tables, and dropping ``targets`` while foreign keys are on would cascade away
its connector states. The app writes both on every row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("targets", sa.Column("audience", sa.String(20), nullable=True))
    op.add_column("messages", sa.Column("audience", sa.String(20), nullable=True))
    op.execute(
        "UPDATE targets SET audience = CASE WHEN kind IN ('statuspage', 'cachet') "
        "THEN 'public' ELSE 'internal' END"
    )
    op.execute(
        "UPDATE messages SET audience = CASE template WHEN 'customer' THEN 'public' "
        "WHEN 'executive' THEN 'executive' ELSE 'internal' END"
    )


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): no rebuild, so nothing cascades.
    op.drop_column("messages", "audience")
    op.drop_column("targets", "audience")
