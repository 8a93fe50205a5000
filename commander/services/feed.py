"""Keeping an open window (or ``tail --follow``) current while other seats write.

On PostgreSQL each commit that changed the timeline sends ``NOTIFY``
(``store/notify.py``) and a reader listens (``listen_for_changes``): it reads the
feed from its cursor as soon as one arrives, and polls only while its listening
connection is down. On SQLite it polls: ``ChangeFeed.poll()`` answers "may
anything have changed?" almost for free; only then does it ask
``changes_since`` for the entries written, edited, deleted or restored after
its cursor. A new severity or phase entry tells it to refetch the header.

Typical use::

    feed = ChangeFeed(store)
    entries, cursor = changes_since(store, incident_id, 0)  # first load
    ...  # every second:
    if feed.poll():
        changed, cursor = changes_since(store, incident_id, cursor)
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from sqlalchemy import func, select

from commander.store import raw_sql
from commander.store.engine import Store
from commander.store.listen import ChangeListener
from commander.store.notify import Notice
from commander.store.orm import TimelineEntry
from commander.views.changes import Changes, changes_of_entries
from commander.views.incidents import EntryView

log = logging.getLogger(__name__)


def changes_since(store: Store, incident_id: int, cursor: int) -> tuple[list[EntryView], int]:
    """Entries of the incident changed after ``cursor`` (deleted ones included,
    so they can be struck out), oldest change first, and the cursor to pass next.

    Start with cursor 0 to get the whole timeline. Every write gives an entry a
    version above all others and versions commit in order (see
    ``timeline.next_version``), so nothing is skipped between polls.
    """
    with store.read() as session:
        rows = session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.incident_id == incident_id, TimelineEntry.version > cursor)
            .order_by(TimelineEntry.version)
        )
        entries = [EntryView.of(row) for row in rows]
    return entries, (entries[-1].version if entries else cursor)


def read_changes(store: Store, cursor: int) -> tuple[list[Changes], int]:
    """Every incident's changes committed after ``cursor`` (one ``Changes`` per
    incident, the same value a write announces where it was made) and the cursor
    to pass next. Versions are global and commit in order, so one index range
    read covers every incident.
    """
    with store.read() as session:
        rows = session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.version > cursor)
            .order_by(TimelineEntry.version)
        )
        entries = [EntryView.of(row) for row in rows]
    return changes_of_entries(entries), (entries[-1].version if entries else cursor)


def latest_version(store: Store) -> int:
    """Where a new reader of the feed starts: after everything committed so far."""
    with store.read() as session:
        return session.scalar(select(func.max(TimelineEntry.version))) or 0


class ChangeFeed:
    """Cheap "did anyone commit?" checks for one store.

    On a SQLite file it keeps one connection of its own and reads
    ``PRAGMA data_version``, which changes only when another connection
    (another window, process or machine) commits. The value is per
    connection, hence one long-lived connection. Elsewhere (PostgreSQL, an
    in-memory database) ``poll()`` always says yes; polling ``changes_since``
    stays cheap thanks to its index.

    Use it from one thread at a time; ``close()`` when the window closes.
    """

    def __init__(self, store: Store) -> None:
        self._connection = _watch_connection(store)
        self._seen = self.data_version()

    def data_version(self) -> int | None:
        """SQLite's counter of other connections' commits, or None if unknown."""
        if self._connection is None:
            return None
        try:
            return raw_sql.data_version(self._connection)
        except sqlite3.Error as exc:
            log.warning("cannot read data_version: %s", exc)
            return None

    def poll(self) -> bool:
        """True if something may have changed since the last poll (or creation)."""
        current = self.data_version()
        if current is None:
            return True
        changed = current != self._seen
        self._seen = current
        return changed

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> ChangeFeed:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _watch_connection(store: Store) -> sqlite3.Connection | None:
    database = store.url.database
    if not store.is_sqlite or not database or database == ":memory:":
        return None
    return raw_sql.watch_data_version(Path(database))


def listen_for_changes(
    store: Store,
    on_wake: Callable[[Notice | None], None],
    on_state: Callable[[bool], None] = lambda listening: None,
) -> ChangeListener | None:
    """Start listening for other seats' commits (PostgreSQL); None where only polling
    works (SQLite). ``on_wake`` and ``on_state`` run on the listener's thread."""
    if not store.is_postgresql:
        return None
    listener = ChangeListener(store.url, on_wake, on_state)
    listener.start()
    return listener


class FeedWaiter:
    """Blocking waits for "another seat may have committed", for a reader without an
    event loop (``commander tail --follow``).

    PostgreSQL: woken by the listener at once; while its connection is down, every
    ``poll_interval``. SQLite: ``ChangeFeed.poll()`` every ``poll_interval``.
    """

    def __init__(self, store: Store, poll_interval: float = 0.25) -> None:
        self._poll_interval = poll_interval
        self._woken = threading.Event()
        self._feed = ChangeFeed(store)
        # A lost or regained connection wakes the wait too: it then polls, or reads
        # what committed while it was not listening.
        self.listener = listen_for_changes(
            store, lambda _notice: self._woken.set(), lambda _listening: self._woken.set()
        )

    def wait(self, timeout: float) -> bool:
        """True as soon as something may have changed; False after ``timeout`` without."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if self.listener is not None and self.listener.listening:
                woken = self._woken.wait(max(0.0, remaining))
                self._woken.clear()
                if woken:
                    return True
            elif self.listener is not None:
                time.sleep(min(self._poll_interval, max(0.0, remaining)))
                return True  # no news while the connection is down: read to be sure
            elif self._feed.poll():
                return True
            else:
                time.sleep(min(self._poll_interval, max(0.0, remaining)))
            if time.monotonic() >= deadline:
                return False

    def close(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        self._feed.close()
