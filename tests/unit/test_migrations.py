"""The shipped Alembic scripts build exactly the schema the ORM describes."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import commander.store.orm_comms  # noqa: F401 - the comms tables are part of the schema
from commander.store import schema
from commander.store.engine import open_store
from commander.store.migrate import script_revisions
from commander.store.orm import Base, in_orm_schema


def test_known_revisions_match_the_migration_scripts() -> None:
    assert tuple(script_revisions()) == schema.KNOWN_REVISIONS


def test_migrating_from_empty_gives_the_orm_schema(db_path: Path) -> None:
    store = open_store(str(db_path))
    try:
        with store.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": in_orm_schema}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        store.close()


def test_two_processes_opening_a_new_store_at_once_both_succeed(db_path: Path) -> None:
    import concurrent.futures
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(4, mp_context=context) as pool:
        results = list(pool.map(_open_and_count, [str(db_path)] * 4))
    assert results == [0, 0, 0, 0]


def _open_and_count(path: str) -> int:
    from commander.services.incidents import list_incidents

    store = open_store(path)
    try:
        return len(list_incidents(store))
    finally:
        store.close()
