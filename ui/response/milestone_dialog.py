"""Correct one of the incident's times (mitigated, resolved, ...); the old value stays logged."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from commander.domain.when import format_clock, parse_when, typing_zone
from commander.errors import InvalidInputError
from commander.views.incidents import IncidentDetail
from ui.common.named import named, wrapping

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
        clock = "local time" if local else "UTC"
        hint = f"ISO 8601 (2026-11-27T10:05Z), HH:MM (today, {clock}) or relative like -5m"
        self.time_edit = QLineEdit(placeholderText=hint)
        self.time_edit.setToolTip(hint)
        # Unsetting is said out loud: an empty field used to mean "unset", so an
        # OK pressed before typing erased the time.
        self.unset_box = QCheckBox("Unset this time (it never happened)")
        self.unset_box.toggled.connect(lambda on: self.time_edit.setEnabled(not on))
        self.reason_edit = QLineEdit(placeholderText="Why (optional): logged with the change")
        self.problem = wrapping(named(QLabel(), "entryHint"))
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check_and_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        form.addRow("&Time of", self.milestone_combo)
        form.addRow("Currently", self.current_label)
        form.addRow("&New time", self.time_edit)
        form.addRow("", self.unset_box)
        form.addRow("&Reason", self.reason_edit)
        # Below the form, not in a form row, where a wrapped label was cut off.
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.milestone_combo.currentIndexChanged.connect(lambda _i: self._show_current())
        self._show_current()
        self.setMinimumWidth(640)

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
        if self.unset_box.isChecked():
            self.moment = None
            self.accept()
            return
        text = self.time_edit.text().strip()
        if not text:
            self.problem.setText("Type the new time, or tick “Unset this time”.")
            self.problem.show()
            return
        try:
            # A clock time is read on the clock the window shows (UTC unless local is on).
            self.moment = parse_when(text, zone=typing_zone(self._local))
        except InvalidInputError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        self.accept()
