"""Memory across incidents in the window: ``install(context, shell)``.

- "Search all incidents…" (Ctrl+Shift+F) opens the search dialog.
- A "Similar" side panel lists past incidents like the open one; right after a
  declaration it comes to the front with a banner when it found some.
Both ask the window to open an incident when a result is activated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.memory.search_dialog import SearchDialog
    from ui.shell import Shell

# Shared with the reports feature: what looks across every incident.
MENU = "&Across incidents"


def install(context: AppContext, shell: Shell) -> None:
    from ui.memory.suggestions import SimilarSuggestions

    MemoryFeature(context, shell)
    SimilarSuggestions(context, shell)


def open_incident(context: AppContext, shell: Shell, ref: str) -> None:
    """Ask the window to open ``ref`` and bring it in front of the dialog it came from."""
    context.open_incident(ref)
    window = shell.parent_widget().window()
    window.raise_()
    window.activateWindow()


class MemoryFeature(QObject):
    """The search action and its dialog (one per window, kept with its last query)."""

    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(context)
        self.context = context
        self.shell = shell
        self.dialog: SearchDialog | None = None
        self.search_action = QAction("&Search all incidents…", shell.parent_widget())
        self.search_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.search_action.setEnabled(False)
        self.search_action.triggered.connect(self.show_search)
        context.store_opened.connect(lambda: self.search_action.setEnabled(True))
        shell.add_action(MENU, self.search_action)

    def show_search(self) -> SearchDialog | None:
        from ui.memory.search_dialog import SearchDialog

        if self.context.store is None:
            return None
        if self.dialog is None:
            self.dialog = SearchDialog(self.context, self.shell.parent_widget())
            self.dialog.open_requested.connect(
                lambda ref: open_incident(self.context, self.shell, ref)
            )
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.query_edit.setFocus()
        self.dialog.query_edit.selectAll()
        return self.dialog
