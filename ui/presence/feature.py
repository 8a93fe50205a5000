"""Presence in the window: a seat on the incident shown, and who else is on it.

Every ``REFRESH_MS`` a job on the feature's own one-thread worker (never the UI
thread, nor the writer, so a store busy with someone's write delays no entry the
scribe logs) beats for the open incident and reads the seats on it; the beat
writes at most once per ``HEARTBEAT_SECONDS`` (services.presence.Heartbeat), or at
once when another incident opens. The header line shows the answer. Presence
writes hold no timeline entry: nothing is announced, no panel reloads. When the
window closes, the seat leaves (its rows deleted) before the store closes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from commander.clock import now as clock_now
from commander.domain.presence import HEARTBEAT_SECONDS
from commander.errors import CommanderError
from commander.logs import RepeatedFailure
from ui.presence.store_calls import SeatKeeper
from ui.workers import Worker

if TYPE_CHECKING:
    from commander.views.incidents import IncidentDetail
    from commander.views.presence import SeatView
    from ui.context import AppContext
    from ui.presence.strip import PresenceStrip
    from ui.shell import Shell

log = logging.getLogger(__name__)

REFRESH_MS = 2_500
# Closing waits this long for the seat to leave (a beat on its way, then the delete).
CLOSE_WAIT_MS = 3_000


class PresenceFeature(QObject):
    # The seats shown in the header (list[SeatView]), after each refresh.
    refreshed = Signal(object)

    def __init__(
        self,
        context: AppContext,
        shell: Shell,
        refresh_ms: int = REFRESH_MS,
        every: float = HEARTBEAT_SECONDS,
    ) -> None:
        super().__init__(context)
        self.context = context
        self.shell = shell
        self.every = every
        self.worker = Worker(on_error=self._on_failed, max_threads=1, parent=self)
        self.keeper: SeatKeeper | None = None  # once the store is open
        self.strip: PresenceStrip | None = None  # built when the first incident opens
        self._busy = False
        self._again = False
        self._stopped = False
        self._failures = RepeatedFailure(log, "presence: refreshing who is here")
        self._timer = QTimer(self, interval=refresh_ms)
        self._timer.timeout.connect(self.refresh)
        context.store_opened.connect(self._on_store_opened)
        context.incident_opened.connect(self._on_incident_opened)
        shell.when_closing(self._leave)

    def _on_store_opened(self) -> None:
        self.keeper = SeatKeeper(self.context.require_store(), self.every)
        self._timer.start()
        self.refresh()

    def _on_incident_opened(self, incident: IncidentDetail | None) -> None:
        if incident is not None:
            self._ensure_strip()
        self.refresh()  # beat for the incident now shown (or leave the one that was)

    def _ensure_strip(self) -> PresenceStrip:
        from ui.presence.strip import PresenceStrip

        if self.strip is None:
            self.strip = PresenceStrip()
            self.shell.add_header_line(self.strip)
        return self.strip

    # -- each refresh: beat, then read who is here -------------------------------------------
    def refresh(self) -> None:
        keeper = self.keeper
        if keeper is None or self._stopped:
            return
        if self._busy:
            self._again = True  # the incident changed while a refresh was on its way
            return
        try:
            name = self.context.author()
        except CommanderError as exc:  # a name the store cannot keep: no seat, no dialog
            log.warning("presence: %s", exc)
            return
        incident = self.context.incident
        shown = (incident.id, incident.ref) if incident is not None else None
        self._busy = True
        self.worker.submit(
            lambda: keeper.beat_and_read(shown, name),
            lambda seats: self._on_read(shown, seats),
            self._on_failed,
        )

    def _on_read(self, shown: tuple[int, str] | None, seats: list[SeatView]) -> None:
        self._failures.worked()
        self._done()
        incident = self.context.incident
        if shown is None or incident is None or incident.id != shown[0]:
            seats = []  # another incident opened meanwhile: its refresh follows
        if self.strip is not None:
            own = self.keeper.seat_id if self.keeper is not None else None
            self.strip.show_seats(seats, own, clock_now())
        self.refreshed.emit(seats)

    def _on_failed(self, error: BaseException) -> None:
        # Tried again at the next refresh; a dialog every few seconds would bury the scribe,
        # and a line every few seconds the log while the server is away: the first says so.
        self._failures.failed(error)
        self._done()

    def _done(self) -> None:
        self._busy = False
        if self._again:
            self._again = False
            self.refresh()

    # -- closing ------------------------------------------------------------------------------
    def _leave(self) -> None:
        """The window closes: no more beats; the seat's rows are deleted before the store
        closes."""
        self._stopped = True
        self._timer.stop()
        keeper = self.keeper
        if keeper is not None:
            self.worker.submit(keeper.leave, lambda _none: None, self._on_leave_failed)
        if not self.worker.wait(CLOSE_WAIT_MS):
            log.warning("presence: the seat did not leave within %d ms", CLOSE_WAIT_MS)

    def _on_leave_failed(self, error: BaseException) -> None:
        log.warning("presence: could not leave: %s", error)
