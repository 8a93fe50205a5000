"""Correcting with Up, deleting with Delete, restoring, and the history behind them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from commander.domain import Severity
from commander.services.timeline import entry_revisions
from commander.store.engine import open_store
from tests.support.cockpit import Cockpit
from ui.timeline.panel import TimelinePanel
from ui.timeline.revisions_dialog import revisions_text


@pytest.fixture
def logged(qtbot, cockpit: Cockpit) -> TimelinePanel:
    cockpit.declare(qtbot, "Corrections", Severity.P2)
    page = cockpit.panel
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(page.entry_bar, "/action rolled back to v1.4.1")
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000):
        qtbot.keyClick(page.entry_bar, Qt.Key.Key_Return)
    return page


def test_up_recalls_the_last_entry_and_enter_corrects_it(
    qtbot, cockpit: Cockpit, logged: TimelinePanel, db_path
) -> None:
    qtbot.keyClick(logged.entry_bar, Qt.Key.Key_Up)
    assert logged.entry_bar.text() == "/action rolled back to v1.4.1"
    logged.entry_bar.setText("/action rolled back to v1.4.2")
    with qtbot.waitSignal(cockpit.timeline.entry_changed, timeout=10_000) as changed:
        qtbot.keyClick(logged.entry_bar, Qt.Key.Key_Return)
    entry = changed.args[0]
    assert (entry.text, entry.kind) == ("rolled back to v1.4.2", "action")
    texts = [
        logged.timeline_model.entry_at(r).text for r in range(logged.timeline_model.rowCount())
    ]
    assert "rolled back to v1.4.1" not in texts and "rolled back to v1.4.2" in texts
    store = open_store(str(db_path), create=True)
    try:
        history = entry_revisions(store, entry.id)
    finally:
        store.close()
    assert [(r.text, r.revised_by) for r in history] == [("rolled back to v1.4.1", "ana")]
    assert "rolled back to v1.4.1" in revisions_text(history, local=False)


def test_up_after_a_rollback_record_says_how_to_correct_it(
    qtbot, cockpit: Cockpit, logged: TimelinePanel
) -> None:
    qtbot.keyClicks(logged.entry_bar, "/rollback payments v1.4.3 -> v1.4.2 pool size")
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000):
        qtbot.keyClick(logged.entry_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: logged.entry_bar.text() == "", timeout=10_000)
    qtbot.keyClick(logged.entry_bar, Qt.Key.Key_Up)
    assert logged.entry_bar.text() == ""  # nothing to press Enter on that would be refused
    assert "rollback record" in logged.hint.text() and not logged.hint.isHidden()


def test_up_recalls_a_note_that_starts_like_a_time_as_text(
    qtbot, cockpit: Cockpit, logged: TimelinePanel
) -> None:
    # Recalled bare, "10:05 was the start" would be read back as a backdated entry.
    qtbot.keyClicks(logged.entry_bar, "/note 10:05 was the start")
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000) as first:
        qtbot.keyClick(logged.entry_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: logged.entry_bar.text() == "", timeout=10_000)
    qtbot.keyClick(logged.entry_bar, Qt.Key.Key_Up)
    assert logged.entry_bar.text() == "/note 10:05 was the start"
    qtbot.keyClicks(logged.entry_bar, " of it")
    with qtbot.waitSignal(cockpit.timeline.entry_changed, timeout=10_000) as changed:
        qtbot.keyClick(logged.entry_bar, Qt.Key.Key_Return)
    entry = changed.args[0]
    assert (entry.text, entry.kind) == ("10:05 was the start of it", "note")
    assert entry.occurred_at == first.args[0].occurred_at  # not moved to 10:05


def test_escape_cancels_a_correction(qtbot, logged: TimelinePanel) -> None:
    qtbot.keyClick(logged.entry_bar, Qt.Key.Key_Up)
    qtbot.keyClick(logged.entry_bar, Qt.Key.Key_Escape)
    assert logged.entry_bar.text() == ""
    assert logged.hint.isHidden()


def test_delete_is_soft_and_restorable(qtbot, cockpit: Cockpit, logged: TimelinePanel) -> None:
    model = logged.timeline_model
    row = next(r for r in range(model.rowCount()) if model.entry_at(r).kind == "action")
    logged.timeline_view.setCurrentIndex(model.index(row, 0))
    with qtbot.waitSignal(cockpit.timeline.entry_changed, timeout=10_000):
        qtbot.keyClick(logged.timeline_view, Qt.Key.Key_Delete)
    assert model.entry_at(row).deleted_at is not None
    assert model.index(row, 3).data(Qt.ItemDataRole.FontRole).strikeOut()
    with qtbot.waitSignal(cockpit.timeline.entry_changed, timeout=10_000):
        logged.restore_requested.emit(model.entry_at(row).id)
    assert model.entry_at(row).deleted_at is None
