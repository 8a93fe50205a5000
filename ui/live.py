"""The live view: other seats' writes announced in this window.

On PostgreSQL a listening connection (``services.feed.listen_for_changes``, on a
thread of its own) wakes the feed read as soon as another seat commits; while that
connection is down the window polls twice a second, as it does on SQLite, and the
listener reconnects by itself. On SQLite ``ChangeFeed.poll()`` says almost for
free whether anyone committed. Either way only then are the changes after the
cursor read (every incident at once) and handed to
``context.announce_from_feed``, which drops what this window announced itself; so
a wake-up, a poll or both read the same cursor, and nothing is missed or repeated.
The cursor starts after everything committed when the store opened.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from commander.logs import RepeatedFailure

if TYPE_CHECKING:
    from commander.services.feed import ChangeFeed
    from commander.store.engine import Store
    from commander.store.listen import ChangeListener
    from commander.store.notify import Notice
    from commander.views.changes import Changes
    from ui.context import AppContext

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 500


def open_feed(store: Store) -> tuple[ChangeFeed, int]:
    """The feed and where its cursor starts (a job on the worker)."""
    from commander.services.feed import ChangeFeed, latest_version

    return ChangeFeed(store), latest_version(store)


def poll_once(feed: ChangeFeed, store: Store, cursor: int) -> tuple[list[Changes], int] | None:
    """One tick: None when nobody committed since the last one."""
    if not feed.poll():
        return None
    from commander.services.feed import read_changes

    return read_changes(store, cursor)


class LiveFeed(QObject):
    # From the listener's thread, queued to the UI thread: read the feed now.
    _woken = Signal()
    # The listener listens (True) or lost its connection (False): emitted on its
    # thread, received on the UI thread.
    listening_changed = Signal(bool)

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self._context = context
        self.feed: ChangeFeed | None = None
        self.listener: ChangeListener | None = None
        self.cursor = 0
        self._polling = False
        self._again = False  # woken while a read was under way: read once more after it
        self._failures = RepeatedFailure(log, "live update")
        self._timer = QTimer(self, interval=POLL_INTERVAL_MS)
        self._timer.timeout.connect(self.poll)
        self._woken.connect(self.poll)
        self.listening_changed.connect(self._on_listening_changed)
        context.store_opened.connect(self._start)

    @property
    def pushed(self) -> bool:
        """True while another seat's commit wakes this window (no polling)."""
        return self.listener is not None and self.listener.listening

    @property
    def polling(self) -> bool:
        """True while the window polls (SQLite, or the listening connection is down)."""
        return self._timer.isActive()

    def _start(self) -> None:
        store = self._context.require_store()
        # On the writer, like the polls: a write queued before it is already in the cursor.
        self._context.writer.submit(lambda: open_feed(store), self._on_opened)

    def _on_opened(self, opened: tuple[ChangeFeed, int]) -> None:
        self.feed, self.cursor = opened
        self._timer.start()  # until the listener (if any) listens
        store = self._context.store
        if store is not None and store.is_postgresql:
            from commander.services.feed import listen_for_changes

            self.listener = listen_for_changes(store, self._wake, self.listening_changed.emit)

    def _wake(self, _notice: Notice | None) -> None:
        # The listener's thread: hand over to the UI thread, which queues the read.
        self._woken.emit()

    def _on_listening_changed(self, listening: bool) -> None:
        if self.feed is None:
            return  # closed meanwhile
        if listening:
            self._timer.stop()  # the listener wakes us, and has already asked for a read
        else:
            log.info("live updates: listening connection lost; polling until it is back")
            self._timer.start()

    def poll(self) -> None:
        feed, store = self.feed, self._context.store
        if feed is None or store is None:
            return
        if self._polling:
            self._again = True  # the read under way may have started before this commit
            return
        self._polling = True
        cursor = self.cursor
        # The writer: a poll after a write sees the write's versions already remembered
        # by the context, so the feed never brings this window's own entries back.
        self._context.writer.submit(
            lambda: poll_once(feed, store, cursor), self._on_polled, self._on_failed
        )

    def _on_polled(self, result: tuple[list[Changes], int] | None) -> None:
        self._polling = False
        self._failures.worked()
        if result is not None:
            batch, self.cursor = result
            self._context.announce_from_feed(batch)
        self._read_again_if_woken()

    def _on_failed(self, error: BaseException) -> None:
        self._polling = False
        self._failures.failed(error)  # tried again at the next tick or wake
        if not self._timer.isActive():  # pushed: no tick comes, so try again shortly
            self._again = False
            QTimer.singleShot(POLL_INTERVAL_MS, self.poll)
            return
        self._read_again_if_woken()

    def _read_again_if_woken(self) -> None:
        if self._again:
            self._again = False
            self.poll()

    def stop_polling(self) -> None:
        self._timer.stop()
        if self.listener is not None:
            self.listener.stop()
            self.listener = None

    def close(self) -> None:
        """Close the feed's connections (the window is closing; the workers are idle)."""
        self.stop_polling()
        if self.feed is not None:
            self.feed.close()
            self.feed = None
