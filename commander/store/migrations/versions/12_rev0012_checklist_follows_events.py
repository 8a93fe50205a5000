"""Checklist items the app ticks, and items replaced when the severity changes.

Revision ID: 0012
Revises: 0011

``checklist_items`` gains:
- ``slot``: the duty a template item stands for ("incident-commander",
  "status-updates", "postmortem-review"); items of one slot replace each other
  instead of stacking when the severity or the update cadence changes;
- ``auto_reason``: why the app ticked the item ("rollback recorded"), NULL when
  a person did, and ``auto_event``: which event it was ("message:12");
  ``auto_undone_event``: the event whose tick a person took back, which
  therefore never ticks the item again (a later event may);
- ``superseded_at`` and ``superseded_by`` (the id of the item that replaced
  it, NULL when none did): a replaced item is kept, checked or not, and no
  longer shown as one to do.

Existing items of the shipped template's replaceable duties get their slot
here, so an incident that reached P1 and then P0 under an older version sheds
its stacked items the next time its checklist is read.
"""

import hashlib

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The texts the shipped template had for these duties up to this revision.
_SLOTTED: tuple[tuple[str, str, str], ...] = (
    ("incident-commander", "triage", "Assign an Incident Commander and a Scribe"),
    ("incident-commander", "triage", "Assign an Incident Commander"),
    ("status-updates", "mitigate", "Post a status update at least every 30 minutes"),
    ("status-updates", "mitigate", "Post a status update at least every hour"),
    ("postmortem-review", "postmortem", "Schedule the postmortem review within 48 hours"),
    ("postmortem-review", "postmortem", "Schedule the postmortem review within a week"),
)


def _key(phase: str, text: str) -> str:
    """The template key the app gave these items (domain.checklists.template_key, as
    it was: frozen here)."""
    digest = hashlib.sha1(f"{phase}\n{text}".encode()).hexdigest()
    return f"{phase}:{digest[:16]}"


def upgrade() -> None:
    op.add_column("checklist_items", sa.Column("slot", sa.String(40), nullable=True))
    op.add_column("checklist_items", sa.Column("auto_reason", sa.Text(), nullable=True))
    op.add_column("checklist_items", sa.Column("auto_event", sa.String(80), nullable=True))
    op.add_column("checklist_items", sa.Column("auto_undone_event", sa.String(80), nullable=True))
    op.add_column("checklist_items", sa.Column("superseded_at", utc_datetime(), nullable=True))
    op.add_column("checklist_items", sa.Column("superseded_by", sa.Integer(), nullable=True))
    items = sa.table(
        "checklist_items", sa.column("template_key", sa.String(80)), sa.column("slot", sa.String(40))
    )
    for slot, phase, text in _SLOTTED:
        op.execute(
            items.update().where(items.c.template_key == _key(phase, text)).values(slot=slot)
        )


def downgrade() -> None:
    with op.batch_alter_table("checklist_items") as batch:
        for name in (
            "superseded_by",
            "superseded_at",
            "auto_undone_event",
            "auto_event",
            "auto_reason",
            "slot",
        ):
            batch.drop_column(name)
