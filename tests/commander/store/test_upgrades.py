"""Stores written by every earlier version open with today's code, losing nothing.

tests/fixtures/stores/ holds one SQLite store per schema revision, written by
the app as it was at that revision (make_fixtures.py there says how), and
beside each a JSON manifest of every row it wrote. Each test works on a copy.
On PostgreSQL (marked ``postgres``) the same rows are carried through the
same upgrades.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Table,
    create_engine,
    inspect,
    select,
    text,
)

from commander.store import (
    schema,
    tables,  # noqa: F401 - every feature's tables are part of the schema
)
from commander.store.engine import Store, open_store
from commander.store.migrate import alembic_config
from commander.store.orm import Base, in_orm_schema

# Found from the tests folder, so the test can move within it.
TESTS = next(folder for folder in Path(__file__).resolve().parents if folder.name == "tests")
FIXTURES = TESTS / "fixtures" / "stores"


def _manifest(revision: str) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(
        (FIXTURES / f"rev_{revision}.json").read_text(encoding="utf-8")
    )
    return manifest


def _copy(revision: str, tmp_path: Path) -> Path:
    path = tmp_path / "old" / "incidents.sqlite"
    path.parent.mkdir()
    shutil.copyfile(FIXTURES / f"rev_{revision}.sqlite", path)
    return path


def _stored_revision(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    connection.close()
    return str(revision)


def _rows(path: Path, table: str, columns: list[str]) -> list[list[Any]]:
    """The named columns of every row, by primary key (as the manifest lists them)."""
    with sqlite3.connect(path) as connection:
        info = connection.execute(f"PRAGMA table_info({table})").fetchall()
        key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5] > 0] or ["rowid"]
        rows = connection.execute(
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(key)}"
        ).fetchall()
    connection.close()
    return [list(row) for row in rows]


def test_there_is_a_fixture_store_for_every_revision() -> None:
    stores = sorted(path.name for path in FIXTURES.glob("rev_*.sqlite"))
    assert stores == sorted(f"rev_{revision}.sqlite" for revision in schema.KNOWN_REVISIONS)
    for revision in schema.KNOWN_REVISIONS:
        assert _manifest(revision)["revision"] == revision


@pytest.mark.parametrize("revision", schema.KNOWN_REVISIONS)
def test_a_store_of_every_revision_upgrades_with_every_row_unchanged(
    revision: str, tmp_path: Path
) -> None:
    manifest = _manifest(revision)
    path = _copy(revision, tmp_path)
    assert _stored_revision(path) == revision
    for table, saved in manifest["tables"].items():
        assert _rows(path, table, saved["columns"]) == saved["rows"], f"fixture {table} changed"

    open_store(str(path), create=True).close()

    assert _stored_revision(path) == schema.HEAD
    assert manifest["tables"], "the manifest lists no table"
    for table, saved in manifest["tables"].items():
        assert saved["rows"], f"rev_{revision} has no {table} rows to carry over"
        assert _rows(path, table, saved["columns"]) == saved["rows"], table


@pytest.mark.parametrize("revision", schema.KNOWN_REVISIONS)
def test_todays_code_reads_what_every_revision_wrote(revision: str, tmp_path: Path) -> None:
    from commander.services.incidents import list_incidents
    from commander.services.timeline import read_timeline, search_entries

    saved = _manifest(revision)["tables"]
    incidents = _as_dicts(saved["incidents"])
    entries = _as_dicts(saved["timeline_entries"])
    store = open_store(str(_copy(revision, tmp_path)), create=False)
    try:
        listed = list_incidents(store)
        assert [(i.id, i.title) for i in listed] == [(i["id"], i["title"]) for i in incidents][::-1]
        for incident in incidents:
            timeline = read_timeline(store, incident["id"], include_deleted=True)
            wanted = {e["id"]: e["text"] for e in entries if e["incident_id"] == incident["id"]}
            assert {entry.id: entry.text for entry in timeline} == wanted
        # The full-text index covers the rows written before it existed (0001)
        # and keeps following them after the upgrade rebuilt the table.
        live_with_pool = [
            e["id"]
            for e in entries
            if e["incident_id"] == 1
            and e["deleted_at"] is None
            and "pool" in re.findall(r"\w+", e["text"].lower())
        ]
        assert live_with_pool
        found = search_entries(store, 1, "pool")
        assert sorted(entry.id for entry in found) == sorted(live_with_pool)
    finally:
        store.close()


def _as_dicts(saved: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(zip(saved["columns"], row, strict=True)) for row in saved["rows"]]


@pytest.mark.parametrize("revision", schema.KNOWN_REVISIONS)
def test_an_upgraded_store_has_the_schema_of_a_new_one(revision: str, tmp_path: Path) -> None:
    upgraded = _copy(revision, tmp_path)
    open_store(str(upgraded), create=False).close()
    new = tmp_path / "new" / "incidents.sqlite"
    open_store(str(new), create=True).close()

    assert _schema(upgraded) == _schema(new)
    engine = create_engine(f"sqlite:///{upgraded}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": in_orm_schema}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def _schema(path: Path) -> dict[str, Any]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        return _described(engine)
    finally:
        engine.dispose()


def _described(engine: Engine) -> dict[str, Any]:
    """Tables, columns, types, nullability, keys, indexes, uniques; on SQLite the
    triggers and FTS tables as SQL, on PostgreSQL the sequences."""
    inspector = inspect(engine)
    described: dict[str, Any] = {}
    for table in inspector.get_table_names():
        described[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c["default"])
                for c in inspector.get_columns(table)
            ],
            "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign_keys": sorted(
                (
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    fk["options"].get("ondelete"),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (ix["name"], tuple(ix["column_names"]), ix["unique"])
                for ix in inspector.get_indexes(table)
            ),
            "uniques": sorted(
                (uq["name"] or "", tuple(uq["column_names"]))
                for uq in inspector.get_unique_constraints(table)
            ),
        }
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            sql = connection.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE type = 'trigger' OR sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
            ).all()
            described["sqlite_master"] = [
                (kind, name, table, " ".join(text.split())) for kind, name, table, text in sql
            ]
        else:
            described["sequences"] = sorted(inspector.get_sequence_names())
    return described


# --- PostgreSQL: the same rows, carried through today's migrations -----------
#
# The fixtures are SQLite files, and an old commit cannot be run in a test. So
# on PostgreSQL the store of each revision is rebuilt: today's migrations up to
# that revision (they are frozen, so that is the schema the old code made),
# then the fixture's rows. Opening it must carry them to the head unchanged.


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
@pytest.mark.parametrize("revision", schema.KNOWN_REVISIONS)
def test_a_postgres_store_of_every_revision_upgrades_with_every_row_unchanged(
    revision: str, store: Store
) -> None:
    from commander.services.timeline import log_entry

    new_schema = _described(store.engine)
    store.close()
    engine = create_engine(store.url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        saved = _manifest(revision)["tables"]
        with engine.begin() as connection:
            written = _load_rows(connection, saved)

        open_store(store.url, create=True).close()

        with engine.connect() as connection:
            reflected = MetaData()
            reflected.reflect(connection)
            for name, rows in written.items():
                assert _read_rows(connection, reflected.tables[name], saved[name]) == rows, name
            assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
                (schema.HEAD,)
            ]
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            newest = connection.execute(text("SELECT max(version) FROM timeline_entries")).scalar()
        # Entry versions go on above the carried ones (from 0001 the 0002
        # migration numbered the rows and started the sequence after them).
        upgraded = open_store(store.url, create=False)
        try:
            entry = log_entry(upgraded, "INC-1", "Written after the upgrade", "tester")
        finally:
            upgraded.close()
        assert entry.version > newest
        assert _described(engine) == new_schema
    finally:
        engine.dispose()


def _load_rows(connection: Connection, saved: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """Insert the fixture's rows as PostgreSQL values; return them as inserted."""
    reflected = MetaData()
    reflected.reflect(connection)
    written: dict[str, list[list[Any]]] = {}
    for table in reflected.sorted_tables:  # parents before children
        if table.name not in saved:
            continue
        columns = saved[table.name]["columns"]
        rows = [
            [
                _postgres_value(table.c[name].type, value)
                for name, value in zip(columns, row, strict=True)
            ]
            for row in saved[table.name]["rows"]
        ]
        # Rows the migrations made themselves (the store's identity, from 0006)
        # are the fixture's own here: it replaces them.
        connection.execute(table.delete())
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
        written[table.name] = rows
        # The rows came with their ids; a real store's came through the id
        # sequences, which therefore stand above them.
        if "id" in table.c and isinstance(table.c["id"].type, Integer):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) "
                    f"FROM {table.name}"
                )
            )
    if "version" in reflected.tables["timeline_entries"].c:  # from 0002, likewise
        connection.execute(
            text("SELECT setval('timeline_entry_version_seq', max(version)) FROM timeline_entries")
        )
    return written


def _postgres_value(type_: Any, stored: Any) -> Any:
    """A value as SQLite stored it (text, 0/1), as PostgreSQL takes it."""
    if stored is None:
        return None
    if isinstance(type_, Boolean):
        return bool(stored)
    if isinstance(type_, DateTime):
        # The SQLite store keeps naive UTC text (orm.UTCDateTime).
        return datetime.fromisoformat(stored).replace(tzinfo=UTC)
    if isinstance(type_, Date):
        return date.fromisoformat(stored)
    if isinstance(type_, JSON):
        return json.loads(stored)
    return stored


def _read_rows(connection: Connection, table: Table, saved: dict[str, Any]) -> list[list[Any]]:
    query = select(*(table.c[name] for name in saved["columns"]))
    query = query.order_by(*table.primary_key.columns)
    return [list(row) for row in connection.execute(query)]
