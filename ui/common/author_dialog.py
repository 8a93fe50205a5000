"""Who is at the keyboard: asked once, remembered in settings."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from commander.settings import Settings, os_user_name


def ask_author(parent: QWidget | None, settings: Settings) -> bool:
    """Ask for the name that signs timeline entries; True when one was given."""
    name, accepted = QInputDialog.getText(
        parent,
        "Who is logging?",
        "Your name, as it should appear on timeline entries:",
        QLineEdit.EchoMode.Normal,
        settings.author or os_user_name(),
    )
    name = name.strip()
    if not accepted or not name:
        return False
    settings.author = name
    return True
