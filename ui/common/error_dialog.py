"""Errors shown to a person: a plain message, details to copy for a bug report."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def show_problem(parent: QWidget | None, title: str, message: str) -> None:
    """Something the user can fix (bad input, database locked, no network)."""
    QMessageBox.warning(parent, title, message)


def show_crash(parent: QWidget | None, summary: str, details: str, log_hint: str) -> None:
    """A bug: say so, keep running, and offer the traceback for a report."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Unexpected error")
    box.setText(f"Something went wrong: {summary}")
    box.setInformativeText(f"The app keeps running; your data is in the store. {log_hint}".strip())
    box.setDetailedText(details)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.disconnect()  # keep the box open after copying
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.exec()
