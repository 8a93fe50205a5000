"""The name typed to sign changes goes through the core's check before it is remembered."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog

from commander.settings import Settings
from ui.common.author_dialog import ask_author


def test_a_name_with_nul_is_refused_plainly_and_not_remembered(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    problems: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *args: ("Bo\x00 Scribe", True))
    monkeypatch.setattr(
        "ui.common.author_dialog.show_problem", lambda parent, title, text: problems.append(text)
    )
    settings = Settings(author="ana")
    assert ask_author(None, settings) is False
    assert settings.author == "ana"
    assert problems == ["the name contains a NUL character; remove it and try again"]
