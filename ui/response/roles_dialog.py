"""Assign roles and hand them over: one name per role, several experts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
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
        # The explanation sits above the form, not in a form row: a wrapped label in
        # a QFormLayout row got one line's height and its first line was cut off.
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Type a new name to hand a role over; clear it to release the role. "
                "Each change is logged.",
                wordWrap=True,
            )
        )
        form = QFormLayout()
        layout.addLayout(form)
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
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def wanted(self) -> dict[Role, list[str]]:
        """Only the roles whose names were changed."""
        changed: dict[Role, list[str]] = {}
        for role, edit in self.edits.items():
            names = [name.strip() for name in edit.text().split(",") if name.strip()]
            if names != self._before[role]:
                changed[role] = names
        return changed
