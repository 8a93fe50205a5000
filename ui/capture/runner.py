"""Captures every open incident's chat channels while the window is open, off the UI thread.

A timer starts a round every two seconds unless one is running; a round, on the
runner's own one-thread pool (never the UI thread, never the window's writer),
lists the pairs to capture (``services.chat_capture.capture_pairs``) and runs a
pass over each one its ``CapturePacer`` says is due: every few seconds, later
after a failure (the provider's Retry-After, else a growing wait). A provider
that stalls for its timeout therefore delays capture, never logging. What the
passes wrote is this window's own write, made off the writer: it is announced
(``recorded``) for ``AppContext.announce``.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from commander.capture.pacing import CapturePacer
from commander.logs import RepeatedFailure
from ui.context import with_changes
from ui.workers import Worker

if TYPE_CHECKING:
    from commander.services.chat_capture import PassResult
    from commander.store.engine import Store
    from commander.views.changes import Changes

log = logging.getLogger(__name__)

TICK_MS = 2_000


def capture_round(store: Store, pacer: CapturePacer) -> tuple[list[PassResult], list[Changes]]:
    """One round: a pass over every due channel of every open incident."""
    from commander.services.chat_capture import capture_pairs, capture_pass

    pairs = capture_pairs(store)
    pacer.forget_all_but(pair.key for pair in pairs)
    results: list[PassResult] = []
    written: list[Changes] = []
    for pair in pairs:
        if not pacer.due(pair.key, time.monotonic()):
            continue
        result, changes = with_changes(lambda pair=pair: capture_pass(store, pair))  # type: ignore[misc]
        failed = result.error is not None
        pacer.passed(
            pair.key,
            time.monotonic(),
            failed=failed,
            retry_after=result.retry_after,
            provider=result.provider,
        )
        results.append(result)
        written += changes
    return results, written


class CaptureRunner(QObject):
    # The passes of a round (list[PassResult]), on the UI thread.
    passed = Signal(object)
    # What they wrote (list[Changes]): this window's own write, for AppContext.announce.
    recorded = Signal(object)

    def __init__(
        self,
        interval: float | None = None,
        tick_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = Worker(on_error=self._on_error, max_threads=1, parent=self)
        # Touched by one round at a time, each on the worker: never by two threads at once.
        self._pacer = CapturePacer(interval)
        # The store could not be read or written: logged once, the next tick tries again.
        self._failures = RepeatedFailure(log, "chat capture round")
        self._store: Store | None = None
        self._running = False
        self._timer = QTimer(self, interval=tick_ms)
        self._timer.timeout.connect(self.run_round)

    def start(self, store: Store) -> None:
        self._store = store
        self._timer.start()
        self.run_round()

    def stop(self) -> None:
        """No new rounds; a round under way finishes its pass (its write is whole)."""
        self._timer.stop()
        self._store = None

    def running(self) -> bool:
        return self._running

    def run_round(self) -> None:
        store = self._store
        if store is None or self._running:
            return
        self._running = True
        pacer = self._pacer
        self.worker.submit(lambda: capture_round(store, pacer), self._on_round, self._on_failed)

    def _on_round(self, outcome: tuple[list[PassResult], list[Changes]]) -> None:
        self._running = False
        self._failures.worked()
        results, written = outcome
        if written:
            self.recorded.emit(written)
        if results:
            self.passed.emit(results)

    def _on_failed(self, error: BaseException) -> None:
        # The store could not be read or written: the next tick tries again.
        self._running = False
        self._failures.failed(error)

    def _on_error(self, error: BaseException) -> None:
        log.warning("chat capture job failed: %s", error)

    def wait(self, msecs: int) -> bool:
        return self.worker.wait(msecs)
