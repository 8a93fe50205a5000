"""Exports run on their own thread and report each step back to the UI thread.

A separate one-thread pool, not the window's store worker: a 3-second PDF
must not hold up the scribe's next timeline entry.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from commander.output_files import write_output

# (step, fraction) -> None; the job calls it from the export thread.
Progress = Callable[[str, float], None]
ExportCall = Callable[[Progress], bytes]


class _Relay(QObject):
    """Created on the UI thread, so its queued signals land there."""

    progress = Signal(str, float)
    done = Signal(str)
    failed = Signal(object)


class _ExportJob(QRunnable):
    def __init__(
        self, call: ExportCall, path: Path, store_file: Path | None, relay: _Relay
    ) -> None:
        super().__init__()
        self._call, self._path, self._relay = call, path, relay
        self._store_file = store_file

    def run(self) -> None:
        try:
            data = self._call(self._relay.progress.emit)
            self._relay.progress.emit(f"Writing {self._path.name}", 0.97)
            write_output(self._path, data, self._store_file)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(str(self._path))


class ExportRunner(QObject):
    progress = Signal(str, int)  # step, percent
    finished = Signal(str)  # the file written
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._running = 0

    def start(self, call: ExportCall, path: Path, store_file: Path | None = None) -> None:
        """Run ``call`` and write what it returns to ``path`` (never over ``store_file``,
        the open store, nor any other database)."""
        self._running += 1
        self._pool.start(_ExportJob(call, path, store_file, self._relay))

    def busy(self) -> bool:
        return self._running > 0

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)

    @Slot(str, float)
    def _on_progress(self, step: str, fraction: float) -> None:
        self.progress.emit(step, round(fraction * 100))

    @Slot(str)
    def _on_done(self, path: str) -> None:
        self._running -= 1
        self.finished.emit(path)

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        self._running -= 1
        self.failed.emit(error)
