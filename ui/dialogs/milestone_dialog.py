"""Correct one of the incident's times (mitigated, resolved, ...); the old value stays logged."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from commander.domain.when import HELP, format_clock, parse_when
from commander.errors import InvalidInputError
from commander.services.views import IncidentDetail

# (milestone name for the core, label)
MILESTONE_LABELS = (
    ("impact_started", "Impact started"),
    ("detected", "Detected"),
    ("acknowledged", "Acknowledged"),
    ("mitigated", "Mitigated"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
)


class MilestoneDialog(QDialog):
    def __init__(self, incident: IncidentDetail, local: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Correct a time of {incident.ref}")
        self._incident, self._local = incident, local
        self.moment: datetime | None = None
        self.milestone_combo = QComboBox()
        for name, label in MILESTONE_LABELS:
            self.milestone_combo.addItem(label, name)
        self.milestone_combo.setCurrentIndex(3)  # mitigated: the one most often corrected
        self.current_label = QLabel()
        self.time_edit = QLineEdit(placeholderText=f"{HELP}; empty to unset")
        self.reason_edit = QLineEdit(placeholderText="Why (optional): logged with the change")
        self.problem = QLabel(objectName="entryHint", wordWrap=True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check_and_accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Time of", self.milestone_combo)
        form.addRow("Now", self.current_label)
        form.addRow("&New time", self.time_edit)
        form.addRow("&Reason", self.reason_edit)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self.milestone_combo.currentIndexChanged.connect(lambda _i: self._show_current())
        self._show_current()
        self.resize(520, 0)

    @property
    def milestone(self) -> str:
        return str(self.milestone_combo.currentData())

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def _show_current(self) -> None:
        value = getattr(self._incident, f"{self.milestone}_at")
        self.current_label.setText(
            format_clock(value, self._local, with_date=True) if value else "unset"
        )

    def _check_and_accept(self) -> None:
        text = self.time_edit.text().strip()
        try:
            self.moment = parse_when(text) if text else None
        except InvalidInputError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        self.accept()
