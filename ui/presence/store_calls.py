"""The core calls presence makes, each run as a job on the feature's own worker thread.

``SeatKeeper`` is made on the UI thread but used only by jobs on that one-thread
worker, one after the other, so its heartbeat needs no lock. Services are imported
on first use, on the worker.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from commander.errors import CommanderError

if TYPE_CHECKING:
    from commander.services.presence import Heartbeat
    from commander.store.engine import Store
    from commander.views.presence import SeatView

log = logging.getLogger(__name__)


class SeatKeeper:
    """This window's seat: beats for the incident shown, reads who is on it."""

    def __init__(self, store: Store, every: float) -> None:
        self.store = store
        self.every = every
        self.heartbeat: Heartbeat | None = None
        self.beat_failing = False

    def beat_and_read(self, shown: tuple[int, str] | None, name: str) -> list[SeatView]:
        """Beat for the incident shown (id, ref), or leave it for none; then who is on it.
        The beat writes only when due (services.presence.Heartbeat); the read is one
        small query."""
        from commander.domain.presence import SeatKind
        from commander.services.presence import Heartbeat, new_seat, seats_on

        if self.heartbeat is None:
            self.heartbeat = Heartbeat(self.store, new_seat(name, SeatKind.WINDOW), self.every)
        try:
            self.heartbeat.beat([shown[0]] if shown else [], name=name)
        except CommanderError as exc:
            # A seat that may not write (an observer's read-only role) still sees who is
            # here; said once, not at every refresh.
            if not self.beat_failing:
                log.warning("presence: this window could not mark itself present: %s", exc)
            self.beat_failing = True
        return seats_on(self.store, shown[1]) if shown else []

    @property
    def seat_id(self) -> str | None:
        return self.heartbeat.seat.seat_id if self.heartbeat is not None else None

    def leave(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.leave()
