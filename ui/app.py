"""Starting the window: paint first, then open the store on a worker."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from commander import __version__
from commander.logs import configure_logging
from commander.resources import resource_path
from commander.settings import Settings, load_settings
from ui import crash
from ui.main_window import MainWindow

# Set by bench/startup.py: print when the window first paints and when the
# incident list is filled, then quit.
PROBE_ENV = "COMMANDER_STARTUP_PROBE"


class _FirstPaint(QObject):
    """Calls back once, after the watched widget's first paint event."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self._callback = callback
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            QTimer.singleShot(0, self._callback)  # after this paint has finished
        return False


def build_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Incident Commander")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("incident-commander")
    style = resource_path("styles", "app.qss")
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    _use_qt_pdf()
    return app


def _use_qt_pdf() -> None:
    """The window's exports draw PDFs with Qt (the core only knows the renderer's shape)."""
    from commander.exports.pdf_hook import use_pdf_renderer
    from ui.exports.lazy_pdf import LazyQtPdf

    use_pdf_renderer(LazyQtPdf())


def asks_author_at_start(settings: Settings) -> bool:
    """The first run asks "Who is logging?" once (the OS user name offered), unless a
    name was given before or $COMMANDER_AUTHOR names the person (as README says)."""
    return settings.needs_author() and not os.environ.get(PROBE_ENV)


def run_window(db_arg: str | None, debug: bool = False) -> int:
    app = build_app()
    crash.install()
    window = MainWindow(load_settings(), db_arg)
    exit_code = 0

    def fail_start(message: str) -> None:
        nonlocal exit_code
        exit_code = 1
        print(f"commander: cannot open the incident store: {message}", file=sys.stderr)

    window.store_failed.connect(fail_start)
    # The window's close has shut the store and the workers down: the app ends now, even
    # if a window of its own (an editor, a report) refused to close. Qt quits only when a
    # window without a parent closes, so such a child window, closed later, left the
    # process running with no window. exit(), not quit(): quit() asks every window again.
    window.closed.connect(lambda: app.exit(0))

    def after_first_paint() -> None:
        # Logging's file handler and the store wait until the window is up.
        crash.set_log_path(configure_logging(debug))
        window.open_store()
        if asks_author_at_start(window.settings):
            window.change_author()

    painted = _FirstPaint(after_first_paint)
    window.installEventFilter(painted)
    if os.environ.get(PROBE_ENV):
        _attach_probe(window, painted)
    window.show()
    result = app.exec()
    return result or exit_code


def _attach_probe(window: MainWindow, painted: _FirstPaint) -> None:
    def report(event: str) -> None:
        # The wall clock on purpose, not the app clock: bench/startup.py compares this
        # stamp with its own time.time() from another process.
        print(f"{event} {time.time():.6f}", flush=True)

    after_paint = painted._callback

    def painted_then_open() -> None:
        report("painted")
        after_paint()

    painted._callback = painted_then_open

    def listed() -> None:
        report("listed")
        window.close()

    window.incidents_listed.connect(listed)
    window.store_failed.connect(lambda _message: window.close())
