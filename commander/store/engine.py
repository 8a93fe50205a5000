"""Opening a store: resolve the URL, refuse bad files, set pragmas, migrate.

A file that is not a database, or one written by a newer version, is refused
before anything writes to it, so it stays byte-for-byte as it was. Every caller
says whether it may create a store (``create``): only declaring and the window
do; everything else needs one that exists, so a mistyped ``--db`` creates
nothing (no file, no -wal/-shm, no folder) and says "no store at PATH".
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from commander.errors import NoStoreError, ReadOnlyStoreError, StoreError, StoreUnreachableError
from commander.store import raw_sql, schema
from commander.store.announce import tracking
from commander.store.disk_full import disk_full_message, is_disk_full
from commander.store.location import raw_location
from commander.store.notify import send_on_commit
from commander.store.nul_guard import guard
from commander.store.unreachable import is_unreachable

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "commander_write"
# PostgreSQL's SQLSTATE for "permission denied": a role without the grant.
INSUFFICIENT_PRIVILEGE = "42501"


def resolve_url(arg: str | None = None) -> URL:
    """``--db`` wins, then ``COMMANDER_DB``, then the file in the user data dir."""
    raw = raw_location(arg)
    if "://" in raw:
        try:
            return make_url(raw)
        except (ArgumentError, ValueError):
            raise StoreError(f"cannot read database URL {raw!r}") from None
    return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))


def describe(url: URL) -> str:
    """Where the store is, for messages: a file path or a URL without its password."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


