"""Assign roles and hand them over: one name per role, several experts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from commander.domain.roles import Role
from commander.services.roles import RolesView


class RolesDialog(QDialog):
    def __init__(self, roles: RolesView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Roles")
        self._before = {role: roles.people(role) for role in Role}
        self.edits: dict[Role, QLineEdit] = {}
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "Type a new name to hand a role over; clear it to release the role. "
                "Each change is logged.",
                wordWrap=True,
            )
        )
        for role in Role:
            edit = QLineEdit(", ".join(self._before[role]))
            edit.setObjectName(f"role_{role.value}")
            edit.setPlaceholderText("names, comma separated" if role.several else "nobody")
            self.edits[role] = edit
            label = role.label + ("s" if role.several else "")
            form.addRow(label, edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.resize(460, 0)

    def wanted(self) -> dict[Role, list[str]]:
        """Only the roles whose names were changed."""
        changed: dict[Role, list[str]] = {}
        for role, edit in self.edits.items():
            names = [name.strip() for name in edit.text().split(",") if name.strip()]
            if names != self._before[role]:
                changed[role] = names
        return changed
