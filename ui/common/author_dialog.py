"""Who is at the keyboard: asked once, remembered in settings."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from commander.errors import InvalidInputError
from commander.settings import Settings, checked_author, environment_author, os_user_name
from ui.common.error_dialog import show_problem


def ask_author(parent: QWidget | None, settings: Settings) -> bool:
    """Ask for the name that signs timeline entries; True when one was given."""
    name, accepted = QInputDialog.getText(
        parent,
        "Who is logging?",
        "Your name, as it should appear on timeline entries:",
        QLineEdit.EchoMode.Normal,
        settings.author or environment_author() or os_user_name(),
    )
    if not accepted:
        return False
    try:
        name = checked_author(name)
    except InvalidInputError as refused:
        show_problem(parent, "Who is logging?", str(refused))
        return False
    if not name:
        return False
    settings.author = name
    return True
