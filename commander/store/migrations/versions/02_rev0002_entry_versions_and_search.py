"""Entry versions for the live change feed, deletion in the edit history, search.

- ``timeline_entries.version``: bumped by every insert/edit/delete/restore;
  existing rows get their id, which is unique and in insertion order.
- ``entry_revisions.deleted_at/deleted_by``: a revision records the whole
  prior state, so restoring keeps who deleted the entry and when.
- PostgreSQL: the sequence that hands out versions.
- SQLite: an FTS5 index over ``timeline_entries.text``, kept current by
  triggers. It is not in the ORM metadata: it is SQLite-only and the app
  queries it by name (services/timeline.py).

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

from commander.store.migrations.frozen_types import utc_datetime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEQUENCE = "timeline_entry_version_seq"
FTS = "timeline_entries_fts"

# External-content FTS5: the index stores only tokens; text stays in
# timeline_entries. The triggers mirror every change of ``text`` into it.
# NOTE: a later migration that recreates timeline_entries (SQLite batch mode)
# drops these triggers with the table and must create them again.
_SQLITE_FTS = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        text, content='timeline_entries', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON timeline_entries BEGIN
        INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON timeline_entries BEGIN
        INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF text ON timeline_entries BEGIN
        INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("timeline_entries") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=True))
    op.execute("UPDATE timeline_entries SET version = id")
    with _revisions_set_aside(dialect), op.batch_alter_table("timeline_entries") as batch:
        batch.alter_column("version", existing_type=sa.Integer(), nullable=False)
        batch.create_index("ix_timeline_incident_version", ["incident_id", "version"])
        batch.create_index("ix_timeline_version", ["version"], unique=True)
    with op.batch_alter_table("entry_revisions") as batch:
        batch.add_column(sa.Column("deleted_at", utc_datetime(), nullable=True))
        batch.add_column(sa.Column("deleted_by", sa.String(200), nullable=True))
    if dialect == "postgresql":
        op.execute(f"CREATE SEQUENCE {SEQUENCE}")
        # Continue above the backfilled versions (is_called=false: next is this).
        op.execute(
            f"SELECT setval('{SEQUENCE}', COALESCE(MAX(version), 0) + 1, false) "
            "FROM timeline_entries"
        )
    if dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)


@contextmanager
def _revisions_set_aside(dialect: str) -> Iterator[None]:
    """Let SQLite recreate timeline_entries while entry_revisions points at it.

    Batch mode copies the table, drops the old one and renames the copy. With
    foreign keys on (they cannot be switched off inside the migration's
    transaction), dropping a parent that revisions reference ON DELETE RESTRICT
    fails at once, even with deferred checks. So the revision rows wait in a
    temporary table and come back unchanged, all in the same transaction.
    """
    if dialect != "sqlite":
        yield
        return
    op.execute("CREATE TEMP TABLE _revisions_0002 AS SELECT * FROM entry_revisions")
    op.execute("DELETE FROM entry_revisions")
    yield
    op.execute("INSERT INTO entry_revisions SELECT * FROM _revisions_0002")
    op.execute("DROP TABLE _revisions_0002")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    if dialect == "postgresql":
        op.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
    with op.batch_alter_table("entry_revisions") as batch:
        batch.drop_column("deleted_by")
        batch.drop_column("deleted_at")
    with _revisions_set_aside(dialect), op.batch_alter_table("timeline_entries") as batch:
        batch.drop_index("ix_timeline_version")
        batch.drop_index("ix_timeline_incident_version")
        batch.drop_column("version")
