"""The window creates its default store, asks before creating one at a path it was
given (``--db`` or ``COMMANDER_DB``), and never turns a 0-byte file into a store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from commander.settings import Settings
from ui.main_window import MainWindow

Answer = QMessageBox.StandardButton


def _answering(answer: Answer, asked: list[str]) -> Callable[..., Answer]:
    def question(_parent: Any, _title: str, text: str, *_buttons: Any) -> Answer:
        asked.append(text)
        return answer

    return question


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _start(qtbot, db_arg: str | None, signal: str) -> MainWindow:
    window = MainWindow(Settings(author="ana"), db_arg)
    qtbot.addWidget(window)
    with qtbot.waitSignal(getattr(window, signal), timeout=15_000):
        window.open_store()
    window.context.writer.wait()
    return window


def test_a_missing_path_given_to_the_window_is_created_once_confirmed(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", _answering(Answer.Yes, asked))
    path = tmp_path / "new" / "incidents.sqlite"
    window = _start(qtbot, str(path), "store_opened")
    assert len(asked) == 1 and str(path) in asked[0]
    assert path.is_file()
    assert window.declare_button.isEnabled()


def test_a_missing_path_given_to_the_window_is_left_alone_when_declined(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", _answering(Answer.No, asked))
    folder = tmp_path / "stores"
    folder.mkdir()
    path = folder / "typo" / "incidents.sqlite"
    window = _start(qtbot, str(path), "store_failed")
    assert len(asked) == 1
    assert _listing(folder) == []  # not even the folder: the peek and the open made nothing
    assert f"no store at {path}" in window.placeholder.text()
    assert not window.declare_button.isEnabled()


def test_a_path_from_the_environment_is_asked_about_too(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", _answering(Answer.No, asked))
    path = tmp_path / "typo" / "incidents.sqlite"
    monkeypatch.setenv("COMMANDER_DB", str(path))
    _start(qtbot, None, "store_failed")
    assert len(asked) == 1 and str(path) in asked[0]
    assert not path.parent.exists()


def test_the_default_store_is_created_without_asking(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", _answering(Answer.No, asked))
    _start(qtbot, None, "store_opened")
    assert asked == []
    default = tmp_path / "home" / "data" / "incident-commander" / "incidents.sqlite"
    assert default.is_file()  # the conftest points the user data folder into tmp_path


@pytest.mark.parametrize("explicit", [True, False], ids=["given", "default"])
def test_an_empty_file_is_refused_without_asking(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, explicit: bool
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", _answering(Answer.Yes, asked))
    empty = (
        tmp_path / "empty.sqlite"
        if explicit
        else tmp_path / "home" / "data" / "incident-commander" / "incidents.sqlite"
    )
    empty.parent.mkdir(parents=True, exist_ok=True)
    empty.touch()
    window = _start(qtbot, str(empty) if explicit else None, "store_failed")
    assert asked == []
    assert "is an empty file, not a store" in window.placeholder.text()
    assert [p.name for p in empty.parent.iterdir()] == [empty.name]
    assert empty.stat().st_size == 0
