"""The open incident: header, timeline and the quick-entry bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commander.domain import EntryKind
from commander.domain.quick_entry import LogEntry, parse_quick_entry
from commander.errors import InvalidInputError
from commander.services.views import EntryView, IncidentDetail
from ui.models.timeline import AUTHOR, KIND, TEXT, TIME, TimelineModel
from ui.widgets.incident_header import IncidentHeader


def recall_text(entry: EntryView) -> str:
    """What the bar shows to correct an entry: its flags, then its text."""
    flags = "" if entry.kind == EntryKind.NOTE else f"/{entry.kind} "
    flags += "/pin " if entry.pinned else ""
    text = "/" + entry.text if entry.text.startswith("/") else entry.text
    return flags + text


class IncidentPage(QWidget):
    # (what was typed, the parsed QuickEntry)
    entry_submitted = Signal(str, object)
    # (entry id, what was typed, the parsed LogEntry)
    edit_submitted = Signal(int, str, object)
    delete_requested = Signal(int)
    restore_requested = Signal(int)
    history_requested = Signal(int)

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
        self.entry_bar.installEventFilter(self)
        self.timeline_view.installEventFilter(self)
        self.timeline_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.timeline_view.customContextMenuRequested.connect(self._entry_menu)
        self._last_logged: int | None = None  # what Up recalls
        self._editing: int | None = None
        self.entry_bar.textEdited.connect(lambda _text: self.hint.hide())
        self.hint = QLabel(objectName="entryHint", wordWrap=True)
        self.hint.hide()
        # Feature panels (checklist, messages, ...) sit beside the timeline as tabs;
        # the area stays hidden until a feature adds one.
        self.side_tabs = QTabWidget(objectName="sidePanels")
        self.side_tabs.hide()
        self.body = QSplitter()
        self.body.addWidget(self.timeline_view)
        self.body.addWidget(self.side_tabs)
        self.body.setStretchFactor(0, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.entry_bar)
        layout.addWidget(self.hint)

    def add_side_panel(self, panel: QWidget, title: str) -> None:
        """Show a feature's panel as a tab beside the timeline."""
        self.side_tabs.addTab(panel, title)
        self.side_tabs.show()

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

    def remember_logged(self, entry: EntryView) -> None:
        self._last_logged = entry.id

    def entry_committed(self, text: str) -> None:
        """Clear the bar only if it still holds what was committed."""
        self._editing = None
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
        if self._editing is not None and not isinstance(parsed, LogEntry):
            self.show_hint("a correction keeps it an entry: /sev and /phase cannot replace one")
            return
        self.hint.hide()
        self.entry_bar.setEnabled(False)
        if self._editing is not None:
            self.edit_submitted.emit(self._editing, text, parsed)
        else:
            self.entry_submitted.emit(text, parsed)

    # -- correcting, deleting, restoring ---------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()  # type: ignore[attr-defined]
        if watched is self.entry_bar and key == Qt.Key.Key_Up and not self.entry_bar.text():
            self.recall_last()
            return True
        if watched is self.entry_bar and key == Qt.Key.Key_Escape and self._editing is not None:
            self._editing = None
            self.entry_bar.clear()
            self.hint.hide()
            return True
        if watched is self.timeline_view and key == Qt.Key.Key_Delete:
            entry = self.selected_entry()
            if entry is not None:
                self.delete_requested.emit(entry.id)
            return True
        return False

    def recall_last(self) -> None:
        """Up in an empty bar: bring back the last entry logged here, to correct it."""
        row = -1 if self._last_logged is None else self.timeline_model.row_of(self._last_logged)
        if row < 0:
            self.show_hint("nothing logged from this window yet to correct")
            return
        entry = self.timeline_model.entry_at(row)
        if "\n" in entry.text:
            self.show_hint("that entry has several lines; the bar corrects one-line entries")
            return
        self._editing = entry.id
        self.entry_bar.setText(recall_text(entry))
        self.show_hint("Correcting your last entry: Enter saves (its history is kept), Esc cancels")

    def selected_entry(self) -> EntryView | None:
        index = self.timeline_view.currentIndex()
        return self.timeline_model.entry_at(index.row()) if index.isValid() else None

    def _entry_menu(self, position: QPoint) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        menu = QMenu(self)
        if entry.deleted_at is None:
            menu.addAction("Delete entry", lambda: self.delete_requested.emit(entry.id))
        else:
            menu.addAction("Restore entry", lambda: self.restore_requested.emit(entry.id))
        menu.addAction("Show history…", lambda: self.history_requested.emit(entry.id))
        menu.exec(self.timeline_view.viewport().mapToGlobal(position))
