"""The shipped Alembic scripts: read in chain order, free of the live ORM, building
exactly the schema the ORM describes; a store from a newer version is refused.

Upgrades of stores with rows in them: tests/commander/store/test_upgrades.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from commander.domain import Severity
from commander.errors import StoreError
from commander.services.incidents import declare_incident
from commander.store import (
    schema,
    tables,  # noqa: F401 - every feature's tables are part of the schema
)
from commander.store.engine import Store, describe, open_store
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
    """A later ORM change must not change what an old migration creates.

    The clock is allowed: a migration that fills a row stamps it with the time
    the one injectable clock gives (0006, the store's identity)."""
    allowed = {"commander.store.migrations.frozen_types", "commander.clock"}
    files = [MIGRATIONS_DIR / "env.py", *sorted((MIGRATIONS_DIR / "versions").glob("*.py"))]
    assert len(files) == len(schema.KNOWN_REVISIONS) + 1
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                # A relative import can only reach into the app.
                names = [f"commander.{node.module}" if node.level else node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            app_names = [name for name in names if name.split(".")[0] in ("commander", "ui")]
            assert set(app_names) <= allowed, f"{path.name} imports {app_names}"


def test_migrating_from_empty_gives_the_orm_schema(db_path: Path) -> None:
    store = open_store(str(db_path), create=True)
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


def test_a_new_store_path_is_absent_until_the_store_is_complete(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process opening the path mid-creation must never find an empty file.
    import commander.store.migrate as migrate

    real_upgrade = migrate.upgrade_to_head
    seen_during_migration: list[bool] = []

    def watching_upgrade(engine: Engine) -> None:
        seen_during_migration.append(db_path.exists())
        real_upgrade(engine)

    monkeypatch.setattr(migrate, "upgrade_to_head", watching_upgrade)
    open_store(str(db_path), create=True).close()

    assert seen_during_migration == [False]
    assert db_path.read_bytes().startswith(b"SQLite format 3\x00")
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_a_store_made_by_another_process_meanwhile_is_opened_not_replaced(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import commander.store.migrate as migrate

    real_upgrade = migrate.upgrade_to_head
    winner = open_store(str(db_path.with_name("winner.sqlite")), create=True)
    declare_incident(winner, "Made by the other process", Severity("P2"), "tester")
    winner.close()

    def other_process_wins(engine: Engine) -> None:
        real_upgrade(engine)
        if not db_path.exists():
            db_path.with_name("winner.sqlite").rename(db_path)

    monkeypatch.setattr(migrate, "upgrade_to_head", other_process_wins)
    store = open_store(str(db_path), create=True)
    try:
        from commander.services.incidents import list_incidents

        assert [i.title for i in list_incidents(store)] == ["Made by the other process"]
    finally:
        store.close()
    assert not [p for p in db_path.parent.iterdir() if p.name.endswith(".creating")]


def _open_and_count(path: str) -> int:
    from commander.services.incidents import list_incidents

    store = open_store(path, create=True)
    try:
        return len(list_incidents(store))
    finally:
        store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_postgres_store_from_a_newer_version_is_refused_untouched(store: Store) -> None:
    declare_incident(store, "Checkout down", Severity("P1"), "tester")
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    before = _postgres_contents(store.engine)
    store.engine.dispose()

    with pytest.raises(StoreError, match="newer Incident Commander") as caught:
        open_store(store.url, create=True)

    assert str(caught.value) == (
        f"database {describe(store.url)} was written by a newer Incident Commander "
        "(schema 9999); update the app to open it"
    )
    assert _postgres_contents(store.engine) == before
    with store.engine.connect() as connection:
        others = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    assert others == 0, "the refused open left a connection behind"


def _postgres_contents(engine: Engine) -> dict[str, object]:
    """Every table's columns and rows, and the sequences, of the public schema."""
    with engine.connect() as connection:
        columns = connection.execute(
            text(
                "SELECT table_name, column_name, data_type, is_nullable "
                "FROM information_schema.columns WHERE table_schema = 'public' "
                "ORDER BY table_name, ordinal_position"
            )
        ).all()
        contents: dict[str, object] = {"columns": columns}
        for table in sorted({row[0] for row in columns}):
            contents[table] = connection.execute(
                text(f'SELECT t::text FROM "{table}" t ORDER BY t::text')
            ).all()
        contents["sequences"] = connection.execute(
            text("SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename")
        ).all()
    assert contents["alembic_version"] == [("(9999)",)]
    assert contents["incidents"], "the store to protect holds an incident"
    return contents
