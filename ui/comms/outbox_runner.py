"""Delivers the outbox while the window is open, on its own thread pool.

A timer asks for due deliveries every few seconds; each claimed delivery is
sent as its own job, several at once. The pool is separate from the window's
store-writes worker, so a provider that stalls for its whole timeout never
delays logging, and one stalled target never holds up the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from commander.logs import RepeatedFailure
from ui.context import with_changes
from ui.workers import Worker

if TYPE_CHECKING:
    from commander.services.outbox import Claim
    from commander.store.engine import Store
    from commander.views.changes import Changes
    from commander.views.comms import DeliveryView

log = logging.getLogger(__name__)

PASS_INTERVAL_MS = 2_000
PARALLEL_DELIVERIES = 6


def _claim_due(store: Store, owner: str, limit: int) -> tuple[list[Claim], list[Changes]]:
    from commander.services.outbox import claim_due

    # A claim can write too: a post that may have gone out before its sender died fails.
    return with_changes(lambda: claim_due(store, owner=owner, limit=limit))


def _deliver(store: Store, claim: Claim) -> tuple[DeliveryView, list[Changes]]:
    from commander.domain.changes import Aspect
    from commander.services.outbox import deliver_claimed
    from commander.views.changes import Changes

    delivered, written = with_changes(lambda: deliver_claimed(store, claim))
    if not any(changes.incident_id == claim.incident_id for changes in written):
        # A retry after the first failure writes no entry, yet its attempt count, error
        # and next attempt changed: the Comms tab and the header must read them again.
        written.append(Changes(claim.incident_id, frozenset({Aspect.COMMS})))
    return delivered, written


class OutboxRunner(QObject):
    # A delivery's new state (a DeliveryView), once recorded in the store.
    delivery_finished = Signal(object)
    # What recording it changed (list[Changes]): this window's own write, made off the
    # writer, for ``AppContext.announce``.
    recorded = Signal(object)

    def __init__(
        self,
        parallel: int = PARALLEL_DELIVERIES,
        interval_ms: int = PASS_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # One more thread than deliveries, so claiming never waits behind a stalled send.
        self.worker = Worker(on_error=self._on_error, max_threads=parallel + 1, parent=self)
        self._parallel = parallel
        self._store: Store | None = None
        self._owner = ""  # named in start(): not worth loading before paint
        self._claiming = False
        self._failures = RepeatedFailure(log, "outbox pass")
        self._again = False
        self._more_due = False
        self._in_flight = 0
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.run_pass)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def start(self, store: Store) -> None:
        """Begin delivering; anything left pending or half-sent last time goes first."""
        from commander.services.lease_owner import worker_id

        self._owner = worker_id()  # leases name their holder: host, process and this runner
        self._store = store
        self._timer.start()
        self.run_pass()

    def stop(self) -> None:
        self._timer.stop()
        self._store = None

    def kick(self) -> None:
        """A message was just queued: do not wait for the next tick."""
        self.run_pass()

    def run_pass(self) -> None:
        free = self._parallel - self._in_flight
        if self._claiming:
            self._again = True  # something was queued after this claim read the table
            return
        if self._store is None or free <= 0:
            return
        store, owner = self._store, self._owner
        self._claiming = True
        self.worker.submit(
            lambda: _claim_due(store, owner, free),
            lambda claimed: self._on_claimed(claimed, free),
            self._on_claim_failed,
        )

    def _on_claimed(self, claimed: tuple[list[Claim], list[Changes]], free: int) -> None:
        self._claiming = False
        self._failures.worked()
        claims, written = claimed
        if written:
            self.recorded.emit(written)
        # A full batch may have left due deliveries behind: claim again as slots free up.
        self._more_due = len(claims) >= free
        store = self._store
        if store is None:
            return  # stopped meanwhile; the leases run out and the next start sends them
        for claim in claims:
            self._in_flight += 1
            self.worker.submit(
                self._delivery_job(store, claim), self._on_delivered, self._on_delivery_failed
            )
        if self._again:
            self._again = False
            self.run_pass()

    @staticmethod
    def _delivery_job(
        store: Store, claim: Claim
    ) -> Callable[[], tuple[DeliveryView, list[Changes]]]:
        return lambda: _deliver(store, claim)

    def _on_claim_failed(self, error: BaseException) -> None:
        self._claiming = False
        self._failures.failed(error)  # tried again at the next tick

    def _on_delivered(self, outcome: tuple[DeliveryView, list[Changes]]) -> None:
        delivery, written = outcome
        self._in_flight -= 1
        self.recorded.emit(written)
        self.delivery_finished.emit(delivery)
        if self._more_due:
            self.run_pass()

    def _on_delivery_failed(self, error: BaseException) -> None:
        # Recording failed (the store was unreachable); the lease expires and it is retried.
        self._in_flight -= 1
        log.warning("could not record a delivery: %s", error)

    def _on_error(self, error: BaseException) -> None:
        log.warning("outbox job failed: %s", error)

    def wait(self, msecs: int) -> bool:
        return self.worker.wait(msecs)
