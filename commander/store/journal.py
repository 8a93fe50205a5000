"""The window's journal: entries the scribe typed while the database server was away.

A small SQLite file of its own beside the settings (``paths.journal_path``), so
what was typed survives the server, the network and the window closing. Each
row is one entry for one store (named by its location, never a password) with
the idempotency key the window gave it; ``services.journal_replay`` writes the
rows to the server in the order they were typed and removes each only once the
server holds it, so a replay interrupted at any point writes each entry once.

Plain ``sqlite3`` like the alert receiver's queue: one connection shared under
a lock, each statement autocommitted in well under a millisecond.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commander.domain import EntryKind
from commander.domain.kinds import entry_kind
from commander.errors import StoreError

if TYPE_CHECKING:
    from commander.store.engine import Store

_SCHEMA_VERSION = 1
_CREATE = """
CREATE TABLE IF NOT EXISTS journaled_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    store TEXT NOT NULL,
    incident_id INTEGER NOT NULL,
    incident_ref TEXT NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    pinned INTEGER NOT NULL,
    author TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    typed_at TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    failed TEXT
)
"""
_COLUMNS = (
    "id, incident_id, incident_ref, text, kind, pinned, author, occurred_at, typed_at, "
    "idempotency_key"
)
_BUSY_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class JournaledEntry:
    """One entry waiting for the server."""

    id: int
    incident_id: int
    incident_ref: str
    text: str
    kind: EntryKind
    pinned: bool
    author: str
    occurred_at: datetime
    typed_at: datetime
    idempotency_key: str


def journal_key(store: Store) -> str:
    """What the journal names a store by: its location, without a password."""
    return store.location


class EntryJournal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(
                path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the entry journal {path}: {exc}") from None
        try:
            self._prepare()
        except (sqlite3.Error, StoreError) as exc:
            self._connection.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot use the entry journal {path}: {exc}") from None

    def _prepare(self) -> None:
        connection = self._connection
        connection.execute("PRAGMA journal_mode = WAL")
        # FULL: an entry the window said it kept must survive a power cut too.
        connection.execute("PRAGMA synchronous = FULL")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, _SCHEMA_VERSION):
            raise StoreError(
                f"the entry journal {self.path} was written by a newer Incident Commander"
            )
        connection.execute(_CREATE)
        connection.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")

    def put(
        self,
        store: str,
        *,
        incident_id: int,
        incident_ref: str,
        text: str,
        kind: EntryKind,
        pinned: bool,
        author: str,
        occurred_at: datetime,
        typed_at: datetime,
        idempotency_key: str,
    ) -> JournaledEntry:
        """Keep one entry for ``store``; returned once it is on disk."""
        [(row_id,)] = self._run(
            "INSERT INTO journaled_entries (store, incident_id, incident_ref, text, kind, "
            "pinned, author, occurred_at, typed_at, idempotency_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                store,
                incident_id,
                incident_ref,
                text,
                kind.value,
                int(pinned),
                author,
                occurred_at.astimezone(UTC).isoformat(),
                typed_at.astimezone(UTC).isoformat(),  # one zone: the text sorts as time
                idempotency_key,
            ),
        )
        return JournaledEntry(
            int(row_id),
            incident_id,
            incident_ref,
            text,
            kind,
            pinned,
            author,
            occurred_at,
            typed_at,
            idempotency_key,
        )

    def waiting(self, store: str, incident_id: int | None = None) -> list[JournaledEntry]:
        """The entries waiting for ``store`` (one incident's, if given), in typing order."""
        where = "store = ? AND failed IS NULL"
        parameters: tuple[object, ...] = (store,)
        if incident_id is not None:
            where += " AND incident_id = ?"
            parameters += (incident_id,)
        rows = self._run(
            f"SELECT {_COLUMNS} FROM journaled_entries WHERE {where} "  # noqa: S608 - constants
            "ORDER BY typed_at, id",
            parameters,
        )
        return [_entry(row) for row in rows]

    def count(self, store: str) -> int:
        [(waiting,)] = self._run(
            "SELECT count(*) FROM journaled_entries WHERE store = ? AND failed IS NULL", (store,)
        )
        return int(waiting)

    def remove(self, entry_id: int) -> None:
        """The server holds it now."""
        self._run("DELETE FROM journaled_entries WHERE id = ?", (entry_id,))

    def set_aside(self, entry_id: int, error: str) -> None:
        """The server refused it for good (its incident is gone): kept, out of the way."""
        self._run("UPDATE journaled_entries SET failed = ? WHERE id = ?", (error, entry_id))

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def _run(self, sql: str, parameters: tuple[object, ...] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._connection.execute(sql, parameters).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"entry journal {self.path}: {exc}") from None


def _entry(row: tuple[Any, ...]) -> JournaledEntry:
    entry_id, incident_id, ref, text, kind, pinned, author, occurred, typed, key = row
    return JournaledEntry(
        int(entry_id),
        int(incident_id),
        str(ref),
        str(text),
        entry_kind(kind),
        bool(pinned),
        str(author),
        datetime.fromisoformat(occurred),
        datetime.fromisoformat(typed),
        str(key),
    )
