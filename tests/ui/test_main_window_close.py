"""Closing the real window: unsaved postmortems are asked about before anything closes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from commander.domain import Severity
from commander.services.postmortem import get_postmortem
from commander.services.timeline import log_entry
from commander.store.engine import open_store
from ui.comms.feature import CommsFeature
from ui.health.feature import HealthFeature
from ui.main_window import MainWindow
from ui.postmortem.editor import PostmortemEditor
from ui.postmortem.install import PostmortemFeature

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

Answer = QMessageBox.StandardButton


@pytest.fixture
def editor(qtbot, window: MainWindow) -> PostmortemEditor:
    """INC-1 open in the shown window, its postmortem editor holding unsaved text."""
    window.show()
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.submit_declaration("Search is slow", Severity.P2, "")
    feature = window.findChild(PostmortemFeature)
    assert feature is not None
    opened = feature.open_editor()
    assert opened is not None
    with qtbot.waitSignal(opened.loaded, timeout=10_000):
        pass
    opened.section_edits["summary"].setFocus()
    QTest.keyClicks(opened.section_edits["summary"], "Half written")
    assert opened.is_dirty()
    return opened


def _answer(monkeypatch: pytest.MonkeyPatch, answers: list[Answer]) -> list[str]:
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_rest: object) -> Answer:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def _running(window: MainWindow) -> dict[str, bool]:
    """What the window runs besides itself (private state: no public switch says it)."""
    comms = window.findChild(CommsFeature)
    health = window.findChild(HealthFeature)
    assert comms is not None and comms.runner is not None and health is not None
    return {
        "live feed": window.live._timer.isActive(),
        "outbox runner": comms.runner._timer.isActive(),
        "health prober": not health.prober._stopped,
        "store": window.context.store is not None and window.live.feed is not None,
    }


def test_cancel_keeps_the_cockpit_open_and_running_then_discard_closes(
    qtbot, monkeypatch, window: MainWindow, editor: PostmortemEditor
) -> None:
    asked = _answer(monkeypatch, [Answer.Cancel, Answer.Discard])
    closed: list[None] = []
    window.closed.connect(lambda: closed.append(None))
    assert all(_running(window).values())
    assert not window.close()
    assert len(asked) == 1 and "INC-1" in asked[0]
    assert window.isVisible() and editor.isVisible() and editor.is_dirty()
    assert _running(window) == dict.fromkeys(_running(window), True)
    assert closed == []
    # Still a working cockpit: a write goes through.
    with qtbot.waitSignal(window.context.changed, timeout=10_000):
        window.context.write(
            lambda store: log_entry(store, "INC-1", "still here", "ana"), lambda _entry: None
        )
    assert window.close()
    assert len(asked) == 2
    assert not window.isVisible() and not editor.isVisible() and not editor.is_dirty()
    assert closed == [None]
    assert not window.live._timer.isActive() and window.live.feed is None


def test_save_keeps_the_window_until_saved_then_closes_it(
    qtbot, monkeypatch, window: MainWindow, editor: PostmortemEditor, db_path: Path
) -> None:
    asked = _answer(monkeypatch, [Answer.Save])
    with qtbot.waitSignal(window.closed, timeout=10_000):
        assert not window.close()  # the save is on its way
        assert window.isVisible()
    assert len(asked) == 1 and not window.isVisible()
    store = open_store(str(db_path), create=False)
    try:
        assert get_postmortem(store, "INC-1").section("summary") == "Half written"
    finally:
        store.close()


def test_without_unsaved_edits_the_window_closes_without_a_question(
    qtbot, monkeypatch, window: MainWindow, editor: PostmortemEditor
) -> None:
    asked = _answer(monkeypatch, [])
    editor.discard()
    assert window.close()
    assert asked == [] and not window.isVisible()
