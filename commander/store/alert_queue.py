"""The alert receiver's queue: a small SQLite file of notifications it accepted and
the inbox has not taken in yet.

The receiver answers a sender only once the notification is stored, and must
answer quickly (within 100 ms) whatever the store is doing. The store itself
cannot promise that: SQLite lets one writer in at a time, and a waiting writer
sleeps in steps of up to 100 ms while the window, the outbox or another process
writes. So the receiver writes to this file of its own, which nothing else
writes to but the queue's worker taking rows out, and the worker moves each
notification into the store (services/alert_inbox.py). A notification is
removed from here only after the store committed it; one taken in twice (a
crash between the two) is kept once there, by its dedup key.

Plain ``sqlite3``, one connection per queue shared by the receiver's threads
under a lock: each statement takes well under a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from commander.store.local_file import LocalFile

_CREATE = """
CREATE TABLE IF NOT EXISTS queued_notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    failed TEXT
)
"""


@dataclass(frozen=True, slots=True)
class QueuedNotification:
    id: int
    source: str
    body: str
    received_at: datetime


class AlertQueue:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = LocalFile(path, "the alert queue", _CREATE, synchronous="NORMAL")

    def put(self, source: str, body: str, received_at: datetime) -> int:
        """Store one notification; its queue id once it is on disk."""
        [(item_id,)] = self._file.run(
            "INSERT INTO queued_notifications (source, body, received_at) VALUES (?, ?, ?) "
            "RETURNING id",
            (source, body, received_at.isoformat()),
        )
        return int(item_id)

    def waiting(self, limit: int = 50) -> list[QueuedNotification]:
        """The oldest notifications not taken in yet (failed ones stay aside)."""
        rows = self._file.run(
            "SELECT id, source, body, received_at FROM queued_notifications "
            "WHERE failed IS NULL ORDER BY id LIMIT ?",
            (limit,),
        )
        return [
            QueuedNotification(int(i), str(s), str(b), datetime.fromisoformat(r))
            for i, s, b, r in rows
        ]

    def remove(self, item_id: int) -> None:
        self._file.run("DELETE FROM queued_notifications WHERE id = ?", (item_id,))

    def set_aside(self, item_id: int, error: str) -> None:
        """Keep a notification the inbox could not take in (a bug), out of the way."""
        self._file.run("UPDATE queued_notifications SET failed = ? WHERE id = ?", (error, item_id))

    def counts(self) -> tuple[int, int]:
        """How many notifications wait, and how many were set aside."""
        [(waiting, failed)] = self._file.run(
            "SELECT count(*) - count(failed), count(failed) FROM queued_notifications"
        )
        return int(waiting), int(failed)

    def close(self) -> None:
        self._file.close()
