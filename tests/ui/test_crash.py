"""An unexpected exception is logged, shown with copyable details, and the app goes on."""

from __future__ import annotations

import logging

import pytest

from ui import crash


def test_crash_is_logged_and_shown_with_details(
    qtbot, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "ui.common.error_dialog.show_crash",
        lambda parent, summary, details, hint: shown.append((summary, details)),
    )
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as error:
        with caplog.at_level(logging.ERROR):
            crash.report_crash(type(error), error, error.__traceback__)
    assert "unexpected error" in caplog.text
    assert shown and shown[0][0] == "RuntimeError: boom in a slot"
    assert "Traceback" in shown[0][1] and "boom in a slot" in shown[0][1]


def test_crash_dialog_copies_details(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.common.error_dialog import show_crash

    def press_copy_then_close(box: QMessageBox) -> int:
        copy = next(b for b in box.buttons() if b.text() == "Copy details")
        copy.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press_copy_then_close)
    show_crash(None, "RuntimeError: x", "Traceback: details here", "")
    assert QApplication.clipboard().text() == "Traceback: details here"


def test_a_problem_the_user_can_fix_is_shown_plainly_not_as_a_crash(
    qtbot, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    from commander.errors import InvalidInputError

    problems: list[str] = []
    monkeypatch.setattr(
        "ui.common.error_dialog.show_problem", lambda parent, title, text: problems.append(text)
    )
    monkeypatch.setattr("ui.common.error_dialog.show_crash", lambda *args: problems.append("crash"))
    error = InvalidInputError("the author in settings.json contains a NUL character")
    with caplog.at_level(logging.INFO):
        crash.report_crash(type(error), error, None)
    assert problems == ["the author in settings.json contains a NUL character"]
    assert "unexpected error" not in caplog.text
