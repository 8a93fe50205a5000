"""The Reports menu action; the dialog (and QtCharts) load only when it is opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ui.reports.reader import history_reader

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.reports.reports_dialog import ReportsDialog


def install_reports(window: MainWindow, menu: QMenu) -> QAction:
    action = QAction("&Reports…", window, shortcut=QKeySequence("Ctrl+Alt+R"))
    action.setEnabled(False)
    action.triggered.connect(lambda: show_reports(window))
    window.store_opened.connect(lambda: action.setEnabled(True))
    menu.addAction(action)
    window.addAction(action)
    window.reports_action = action
    return action


def show_reports(window: MainWindow) -> ReportsDialog | None:
    from ui.reports.reports_dialog import open_reports

    if window.store is None:
        return None
    return open_reports(window, history_reader(window).submit, window.store)
