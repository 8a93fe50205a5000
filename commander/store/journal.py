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

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commander.domain import EntryKind
from commander.domain.kinds import entry_kind
from commander.store.local_file import LocalFile

if TYPE_CHECKING:
    from commander.store.engine import Store

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
        # FULL: an entry the window said it kept must survive a power cut too.
        self._file = LocalFile(path, "the entry journal", _CREATE, synchronous="FULL")

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
        [(row_id,)] = self._file.run(
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
        rows = self._file.run(
            f"SELECT {_COLUMNS} FROM journaled_entries WHERE {where} "  # noqa: S608 - constants
            "ORDER BY typed_at, id",
            parameters,
        )
        return [_entry(row) for row in rows]

    def count(self, store: str) -> int:
        [(waiting,)] = self._file.run(
            "SELECT count(*) FROM journaled_entries WHERE store = ? AND failed IS NULL", (store,)
        )
        return int(waiting)

    def remove(self, entry_id: int) -> None:
        """The server holds it now."""
        self._file.run("DELETE FROM journaled_entries WHERE id = ?", (entry_id,))

    def set_aside(self, entry_id: int, error: str) -> None:
        """The server refused it for good (its incident is gone): kept, out of the way."""
        self._file.run("UPDATE journaled_entries SET failed = ? WHERE id = ?", (error, entry_id))

    def close(self) -> None:
        self._file.close()


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
