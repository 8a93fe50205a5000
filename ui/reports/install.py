"""The reports feature: Across incidents → Reports…; the dialog (and QtCharts) load
only when it is opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.reports.reports_dialog import ReportsDialog
    from ui.shell import Shell

# Shared with the memory feature's search: what looks across every incident.
MENU = "&Across incidents"


def install(context: AppContext, shell: Shell) -> None:
    action = QAction("&Reports…", shell.parent_widget())
    action.setShortcut(QKeySequence("Ctrl+Alt+R"))
    action.setEnabled(False)
    action.triggered.connect(lambda: show_reports(context, shell))
    context.store_opened.connect(lambda: action.setEnabled(True))
    shell.add_action(MENU, action)


def show_reports(context: AppContext, shell: Shell) -> ReportsDialog | None:
    from ui.reports.reports_dialog import open_reports

    if context.store is None:
        return None
    return open_reports(context, shell.parent_widget())
