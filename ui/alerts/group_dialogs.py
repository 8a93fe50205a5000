"""The two questions acting on an alert group asks: at which severity to declare it, and
which open incident to attach it to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commander.domain import Severity
from ui.common.named import wrapping

if TYPE_CHECKING:
    from commander.views.alerts import AlertGroupView
    from commander.views.incidents import IncidentSummary


class DeclareGroupDialog(QDialog):
    """The group's title, and its severity: the one its labels tell, or one to choose."""

    def __init__(self, group: AlertGroupView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = group
        self.setWindowTitle("Declare from alert group")
        self.severity_combo = QComboBox()
        if group.severity is None:
            self.severity_combo.addItem("Choose a severity…", None)
        for severity in Severity:
            self.severity_combo.addItem(
                f"{severity.value} {severity.label} — {severity.definition}", severity.value
            )
        if group.severity is not None:
            self.severity_combo.setCurrentIndex(self.severity_combo.findData(group.severity.value))
        source = (
            f"From its labels: {group.severity.value}."
            if group.severity is not None
            else "Its labels name no severity."
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Declare")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Title", wrapping(QLabel(group.title)))
        form.addRow("&Severity", self.severity_combo)
        form.addRow("", wrapping(QLabel(source)))
        form.addRow(self.buttons)
        self.severity_combo.currentIndexChanged.connect(self._update_ok)
        self._update_ok()
        self.resize(560, 160)

    @property
    def severity(self) -> Severity | None:
        value = self.severity_combo.currentData()
        return Severity(value) if value else None

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self.severity is not None
        )


class AttachGroupDialog(QDialog):
    """The incidents not resolved yet, the one open in the window first."""

    def __init__(
        self,
        group: AlertGroupView,
        incidents: list[IncidentSummary],
        open_ref: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Attach alert group")
        ordered = sorted(incidents, key=lambda incident: incident.ref != open_ref)
        self.incidents = QListWidget()
        for incident in ordered:
            shown = " (open here)" if incident.ref == open_ref else ""
            item = QListWidgetItem(
                f"{incident.ref}  {incident.severity.value}  {incident.title}  "
                f"[{incident.phase.label}]{shown}"
            )
            item.setData(Qt.ItemDataRole.UserRole, incident.ref)
            self.incidents.addItem(item)
        if ordered:
            self.incidents.setCurrentRow(0)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Attach")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(ordered))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.incidents.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(wrapping(QLabel(f"Attach “{group.title}” to:")))
        if not ordered:
            layout.addWidget(wrapping(QLabel("No incident is open. Declare one instead.")))
        layout.addWidget(self.incidents)
        layout.addWidget(self.buttons)
        self.resize(560, 300)

    @property
    def ref(self) -> str | None:
        item = self.incidents.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))
