"""Opening stores: creation, pragmas, refusing bad files untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from commander.errors import NoStoreError, StoreError
from commander.store import schema
from commander.store.engine import open_store, resolve_url


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_is_created_with_wal_foreign_keys_and_busy_timeout(db_path: Path) -> None:
    store = open_store(str(db_path), create=True)
    try:
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            revision = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert revision.scalar() == schema.HEAD
    finally:
        store.close()
    assert db_path.exists()


def test_default_store_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    url = resolve_url(None)
    assert url.get_backend_name() == "sqlite"
    assert url.database == str(
        tmp_path / "home" / "data" / "incident-commander" / "incidents.sqlite"
    )


def test_environment_variable_picks_the_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COMMANDER_DB", str(tmp_path / "team.sqlite"))
    assert resolve_url(None).database == str(tmp_path / "team.sqlite")
    assert resolve_url("postgresql+psycopg://u@h/db").get_backend_name() == "postgresql"


def test_reopening_an_up_to_date_store_keeps_its_data(db_path: Path) -> None:
    from commander.domain import Severity
    from commander.services.incidents import declare_incident, list_incidents

    first = open_store(str(db_path), create=True)
    declare_incident(first, "Checkout down", Severity.P1, author="ana")
    first.close()
    second = open_store(str(db_path), create=True)
    try:
        assert [i.title for i in list_incidents(second)] == ["Checkout down"]
    finally:
        second.close()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"meeting notes, not a database\n" * 100)
    before = digest(path)
    with pytest.raises(StoreError, match="not an Incident Commander database") as caught:
        open_store(str(path), create=True)
    assert str(path) in str(caught.value)
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()


def test_a_damaged_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = digest(path)
    with pytest.raises(StoreError, match="damaged"):
        open_store(str(path), create=True)
    assert digest(path) == before


def test_a_database_from_a_newer_version_is_refused_untouched(db_path: Path) -> None:
    open_store(str(db_path), create=True).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    before = digest(db_path)
    with pytest.raises(StoreError, match="newer Incident Commander") as caught:
        open_store(str(db_path), create=True)
    assert str(db_path) in str(caught.value)
    assert digest(db_path) == before


def test_someone_elses_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.close()
    before = digest(path)
    with pytest.raises(StoreError, match="not an Incident Commander one"):
        open_store(str(path), create=True)
    assert digest(path) == before


def test_an_unwritable_location_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="data folder") as caught:
        open_store(str(blocker / "sub" / "incidents.sqlite"), create=True)
    assert str(blocker) in str(caught.value)


def test_a_bad_url_is_explained() -> None:
    with pytest.raises(StoreError, match="cannot read database URL"):
        resolve_url("postgresql://u@h:port/db")
    with pytest.raises(StoreError, match="cannot use database URL nonsense://"):
        open_store("nonsense://", create=True)


def test_an_unreachable_server_is_explained_without_its_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_store(
            "postgresql+psycopg://ic:s3cret@127.0.0.1:1/incidents?connect_timeout=2", create=True
        )
    assert "s3cret" not in str(caught.value)
    assert "127.0.0.1" in str(caught.value)


def test_without_create_a_missing_store_is_named_and_nothing_is_made(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "incidents.sqlite"
    with pytest.raises(NoStoreError) as caught:
        open_store(str(missing), create=False)
    assert str(caught.value) == f"no store at {missing}"
    assert caught.value.location == str(missing)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_refused_even_when_creating(tmp_path: Path) -> None:
    empty = tmp_path / "incidents.sqlite"
    empty.touch()
    for create in (True, False):
        with pytest.raises(StoreError) as caught:
            open_store(str(empty), create=create)
        assert str(caught.value) == (
            f"{empty} is an empty file, not a store; remove it or choose another path"
        )
    assert [p.name for p in tmp_path.iterdir()] == ["incidents.sqlite"]
    assert empty.stat().st_size == 0


def _table_names(url: str) -> list[str]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_empty_server_database_is_no_store_for_a_reader(empty_postgres_database: str) -> None:
    """A server database exists or not; one without our tables is no store until declared."""
    url = resolve_url(empty_postgres_database)
    with pytest.raises(NoStoreError) as caught:
        open_store(url, create=False)
    assert str(caught.value) == f"no store at {url.render_as_string(hide_password=True)}"
    assert _table_names(empty_postgres_database) == []
    open_store(url, create=True).close()
    assert "incidents" in _table_names(empty_postgres_database)
    open_store(url, create=False).close()


@pytest.mark.postgres
def test_a_server_database_from_a_newer_version_is_refused_untouched(
    empty_postgres_database: str,
) -> None:
    open_store(empty_postgres_database, create=True).close()
    engine = create_engine(empty_postgres_database)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(StoreError) as caught:
            open_store(empty_postgres_database, create=True)
        assert "written by a newer Incident Commander (schema 9999)" in str(caught.value)
        assert "update the app" in str(caught.value)
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert kept.scalar() == "9999"
    finally:
        engine.dispose()
