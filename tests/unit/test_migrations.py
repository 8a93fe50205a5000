"""The shipped Alembic scripts build exactly the schema the ORM describes."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from commander.store import (
    schema,
    tables,  # noqa: F401 - every feature's tables are part of the schema
)
from commander.store.engine import open_store
from commander.store.migrate import MIGRATIONS_DIR, alembic_config, script_revisions
from commander.store.orm import Base, in_orm_schema


def test_known_revisions_match_the_migration_scripts() -> None:
    assert tuple(script_revisions()) == schema.KNOWN_REVISIONS


def test_revision_files_list_in_chain_order() -> None:
    scripts = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())
    by_file_name = sorted(scripts, key=lambda script: Path(script.path).name)
    assert [script.revision for script in by_file_name] == script_revisions()
    for step, script in enumerate(by_file_name, start=1):
        assert Path(script.path).name.startswith(f"{step:02d}_rev{script.revision}_")


def test_migrations_import_nothing_of_the_app_but_their_frozen_types() -> None:
    """A later ORM change must not change what an old migration creates."""
    allowed = {"commander.store.migrations.frozen_types"}
    files = [MIGRATIONS_DIR / "env.py", *sorted((MIGRATIONS_DIR / "versions").glob("*.py"))]
    assert len(files) == len(schema.KNOWN_REVISIONS) + 1
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            app_names = [name for name in names if name.split(".")[0] in ("commander", "ui")]
            assert set(app_names) <= allowed, f"{path.name} imports {app_names}"


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
