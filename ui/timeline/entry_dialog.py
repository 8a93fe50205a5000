"""Editing one timeline entry: its words (several lines), when it happened, its kind, its pin.

The dialog only gathers what changed; the window saves it with ``edit_entry``,
which keeps the entry's previous state in its history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from commander.domain import USER_KINDS
from commander.domain.limits import refuse_long_entry
from commander.errors import InvalidInputError
from commander.views.incidents import EntryView
from ui.common.named import named, wrapping

TIME_FORMAT = "yyyy-MM-dd HH:mm:ss"


def to_qdatetime(moment: datetime, local: bool) -> QDateTime:
    shown = QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000), QTimeZone.utc())
    return shown.toLocalTime() if local else shown


def from_qdatetime(shown: QDateTime) -> datetime:
    return datetime.fromtimestamp(shown.toMSecsSinceEpoch() / 1000, UTC)


class EntryDialog(QDialog):
    def __init__(self, entry: EntryView, local_time: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setWindowTitle("Edit entry")
        self.resize(560, 360)
        self.text_edit = named(QPlainTextEdit(entry.text), "entryText")
        self.text_edit.setTabChangesFocus(True)  # Tab moves on; Enter makes a new line
        self.time_edit = QDateTimeEdit(to_qdatetime(entry.occurred_at, local_time))
        self.time_edit.setDisplayFormat(TIME_FORMAT + ("" if local_time else " 'UTC'"))
        self.time_edit.setCalendarPopup(True)
        self.kind_combo = QComboBox()
        user_kinds = [kind.value for kind in USER_KINDS]
        self.kind_combo.addItems(user_kinds if entry.kind in user_kinds else [entry.kind])
        self.kind_combo.setCurrentText(entry.kind)
        self.pinned_check = QCheckBox("Pinned")
        self.pinned_check.setChecked(entry.pinned)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        save = QShortcut(QKeySequence("Ctrl+Return"), self)
        save.activated.connect(self.accept)
        form = QFormLayout(self)
        form.addRow("&Entry", self.text_edit)
        form.addRow("&Happened at", self.time_edit)
        form.addRow("&Kind", self.kind_combo)
        form.addRow("", self.pinned_check)
        if entry.kind not in user_kinds:
            # Severity, phase and declaration entries are the record of the incident.
            for field in (self.text_edit, self.time_edit, self.kind_combo):
                field.setEnabled(False)
            form.addRow("", QLabel("The app wrote this entry: it can only be pinned."))
        form.addRow(QLabel("Ctrl+Enter saves. The entry's earlier version stays in its history."))
        self.problem = wrapping(named(QLabel(), "entryProblem"))
        self.problem.setStyleSheet("color: #b71c1c")
        self.problem.hide()
        form.addRow(self.problem)
        form.addRow(self.buttons)

    def accept(self) -> None:
        """Saved text over the core's entry limit would be refused after the dialog closed,
        taking the edit with it: it is said here instead, and the dialog stays open."""
        try:
            refuse_long_entry(self.text_edit.toPlainText())
        except InvalidInputError as error:
            self.problem.setText(f"{error}. Nothing is saved yet; the text stays here.")
            self.problem.show()
            return
        super().accept()

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the entry, as ``edit_entry`` keywords."""
        entry = self.entry
        wanted: dict[str, Any] = {}
        text = self.text_edit.toPlainText()
        if text != entry.text:
            wanted["text"] = text
        occurred_at = from_qdatetime(self.time_edit.dateTime())
        # The editor shows whole seconds: an untouched time keeps its fraction.
        if int(occurred_at.timestamp()) != int(entry.occurred_at.timestamp()):
            wanted["occurred_at"] = occurred_at
        if self.kind_combo.currentText() != entry.kind:
            wanted["kind"] = self.kind_combo.currentText()
        if self.pinned_check.isChecked() != entry.pinned:
            wanted["pinned"] = self.pinned_check.isChecked()
        return wanted
