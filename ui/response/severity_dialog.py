"""Change the severity: every level with what it means, and an optional reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from commander.domain import Severity


class SeverityDialog(QDialog):
    def __init__(self, current: Severity, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change severity")
        self._current = current
        self.group = QButtonGroup(self)
        self.radios: dict[Severity, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Now {current.value} ({current.label}). Change to:"))
        for severity in Severity:
            text = f"{severity.value}  {severity.label} — {severity.definition}"
            radio = QRadioButton(text + ("   (current)" if severity is current else ""))
            radio.setObjectName(f"severity{severity.value}")
            radio.setProperty("severity", severity.value)
            self.group.addButton(radio, severity.rank)
            self.radios[severity] = radio
            layout.addWidget(radio)
        self.radios[current].setChecked(True)
        self.reason_edit = QLineEdit(placeholderText="Why (optional): logged with the change")
        layout.addWidget(self.reason_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change severity")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.group.idToggled.connect(lambda _id, _on: self._update_ok())
        self._update_ok()

    @property
    def severity(self) -> Severity:
        return Severity(f"P{self.group.checkedId()}")

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def choose(self, severity: Severity, reason: str = "") -> None:
        self.radios[severity].setChecked(True)
        self.reason_edit.setText(reason)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.severity is not self._current)
