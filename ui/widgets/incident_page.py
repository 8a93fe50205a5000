"""The open incident: header, timeline and the quick-entry bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commander.domain.quick_entry import parse_quick_entry
from commander.errors import InvalidInputError
from commander.services.views import EntryView, IncidentDetail
from ui.models.timeline import AUTHOR, KIND, TEXT, TIME, TimelineModel
from ui.widgets.incident_header import IncidentHeader


class IncidentPage(QWidget):
    # (what was typed, the parsed QuickEntry)
    entry_submitted = Signal(str, object)

    def __init__(self, local_time: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = IncidentHeader()
        self.timeline_model = TimelineModel(self)
        self.timeline_model.set_local_time(local_time)
        self.timeline_view = QTableView(objectName="timeline")
        self.timeline_view.setModel(self.timeline_model)
        self.timeline_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline_view.setWordWrap(False)
        self.timeline_view.setAlternatingRowColors(True)
        vertical = self.timeline_view.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # fast with many rows
        horizontal = self.timeline_view.horizontalHeader()
        horizontal.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        for column, width in ((TIME, 110), (AUTHOR, 120), (KIND, 120)):
            self.timeline_view.setColumnWidth(column, width)
        self.entry_bar = QLineEdit(objectName="quickEntry")
        self.entry_bar.setPlaceholderText(
            "Log what happened, Enter to save (Ctrl+L).  10:05 or -5m backdates;"
            " /action /decision /observation /hypothesis /pin;  /sev P1 why;  /phase mitigate"
        )
        self.entry_bar.returnPressed.connect(self._submit)
        self.entry_bar.textEdited.connect(lambda _text: self.hint.hide())
        self.hint = QLabel(objectName="entryHint", wordWrap=True)
        self.hint.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.timeline_view, 1)
        layout.addWidget(self.entry_bar)
        layout.addWidget(self.hint)

    def show_incident(self, incident: IncidentDetail) -> None:
        self.header.show_incident(incident)
        self.timeline_model.set_entries(incident.timeline)
        self.timeline_view.scrollToBottom()

    def add_entry(self, entry: EntryView) -> None:
        row = self.timeline_model.add_entry(entry)
        self.timeline_view.scrollTo(self.timeline_model.index(row, TEXT))

    def apply_changes(self, entries: list[EntryView]) -> None:
        at_bottom = self._at_bottom()
        self.timeline_model.apply_changes(entries)
        if at_bottom:  # follow the live edge, but never yank a reader scrolled up
            self.timeline_view.scrollToBottom()

    def _at_bottom(self) -> bool:
        bar = self.timeline_view.verticalScrollBar()
        return bar.value() >= bar.maximum() - 2

    def focus_entry_bar(self) -> None:
        self.entry_bar.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.entry_bar.selectAll()

    def entry_committed(self, text: str) -> None:
        """Clear the bar only if it still holds what was committed."""
        self.entry_bar.setEnabled(True)
        if self.entry_bar.text() == text:
            self.entry_bar.clear()
        self.entry_bar.setFocus()

    def entry_failed(self, message: str) -> None:
        self.entry_bar.setEnabled(True)  # the typed text stays for another try
        self.entry_bar.setFocus()
        self.show_hint(message)

    def show_hint(self, message: str) -> None:
        self.hint.setText(message)
        self.hint.show()

    def _submit(self) -> None:
        text = self.entry_bar.text()
        if not text.strip():
            return
        try:
            parsed = parse_quick_entry(text)
        except InvalidInputError as error:
            self.show_hint(str(error))  # nothing is written; the text stays to be fixed
            return
        self.hint.hide()
        self.entry_bar.setEnabled(False)
        self.entry_submitted.emit(text, parsed)
