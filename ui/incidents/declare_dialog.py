"""Declare an incident: title, severity (with what each level means), summary."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from commander.domain import Severity
from commander.domain.limits import TITLE_MAX


class DeclareDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Declare incident")
        self.title_edit = QLineEdit(placeholderText="What is broken, for whom")
        self.title_edit.setMaxLength(TITLE_MAX)
        self.severity_combo = QComboBox()
        for severity in Severity:
            self.severity_combo.addItem(
                f"{severity.value} {severity.label} — {severity.definition}", severity.value
            )
        self.severity_combo.setCurrentIndex(2)
        self.definition_label = QLabel(wordWrap=True)
        self.summary_edit = QPlainTextEdit(placeholderText="Impact so far, what we know")
        self.summary_edit.setTabChangesFocus(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Declare")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Title", self.title_edit)
        form.addRow("&Severity", self.severity_combo)
        form.addRow("", self.definition_label)
        form.addRow("Su&mmary", self.summary_edit)
        form.addRow(self.buttons)
        self.title_edit.textChanged.connect(self._update_ok)
        self.severity_combo.currentIndexChanged.connect(self._show_definition)
        self._update_ok()
        self._show_definition()
        self.resize(560, 300)

    @property
    def severity(self) -> Severity:
        return Severity(self.severity_combo.currentData())

    @property
    def title(self) -> str:
        return self.title_edit.text().strip()

    @property
    def summary(self) -> str:
        return self.summary_edit.toPlainText().strip()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.title))

    def _show_definition(self) -> None:
        severity = self.severity
        self.definition_label.setText(f"{severity.label}: {severity.definition}")
