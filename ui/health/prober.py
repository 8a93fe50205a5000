"""Probes the open incident's health checks on their intervals, on its own thread pool.

A timer asks which checks are due (``domain.health.ProbeSchedule``, on the
monotonic clock) and starts each probe as a job on a pool of its own: the
network wait never runs on the UI thread, nor on the window's writer, so a
target that stalls for its whole timeout delays neither logging nor the other
checks. What a probe saw comes back on the UI thread (``probed``); writing a
change is the feature's business.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from commander.domain.health import ProbeSchedule
from ui.health import store_calls
from ui.workers import Worker

if TYPE_CHECKING:
    from commander.domain.health import ProbeOutcome
    from commander.views.health import HealthCheckView

log = logging.getLogger(__name__)

TICK_MS = 250
PARALLEL_PROBES = 4


class HealthProber(QObject):
    # (check id, ProbeOutcome), on the UI thread.
    probed = Signal(int, object)

    def __init__(
        self,
        parallel: int = PARALLEL_PROBES,
        tick_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = Worker(on_error=self._on_error, max_threads=parallel, parent=self)
        self._schedule = ProbeSchedule()
        self._checks: dict[int, HealthCheckView] = {}
        self._stopped = False
        self._timer = QTimer(self, interval=tick_ms)
        self._timer.timeout.connect(self.tick)

    def watch(self, checks: Sequence[HealthCheckView]) -> None:
        """Probe exactly these from now on (none: stop probing)."""
        self._checks = {check.id: check for check in checks}
        self._schedule.watch(((c.id, c.every_seconds) for c in checks), time.monotonic())
        if not checks or self._stopped:
            self._timer.stop()
            return
        self._timer.start()
        self.tick()

    def watched(self) -> list[int]:
        return self._schedule.watched()

    def tick(self) -> None:
        now = time.monotonic()
        for check_id in self._schedule.due(now):
            check = self._checks[check_id]
            self._schedule.started(check_id, now)
            self._start(check)

    def _start(self, check: HealthCheckView) -> None:
        target, slow_ms, check_id = check.target, check.slow_ms, check.id

        def job() -> ProbeOutcome:
            return store_calls.probe(target, slow_ms)

        def done(outcome: ProbeOutcome) -> None:
            self._done(check_id, outcome)

        def failed(error: BaseException) -> None:
            self._failed(check_id, error)

        self.worker.submit(job, done, failed)

    def _done(self, check_id: int, outcome: ProbeOutcome) -> None:
        self._schedule.finished(check_id)
        if not self._stopped:
            self.probed.emit(check_id, outcome)

    def _failed(self, check_id: int, error: BaseException) -> None:
        # A probe catches what the network does; anything else is a bug worth a log line,
        # not a dialog every interval.
        self._schedule.finished(check_id)
        log.warning("health probe of check %s failed: %r", check_id, error)

    def _on_error(self, error: BaseException) -> None:
        log.warning("health probe job failed: %r", error)

    def busy(self) -> bool:
        return self._schedule.busy()

    def stop(self) -> None:
        """No new probes; answers still on their way are dropped."""
        self._stopped = True
        self._timer.stop()

    def wait(self, msecs: int) -> bool:
        return self.worker.wait(msecs)