class Store:
    """One engine per process; short sessions per unit of work."""

    def __init__(self, url: URL, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._write_engine = engine.execution_options(**{_WRITE_OPTION: True})
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        guard(self._read_sessions)
        guard(self._write_sessions)
        if self.is_postgresql:
            # The one place every write passes: its commit wakes the other seats.
            send_on_commit(self._write_sessions)
        # The store's random id, once services/store_identity.py has read it.
        self.cached_identity: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @property
    def sqlite_file(self) -> Path | None:
        """The database file, for a SQLite store kept in one."""
        database = self.url.database
        if not self.is_sqlite or not database or database == ":memory:":
            return None
        return Path(database)

    @property
    def location(self) -> str:
        return describe(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session, _explained(self), session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: everything inside commits together or not at all.

        When the caller is collecting a change announcement, the timeline entries
        the transaction wrote are handed over after it commits (store/announce.py).
        """
        with (
            self._write_sessions() as session,
            _explained(self),
            tracking(session),
            session.begin(),
        ):
            yield session

    def reachable(self) -> bool:
        """One ``SELECT 1``: False when the server cannot be reached (StoreUnreachableError)."""
        try:
            with self.read() as session:
                session.execute(text("SELECT 1"))
        except StoreUnreachableError:
            return False
        return True

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _explained(store: Store) -> Iterator[None]:
    """Turn driver errors (locked, disk full, read-only) into one readable line."""
    try:
        yield
    except DBAPIError as exc:
        if is_disk_full(exc, store.sqlite_file):
            raise StoreError(disk_full_message(store.location)) from exc
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        if not store.is_sqlite and is_unreachable(exc):
            raise StoreUnreachableError(
                f"cannot reach the database server {store.location}: {_hidden(reason, store.url)}"
            ) from exc
        if _sqlstate(exc) == INSUFFICIENT_PRIVILEGE:
            # An observer role (commander team-sql) writing: say what it is, once.
            raise ReadOnlyStoreError(
                f"the store {store.location} is read-only for role {_role(store.url)} "
                f"({_hidden(reason, store.url)})"
            ) from None
        raise StoreError(f"database {store.location}: {_hidden(reason, store.url)}") from exc


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _role(url: URL) -> str:
    return url.username or "this role"


def open_store(url: URL | str | None = None, *, create: bool) -> Store:
    """Open the store at ``url``, migrating it if needed.

    With ``create`` a missing store is made (a SQLite file, its folder, or the
    tables of an empty server database); without it, NoStoreError says there is
    none and nothing is created.
    """
    if not isinstance(url, URL):
        url = resolve_url(url)
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite and url.database not in (None, "", ":memory:"):
        _check_sqlite_file(Path(url.database), create=create)
    try:
        engine = _create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            f"cannot use database URL {describe(url)}: {_hidden(str(exc), url)}"
        ) from None
    store = Store(url, engine)
    try:
        _migrate(store, create=create)
    except BaseException:
        engine.dispose()
        raise
    return store


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, connect_args=_server_password(url))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        raw_sql.prepare_sqlite_connection(dbapi_connection, BUSY_TIMEOUT_MS)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        raw_sql.begin_transaction(connection, immediate=immediate)

    return engine


def _server_password(url: URL) -> dict[str, str]:
    """The password kept for the URL's user and server when the URL has none
    (store/connection.py); passed to the driver, never put into the URL, so no
    rendering of ``store.url`` can show it."""
    if url.password is not None:
        return {}
    from commander.store.connection import kept_password

    password = kept_password(url.username, url.host, url.port, url.database)
    return {"password": password} if password else {}


def _hidden(text: str, url: URL) -> str:
    """``text`` without the URL's password or the kept one, in any form (secrets.scrub)."""
    if url.get_backend_name() == "sqlite":
        return text
    from commander.secrets import scrub

    kept = _server_password(url).get("password")
    return scrub(text, [url.password, kept])


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    # exists() is False for a dangling link too; resolve_url has followed links already.
    if not path.exists():
        if not create:
            raise NoStoreError(str(path))
        _make_folder(path.parent)
        _check_folder(path)
        _create_sqlite_store(path)
    _check_folder(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    if not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"cannot read and write {path}: permission denied")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if not header:
        # SQLite would happily make a store of it, hiding a store cut to nothing by a
        # failed copy or a full disk, or a file meant for something else.
        raise StoreError(f"{path} is an empty file, not a store; remove it or choose another path")
    if header != SQLITE_HEADER:
        raise StoreError(f"{path} is not an Incident Commander database (not a SQLite file)")
    _check_existing_revision(path, create=create)


def _check_folder(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise StoreError(f"cannot use {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"cannot write to the data folder {folder}: permission denied")


def _create_sqlite_store(path: Path) -> None:
    """Build a new store beside ``path`` and link it into place whole.

    SQLite makes an empty file first and writes its header later, so a second
    process opening the same new path in between would find an empty file (which
    we refuse, rightly, for a store cut to nothing). Built aside and linked, the
    path is either absent or a complete store; of two processes racing, the
    first link wins and the other opens the winner's store.
    """
    draft = path.with_name(f".{path.name}.{uuid.uuid4().hex}.creating")
    draft_url = URL.create("sqlite", database=str(draft))
    engine = _create_engine(draft_url)
    try:
        _migrate(Store(draft_url, engine), create=True)
    finally:
        engine.dispose()  # the last connection checkpoints and removes -wal and -shm
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made it first; its store is as good as ours
    except OSError as exc:
        if is_disk_full(exc):
            raise StoreError(disk_full_message(str(path))) from None
        raise StoreError(f"cannot create the store {path}: {exc.strerror}") from None
    finally:
        for leftover in (draft, *(Path(f"{draft}{end}") for end in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {folder}: {exc.strerror}") from None


def _check_existing_revision(path: Path, *, create: bool) -> None:
    """Look inside read-only: refuse foreign, corrupt or newer databases untouched."""
    try:
        found = raw_sql.sqlite_file_schema(path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(_unreadable(path, exc)) from None
    if not found.tables and not create:
        raise NoStoreError(str(path), ": the SQLite database there has no tables")
    if found.tables and "alembic_version" not in found.tables:
        raise StoreError(f"{path} is a SQLite database but not an Incident Commander one")
    if found.revision is not None and found.revision not in schema.KNOWN_REVISIONS:
        raise StoreError(
            f"{path} was written by a newer Incident Commander (schema {found.revision}); "
            "update the app to open it"
        )


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> str:
    """Why SQLite could not look into ``path``: only what it calls damaged is called so."""
    if is_disk_full(exc, path):  # in WAL mode even a read needs room for the -shm file
        return disk_full_message(str(path))
    code = getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_NOTADB) & 0xFF
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return f"{path} is damaged or not a database ({exc})"
    return f"cannot read {path}: {exc}"


def _current_revision(store: Store) -> str | None:
    try:
        with store.engine.connect() as connection:
            return raw_sql.stored_revision(connection)
    except DBAPIError as exc:
        if is_disk_full(exc, store.sqlite_file):
            raise StoreError(disk_full_message(store.location)) from None
        raise StoreError(
            f"cannot open database {store.location}: {_hidden(_reason(exc), store.url)}"
        ) from None


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return (str(orig) if orig else str(exc)).strip().splitlines()[0]


def _migrate(store: Store, *, create: bool) -> None:
    revision = _current_revision(store)
    if revision == schema.HEAD:
        return
    if revision is None and not create:
        # A server database with none of our tables: not a store yet, and a command
        # that only reads must not turn it into one.
        raise NoStoreError(store.location)
    if revision is not None and revision not in schema.KNOWN_REVISIONS:
        raise StoreError(
            f"database {store.location} was written by a newer Incident Commander "
            f"(schema {revision}); update the app to open it"
        )
    if revision is not None and store.is_sqlite and store.url.database:
        source = Path(store.url.database)
        _back_up(source, Path(f"{source}.before-{schema.HEAD}.bak"))
    from commander.store.migrate import upgrade_to_head  # Alembic is slow to import.

    try:
        upgrade_to_head(store._write_engine)
    except DBAPIError as exc:
        if is_disk_full(exc, store.sqlite_file):
            raise StoreError(disk_full_message(store.location)) from None
        if _sqlstate(exc) == INSUFFICIENT_PRIVILEGE:
            # A seat or observer role may not change the schema (commander team-sql).
            state = f"is at schema {revision}" if revision else "has no store yet"
            raise StoreError(
                f"database {store.location} {state} and needs schema {schema.HEAD}, which "
                f"role {_role(store.url)} may not make: its owner opens it once to migrate"
            ) from None
        raise StoreError(
            f"cannot prepare database {store.location}: {_hidden(_reason(exc), store.url)}"
        ) from None


def _back_up(source: Path, backup: Path) -> None:
    """Copy the store aside before migrating it; a copy cut short is not left behind."""
    try:
        shutil.copy2(source, backup)
    except OSError as exc:
        backup.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise StoreError(disk_full_message(str(source))) from None
        raise StoreError(
            f"cannot back up {source} to {backup} before migrating: {exc.strerror}"
        ) from None
    log.info("backed up %s to %s before migrating", source, backup)
