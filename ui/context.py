"""The application context: what every feature of the window works with.

Features get the store, the two workers, the settings, the open incident and the
change announcement from here, never from the main window. A write goes through
``write``: it runs on the writer worker, collects the timeline entries it
committed and announces them as ``Changes`` on ``changed`` before its own
callback runs; the change feed announces other seats' writes the same way, and
skips those this window already announced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from commander.errors import CommanderError
from commander.settings import Settings
from ui.workers import Failed, Worker

if TYPE_CHECKING:
    from commander.store.engine import Store
    from commander.store.journal import EntryJournal
    from commander.views.changes import Changes
    from commander.views.incidents import IncidentDetail

T = TypeVar("T")

# Versions this window announced itself, kept until the feed has passed them.
_MAX_OWN_VERSIONS = 10_000


def with_changes(call: Callable[[], T]) -> tuple[T, list[Changes]]:
    """Run a core write (on a worker thread) and say what it changed, per incident."""
    from commander.store.announce import collecting
    from commander.views.changes import changes_of_entries

    with collecting() as written:
        result = call()
    return result, changes_of_entries(written)


class AppContext(QObject):
    # A write changed these aspects of an incident (here or on another seat): Changes.
    changed = Signal(object)
    # The store is open (``store`` is set).
    store_opened = Signal()
    # The window shows this incident now (IncidentDetail), or None.
    incident_opened = Signal(object)
    # A feature asks the window to open (or re-read) an incident by ref.
    incident_requested = Signal(str)
    # The timeline's clock switched between UTC and local time.
    local_time_changed = Signal(bool)
    # The database server was lost (True) or is back and the journal written (False).
    server_lost_changed = Signal(bool)
    # Entries were put in the journal or written from it to the server.
    journal_changed = Signal()

    def __init__(
        self,
        settings: Settings,
        writer: Worker,
        reader: Worker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        # One thread: writes (and the short reads that must follow them) in the user's order.
        self.writer = writer
        # Long reads (reports, search, similar incidents) that must never queue a write.
        self.reader = reader
        self.store: Store | None = None
        self.incident: IncidentDetail | None = None
        self._own_versions: set[int] = set()
        # A server store's journal of entries typed while the server is away (ui/offline).
        self.journal: EntryJournal | None = None
        self.server_lost = False

    # -- state the window sets ----------------------------------------------------------
    def set_store(self, store: Store) -> None:
        self.store = store
        self.store_opened.emit()

    def set_incident(self, incident: IncidentDetail | None) -> None:
        self.incident = incident
        self.incident_opened.emit(incident)

    def set_server_lost(self, lost: bool) -> None:
        if lost != self.server_lost:
            self.server_lost = lost
            self.server_lost_changed.emit(lost)

    def set_local_time(self, local: bool) -> None:
        self.settings.show_local_time = local
        self.local_time_changed.emit(local)

    # -- what features use ----------------------------------------------------------
    def require_store(self) -> Store:
        if self.store is None:
            raise CommanderError("the incident store is not open yet")
        return self.store

    def author(self) -> str:
        return self.settings.author_or_default()

    def shows(self, changes: Changes) -> bool:
        """True when ``changes`` is about the incident open in the window."""
        return self.incident is not None and changes.incident_id == self.incident.id

    def open_incident(self, ref: str) -> None:
        self.incident_requested.emit(ref)

    def write(
        self,
        call: Callable[[Store], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
    ) -> None:
        """Run a core write on the writer; announce what it changed, then ``on_done``."""
        store = self.require_store()

        def job() -> tuple[T, list[Changes]]:
            return with_changes(lambda: call(store))

        def done(outcome: tuple[T, list[Changes]]) -> None:
            result, written = outcome
            self.announce(written)
            if on_done is not None:
                on_done(result)

        self.writer.submit(job, done, on_error)

    def read(
        self,
        call: Callable[[Store], T],
        on_done: Callable[[T], None],
        on_error: Failed | None = None,
        *,
        slow: bool = False,
    ) -> None:
        """Run a core read: after the writes queued before it, or on the reader if slow."""
        store = self.require_store()
        worker = self.reader if slow else self.writer
        worker.submit(lambda: call(store), on_done, on_error)

    def announce(self, written: list[Changes]) -> None:
        """Announce writes this window made off the writer (the outbox runner's pool):
        they are this window's own, so the feed will not bring them back."""
        for changes in written:
            self._remember_own(changes)
            self.changed.emit(changes)

    # -- the change feed ----------------------------------------------------------------
    def announce_from_feed(self, batch: list[Changes]) -> None:
        """Announce other writers' changes; entries this window announced are dropped."""
        for changes in batch:
            fresh = tuple(e for e in changes.entries if e.version not in self._own_versions)
            self._own_versions.difference_update(e.version for e in changes.entries)
            if not fresh:
                continue
            if len(fresh) != len(changes.entries):
                from commander.views.changes import changes_of_entries

                for regrouped in changes_of_entries(fresh):
                    self.changed.emit(regrouped)
                continue
            self.changed.emit(changes)

    def _remember_own(self, changes: Changes) -> None:
        if len(self._own_versions) > _MAX_OWN_VERSIONS:
            self._own_versions.clear()  # the feed has long passed them
        self._own_versions.update(e.version for e in changes.entries)
