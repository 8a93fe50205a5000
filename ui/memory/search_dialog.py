"""Search every incident's timeline and postmortem; activating a result opens that incident."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from commander.services.memory import IncidentHits
from ui.memory.models import RefRole, RichTextRole, SearchResultsModel
from ui.memory.rich_delegate import RichTextDelegate

if TYPE_CHECKING:
    from commander.store.engine import Store
    from ui.context import AppContext

TYPING_PAUSE_MS = 250  # search once the typing pauses, not on every key
SHOWN_INCIDENTS = 50  # the incidents with most matches; one more is asked to know of more


def _search(store: Store, text: str) -> list[IncidentHits]:
    from commander.services.memory import search_all

    return search_all(store, text, incident_limit=SHOWN_INCIDENTS + 1)


class SearchDialog(QDialog):
    open_requested = Signal(str)
    results_shown = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search all incidents — Incident Commander")
        self.resize(760, 560)
        self._context = context
        self._generation = 0  # answers to an older query are dropped
        self.query_edit = QLineEdit()
        self.query_edit.setObjectName("searchAllQuery")
        self.query_edit.setPlaceholderText(
            "Words from any incident's timeline or postmortem "
            "(all must appear; the last may be a prefix)"
        )
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.textChanged.connect(self._schedule)
        self.query_edit.returnPressed.connect(self._enter)
        self._pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._pause.timeout.connect(self.run_search)
        self.model = SearchResultsModel(self)
        self.results = QListView()
        self.results.setObjectName("searchAllResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(RichTextDelegate(RichTextRole, self.results))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setAlternatingRowColors(True)
        self.results.activated.connect(self._activated)
        self.status = QLabel()
        self.status.setObjectName("searchAllStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query_edit)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)

    def _schedule(self) -> None:
        self._pause.start()

    def run_search(self) -> None:
        self._pause.stop()
        self._generation += 1
        generation, text = self._generation, self.query_edit.text()
        if not text.strip():
            self.model.set_rows([])
            self.status.setText("")
            return
        self.status.setText("Searching…")
        self._context.read(
            lambda store: _search(store, text),
            lambda groups: self._show(generation, groups),
            lambda error: self._failed(generation, error),
            slow=True,
        )

    def _show(self, generation: int, groups: list[IncidentHits]) -> None:
        if generation != self._generation:
            return
        more = len(groups) > SHOWN_INCIDENTS
        groups = groups[:SHOWN_INCIDENTS]
        self.model.set_rows(groups)
        if groups:
            self.results.setCurrentIndex(self.model.index(0))
            entries = sum(group.matches for group in groups)
            sections = sum(group.postmortem_matches for group in groups)
            if more:
                found = (
                    f"The {len(groups)} incidents with most matches are shown; more match: "
                    "add a word to narrow the search."
                )
            else:
                found = _count(entries, "matching entry", "matching entries")
                if sections:
                    found += f" and {_count(sections, 'postmortem match', 'postmortem matches')}"
                found += f" in {_count(len(groups), 'incident', 'incidents')}."
            self.status.setText(f"{found} Enter or double-click opens one.")
        else:
            self.status.setText("No entry matches.")
        self.results_shown.emit(len(groups))

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.status.setText(f"Search failed: {error}")

    def _enter(self) -> None:
        """Enter in the box: search now, or open the top result if it is up to date."""
        if self._pause.isActive() or not self.model.rowCount():
            self.run_search()
            return
        self._activated(self.results.currentIndex())

    def _activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(index.data(RefRole))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Down from the box moves into the results, like a search field should.
        key = event.key()
        if key == Qt.Key.Key_Down and self.query_edit.hasFocus() and self.model.rowCount():
            self.results.setFocus()
            return
        super().keyPressEvent(event)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
