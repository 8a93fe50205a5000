"""Drives the real app (``ui.app.run_window``) for test_app_exit: opens INC-1's postmortem,
types into it, then closes the window twice, answering the unsaved-changes question with
each answer given on the command line in turn (cancel, discard, save) by clicking the
button of the message box that comes up. Prints what it does; the test times the exit.

    close_driver.py DB ANSWER...
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from ui import app as app_module
from ui.main_window import MainWindow
from ui.postmortem.editor import PostmortemEditor
from ui.postmortem.install import PostmortemFeature

BUTTONS = {
    "cancel": QMessageBox.StandardButton.Cancel,
    "discard": QMessageBox.StandardButton.Discard,
    "save": QMessageBox.StandardButton.Save,
}


def say(text: str) -> None:
    print(text, flush=True)  # noqa: T201


def when(condition: Callable[[], bool], then: Callable[[], None]) -> None:
    """Call ``then`` once ``condition()`` holds, checking every 50 ms."""

    def check() -> None:
        if condition():
            then()
        else:
            QTimer.singleShot(50, check)

    QTimer.singleShot(50, check)


def main(db: str, answers: list[str]) -> int:
    def window() -> MainWindow | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        return found[0] if found else None

    def answer_questions() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible() and answers:
            chosen = answers.pop(0)
            say(f"asked: answering {chosen}")
            box.button(BUTTONS[chosen]).click()
        QTimer.singleShot(50, answer_questions)

    def store_open() -> bool:
        shown = window()
        return shown is not None and shown.context.store is not None

    def open_incident() -> None:
        shown = window()
        assert shown is not None
        shown.open_incident("INC-1")
        when(lambda: shown.context.incident is not None, lambda: open_editor(shown))

    def open_editor(shown: MainWindow) -> None:
        feature = shown.findChild(PostmortemFeature)
        assert feature is not None
        editor = feature.open_editor()
        assert editor is not None
        when(lambda: editor.postmortem is not None, lambda: type_then_close(shown, editor))

    def type_then_close(shown: MainWindow, editor: PostmortemEditor) -> None:
        edit = editor.section_edits["summary"]
        edit.setFocus()
        QTest.keyClicks(edit, "written, not saved")
        say("typed")
        close(shown, editor, len(answers))

    def close(shown: MainWindow, editor: PostmortemEditor, left: int) -> None:
        say("closing")
        shown.close()
        say(f"window visible={shown.isVisible()} editor visible={editor.isVisible()}")
        if left > 1:  # the question was answered (cancel): close again for the next answer
            QTimer.singleShot(300, lambda: close(shown, editor, left - 1))

    app_module.build_app()  # run_window takes this one: the timers need it first
    when(store_open, open_incident)
    QTimer.singleShot(50, answer_questions)
    code = app_module.run_window(db)
    say(f"exited {code}")
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2:]))
