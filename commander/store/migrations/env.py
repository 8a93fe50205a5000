"""Alembic environment: always runs on a connection handed in by the app.

No ``target_metadata``: the app only upgrades, it never autogenerates, and
the revision files must not depend on the live ORM (see ``frozen_types``).
tests/commander/store/test_migrations.py compares what they build with the ORM instead.
"""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through commander.store.migrate, not the alembic CLI")

context.configure(
    connection=connection,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
