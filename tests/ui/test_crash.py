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
