"""Wires memory across incidents into the main window.

- "Search all incidents…" (Ctrl+Shift+F) opens the search dialog.
- A "Similar" side panel lists past incidents like the open one; right after a
  declaration it comes to the front with a banner when it found some.
Both open an incident in the main window when a result is activated.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSignalBlocker
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ui.reports.reader import history_reader

if TYPE_CHECKING:
    from commander.services.memory import SimilarIncident
    from commander.store.engine import Store
    from ui.main_window import MainWindow
    from ui.memory.search_dialog import SearchDialog
    from ui.memory.similar_panel import SimilarPanel

log = logging.getLogger(__name__)


def install_memory(window: MainWindow, menu: QMenu) -> QAction:
    action = QAction("&Search all incidents…", window, shortcut=QKeySequence("Ctrl+Shift+F"))
    action.setEnabled(False)
    action.triggered.connect(lambda: show_search(window))
    window.store_opened.connect(lambda: action.setEnabled(True))
    menu.addAction(action)
    window.addAction(action)
    window.search_all_action = action
    window.similar_suggestions = SimilarSuggestions(window)
    return action


def open_in_window(window: MainWindow, ref: str) -> None:
    """Open ``ref`` in the main window and select it in the incident list."""
    row = window.incident_model.row_of(ref)
    if row >= 0:
        with QSignalBlocker(window.incident_list.selectionModel()):
            window.incident_list.setCurrentIndex(window.incident_model.index(row))
    window.open_incident(ref)
    window.raise_()
    window.activateWindow()


def show_search(window: MainWindow) -> SearchDialog | None:
    from ui.memory.search_dialog import SearchDialog

    if window.store is None:
        return None
    dialog = window.findChild(SearchDialog)  # one per window, kept with its last query
    if dialog is None:
        dialog = SearchDialog(history_reader(window).submit, window.store, window)
        dialog.open_requested.connect(lambda ref: open_in_window(window, ref))
    dialog.show()
    dialog.raise_()
    dialog.query_edit.setFocus()
    dialog.query_edit.selectAll()
    return dialog


def _similar(store: Store, ref: str) -> list[SimilarIncident]:
    from commander.services.memory import similar_incidents

    return similar_incidents(store, ref)


class SimilarSuggestions(QObject):
    """Keeps the Similar panel in step with the open incident."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.panel: SimilarPanel | None = None
        self._declared: str | None = None
        self._loaded_ref: str | None = None
        self._shown_ref: str | None = None  # the incident open now (maybe not loaded yet)
        window.incident_declared.connect(self._on_declared)
        window.incident_shown.connect(self._on_shown)

    def _on_declared(self, ref: str) -> None:
        self._declared = ref

    def _ensure_panel(self) -> SimilarPanel:
        if self.panel is None:
            from ui.memory.similar_panel import SimilarPanel

            self.panel = SimilarPanel()
            self.panel.open_requested.connect(lambda ref: open_in_window(self._window, ref))
            self._window.page.add_side_panel(self.panel, "Similar")
            self._window.page.side_tabs.currentChanged.connect(self._on_tab_changed)
        return self.panel

    def _on_shown(self, ref: str) -> None:
        just_declared = ref == self._declared
        if ref == self._loaded_ref and not just_declared:
            return  # the same incident reloaded (severity, phase): its past did not change
        self._declared = None if just_declared else self._declared
        panel = self._ensure_panel()
        self._shown_ref = ref
        # Ranking reads every past incident's key entries: worth it right after a
        # declaration (the suggestion), otherwise only once someone looks at the tab.
        if not just_declared and self._window.page.side_tabs.currentWidget() is not panel:
            return
        self._load(ref, just_declared)

    def _on_tab_changed(self, _index: int) -> None:
        panel, tabs = self.panel, self._window.page.side_tabs
        showing = panel is not None and tabs.currentWidget() is panel
        if showing and self._shown_ref is not None and self._shown_ref != self._loaded_ref:
            self._load(self._shown_ref, just_declared=False)

    def _load(self, ref: str, just_declared: bool) -> None:
        self._loaded_ref = ref
        store = self._window.store
        if store is None:
            return
        history_reader(self._window).submit(
            lambda: _similar(store, ref),
            lambda items: self._show(ref, items, just_declared),
            self._failed,
        )

    def _show(self, ref: str, items: list[SimilarIncident], just_declared: bool) -> None:
        if self._loaded_ref != ref or self.panel is None:
            return  # another incident was opened meanwhile
        self.panel.show_similar(ref, items, just_declared)
        if just_declared and items:
            self._window.page.side_tabs.setCurrentWidget(self.panel)

    def _failed(self, error: BaseException) -> None:
        # A suggestion is a nicety: never a dialog in the middle of an incident.
        log.warning("similar incidents unavailable: %s", error)
