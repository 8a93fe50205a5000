"""Leaving a phase with open checklist items: say which, let the commander decide."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from commander.domain import Phase

SHOWN_ITEMS = 12


def confirm_leaving(
    parent: QWidget | None, leaving: Phase, going: Phase, open_items: list[str]
) -> bool:
    """True to move anyway. Never blocks the move by itself: it only asks."""
    listed = "\n".join(f"• {text}" for text in open_items[:SHOWN_ITEMS])
    if len(open_items) > SHOWN_ITEMS:
        listed += f"\n… and {len(open_items) - SHOWN_ITEMS} more"
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Open checklist items")
    box.setText(
        f"{len(open_items)} item(s) of {leaving.label} are neither checked nor marked "
        f"not applicable. Move to {going.label} anyway?"
    )
    box.setInformativeText(listed)
    move = box.addButton(f"Move to {going.label}", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(f"Stay in {leaving.label}", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is move
