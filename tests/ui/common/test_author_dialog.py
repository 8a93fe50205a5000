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


def test_the_question_offers_commander_author(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    offered: list[str] = []

    def answer(parent, title, label, echo, text):
        offered.append(text)
        return text, True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    monkeypatch.setenv("COMMANDER_AUTHOR", " Cy Scribe ")
    settings = Settings()
    assert ask_author(None, settings) is True
    assert offered == ["Cy Scribe"] and settings.author == "Cy Scribe"
    assert ask_author(None, Settings(author="ana")) and offered[-1] == "ana"  # a name given


@pytest.mark.parametrize(
    ("remembered", "variable", "asked"),
    [("", None, True), ("", "Cy", False), ("", "  ", True), ("ana", None, False)],
)
def test_the_first_start_asks_only_when_nothing_names_the_person(
    monkeypatch: pytest.MonkeyPatch, remembered: str, variable: str | None, asked: bool
) -> None:
    from ui.app import asks_author_at_start

    if variable is None:
        monkeypatch.delenv("COMMANDER_AUTHOR", raising=False)
    else:
        monkeypatch.setenv("COMMANDER_AUTHOR", variable)
    assert asks_author_at_start(Settings(author=remembered)) is asked
