"""A worker for the window's long reads (reports, search, similar incidents).

The window's own worker has one thread so writes keep their order; a report
or a similarity ranking over a big store can take a second, and must not
hold up the scribe's next entry behind it. Reads get this second thread.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

from ui.workers import Worker

_NAME = "historyReader"


class _WaitOnClose(QObject):
    """Lets running reads finish before the window closes the store under them."""

    def __init__(self, reader: Worker) -> None:
        super().__init__(reader)
        self._reader = reader

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self._reader.wait()
        return False


def history_reader(window: QObject) -> Worker:
    """The window's read worker, made on first use."""
    reader = window.findChild(Worker, _NAME)
    if reader is None:
        reader = Worker(on_error=window.report_error, parent=window)  # type: ignore[attr-defined]
        reader.setObjectName(_NAME)
        window.installEventFilter(_WaitOnClose(reader))
    return reader
