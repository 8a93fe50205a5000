"""A small SQLite file of the app's own, beside a store or the settings: not a store.

The alert receiver's queue and the window's entry journal each keep one. Plain
``sqlite3``: one connection shared by the threads under a lock, each statement
autocommitted (well under a millisecond), WAL so a reader never waits for a
writer. A file written by a newer copy of the app (a higher ``user_version``)
is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Literal

from commander.errors import StoreError

BUSY_TIMEOUT_S = 5.0


class LocalFile:
    def __init__(
        self,
        path: Path,
        what: str,
        create_sql: str,
        *,
        schema_version: int = 1,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
    ) -> None:
        """Open (or make) ``path`` holding ``create_sql``'s table; ``what`` names it in
        messages ("the alert queue")."""
        self.path = path
        self.what = what
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open {what} {path}: {exc}") from None
        try:
            self._prepare(create_sql, schema_version, synchronous)
        except sqlite3.Error as exc:
            self._connection.close()
            raise StoreError(f"cannot use {what} {path}: {exc}") from None
        except StoreError:
            self._connection.close()
            raise

    def _prepare(self, create_sql: str, schema_version: int, synchronous: str) -> None:
        connection = self._connection
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute(f"PRAGMA synchronous = {synchronous}")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, schema_version):
            raise StoreError(f"{self.what} {self.path} was written by a newer Incident Commander")
        connection.execute(create_sql)
        connection.execute(f"PRAGMA user_version = {schema_version}")

    def run(self, sql: str, parameters: tuple[object, ...] = ()) -> list[Any]:
        """One statement in its own transaction (autocommit), its rows read under the lock."""
        with self._lock:
            try:
                return self._connection.execute(sql, parameters).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"{self.what} {self.path}: {exc}") from None

    def close(self) -> None:
        with self._lock:
            self._connection.close()
