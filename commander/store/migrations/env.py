"""Alembic environment: always runs on a connection handed in by the app."""

from alembic import context

import commander.store.orm_comms  # noqa: F401 - registers the comms tables
from commander.store.orm import Base, in_orm_schema

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through commander.store.migrate, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=in_orm_schema,  # the SQLite FTS tables live outside the ORM
)
with context.begin_transaction():
    context.run_migrations()
