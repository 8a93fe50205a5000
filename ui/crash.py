"""Unexpected exceptions in the window: logged, shown, and the app keeps going."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication

from commander.errors import CommanderError

log = logging.getLogger(__name__)
_log_path: Path | None = None
_showing = False


def install() -> None:
    sys.excepthook = report_crash


def set_log_path(log_path: Path | None) -> None:
    """Where the log file is, for the hint in the crash dialog."""
    global _log_path
    _log_path = log_path


def report_crash(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    global _showing
    if isinstance(error, CommanderError) and QApplication.instance() is not None:
        # Something the user can fix, raised on the UI thread (an author setting the
        # store would refuse, say): one plain line, as from a worker, not a crash.
        from ui.common.error_dialog import show_problem

        log.info("refused: %s", error)
        show_problem(QApplication.activeWindow(), "Incident Commander", str(error))
        return
    log.error("unexpected error", exc_info=(kind, error, trace))
    if QApplication.instance() is None or _showing:
        return
    from ui.common.error_dialog import show_crash

    details = "".join(traceback.format_exception(kind, error, trace))
    hint = f"Details are in the log: {_log_path}" if _log_path else ""
    _showing = True
    try:
        show_crash(QApplication.activeWindow(), f"{kind.__name__}: {error}", details, hint)
    finally:
        _showing = False
