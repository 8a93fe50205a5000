"""Running core calls off the UI thread and getting the answer back on it.

A ``Worker`` lives on the UI thread. Each job runs on the worker's pool and
reports back, always, either its result or its exception; callbacks then run
on the UI thread, where touching widgets is safe. Store writes go through a
pool with one thread so they happen in the order the user made them.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")
Failed = Callable[[BaseException], None]
# What the relay hands back is typed per job by ``submit``; stored untyped here.
_AnyDone = Callable[[Any], None]


class _Relay(QObject):
    """Created on the UI thread, so its queued signal lands there."""

    report = Signal(int, bool, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, call: Callable[[], object], relay: _Relay) -> None:
        super().__init__()
        self._job_id = job_id
        self._call = call
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._call()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI
            self._relay.report.emit(self._job_id, False, exc)
        else:
            self._relay.report.emit(self._job_id, True, result)


class Worker(QObject):
    def __init__(
        self, on_error: Failed, max_threads: int = 1, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._on_error = on_error
        self._relay = _Relay(self)
        self._relay.report.connect(self._deliver)
        self._pending: dict[int, tuple[_AnyDone, Failed]] = {}
        self._ids = itertools.count()

    def submit(
        self,
        call: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Failed | None = None,
    ) -> None:
        """Run ``call`` on the pool; ``on_done(result)`` or ``on_error(exc)`` runs on
        the UI thread afterwards."""
        job_id = next(self._ids)
        self._pending[job_id] = (cast(_AnyDone, on_done), on_error or self._on_error)
        self._pool.start(_Job(job_id, call, self._relay))

    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until the pool is idle (shutdown and tests only)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, bool, object)
    def _deliver(self, job_id: int, ok: bool, payload: object) -> None:
        on_done, on_error = self._pending.pop(job_id)
        if ok:
            on_done(payload)
        else:
            on_error(cast(BaseException, payload))
