"""Asking before the window makes a store at a location the user named.

A path given with ``--db`` or ``COMMANDER_DB`` may be a typo: the window asks
before creating a store there. The default store in the user data folder is
created without asking.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm_new_store(parent: QWidget | None, location: str) -> bool:
    """True when the person wants a new, empty store made at ``location``."""
    answer = QMessageBox.question(
        parent,
        "Create a new incident store?",
        f"There is no incident store at\n{location}\n\n"
        "Create a new, empty store there? Choose No if the path has a typo.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
