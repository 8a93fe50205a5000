"""The live view: other seats' writes announced in this window, about twice a second.

``ChangeFeed.poll()`` says almost for free whether anyone committed; only then
are the changes after the cursor read (every incident at once) and handed to
``context.announce_from_feed``, which drops what this window announced itself.
The cursor starts after everything committed when the store opened.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from commander.services.feed import ChangeFeed
    from commander.store.engine import Store
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
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self._context = context
        self.feed: ChangeFeed | None = None
        self.cursor = 0
        self._polling = False
        self._timer = QTimer(self, interval=POLL_INTERVAL_MS)
        self._timer.timeout.connect(self.poll)
        context.store_opened.connect(self._start)

    def _start(self) -> None:
        store = self._context.require_store()
        # On the writer, like the polls: a write queued before it is already in the cursor.
        self._context.writer.submit(lambda: open_feed(store), self._on_opened)

    def _on_opened(self, opened: tuple[ChangeFeed, int]) -> None:
        self.feed, self.cursor = opened
        self._timer.start()

    def poll(self) -> None:
        feed, store = self.feed, self._context.store
        if self._polling or feed is None or store is None:
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
        if result is None:
            return
        batch, self.cursor = result
        self._context.announce_from_feed(batch)

    def _on_failed(self, error: BaseException) -> None:
        self._polling = False
        log.warning("live update failed: %s", error)  # tried again at the next tick

    def stop_polling(self) -> None:
        self._timer.stop()

    def close(self) -> None:
        """Close the feed's connection (the window is closing; the workers are idle)."""
        self._timer.stop()
        if self.feed is not None:
            self.feed.close()
            self.feed = None
