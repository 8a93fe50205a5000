"""Editing an entry's words, time, kind and pin from the timeline (F2, Enter, context menu)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from commander.domain import EntryKind, Severity
from commander.domain.limits import ENTRY_TEXT_MAX
from commander.services.timeline import entry_revisions, read_timeline
from commander.store.engine import open_store
from commander.views.incidents import EntryView
from tests.support.cockpit import Cockpit
from ui.timeline.entry_dialog import EntryDialog, to_qdatetime

T0 = datetime(2026, 11, 27, 10, 0, 30, 250_000, tzinfo=UTC)


def entry(kind: str = "note", text: str = "paged on-call") -> EntryView:
    return EntryView(7, 1, T0, T0, "ana", kind, text, False)


def test_ok_without_changes_changes_nothing(qtbot) -> None:
    dialog = EntryDialog(entry(), local_time=True)
    qtbot.addWidget(dialog)
    assert dialog.changes() == {}  # the time's fraction of a second is not a change


def test_an_edit_over_the_entry_limit_stays_open_with_its_text(qtbot) -> None:
    dialog = EntryDialog(entry(), local_time=False)
    qtbot.addWidget(dialog)
    too_long = "line of log\n" * (ENTRY_TEXT_MAX // 12 + 1)
    dialog.text_edit.setPlainText(too_long)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "one entry holds at most 1,000,000" in dialog.problem.text()
    assert dialog.text_edit.toPlainText() == too_long
    dialog.text_edit.setPlainText("short again")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_only_what_changed_is_returned(qtbot) -> None:
    dialog = EntryDialog(entry(), local_time=False)
    qtbot.addWidget(dialog)
    dialog.text_edit.setPlainText("paged on-call\nno answer after 5 min")
    dialog.time_edit.setDateTime(to_qdatetime(T0 - timedelta(minutes=3), local=False))
    dialog.kind_combo.setCurrentText("action")
    assert dialog.changes() == {
        "text": "paged on-call\nno answer after 5 min",
        "occurred_at": T0 - timedelta(minutes=3),
        "kind": "action",
    }


def test_entries_the_app_wrote_can_only_be_pinned(qtbot) -> None:
    dialog = EntryDialog(entry(kind="severity", text="Raised P2 → P1"), local_time=False)
    qtbot.addWidget(dialog)
    assert not dialog.text_edit.isEnabled() and not dialog.time_edit.isEnabled()
    dialog.pinned_check.setChecked(True)
    assert dialog.changes() == {"pinned": True}


def fill(text: str, minutes_earlier: int, kind: str):
    def exec_(dialog: EntryDialog) -> int:
        dialog.text_edit.setPlainText(text)
        moved = dialog.time_edit.dateTime().addSecs(-60 * minutes_earlier)
        dialog.time_edit.setDateTime(moved)
        dialog.kind_combo.setCurrentText(kind)
        dialog.pinned_check.setChecked(True)
        return QDialog.DialogCode.Accepted

    return exec_


@pytest.mark.parametrize("key", [Qt.Key.Key_F2, Qt.Key.Key_Return])
def test_editing_a_row_saves_it_with_history(
    qtbot, cockpit: Cockpit, db_path: Path, monkeypatch: pytest.MonkeyPatch, key: Qt.Key
) -> None:
    cockpit.declare(qtbot, "Edits", Severity.P2)
    page = cockpit.panel
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(page.entry_bar, "rolled back")
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000) as logged:
        qtbot.keyClick(page.entry_bar, Qt.Key.Key_Return)
    logged_entry = logged.args[0]
    model = page.timeline_model
    page.timeline_view.setCurrentIndex(model.index(model.row_of(logged_entry.id), 0))
    text = "rolled back to v1.4.2\nerrors back to baseline 10 min later"
    monkeypatch.setattr(EntryDialog, "exec", fill(text, 90, "action"))
    with qtbot.waitSignal(cockpit.timeline.entry_changed, timeout=10_000) as changed:
        qtbot.keyClick(page.timeline_view, key)
    edited = changed.args[0]
    assert (edited.text, edited.kind, edited.pinned) == (text, EntryKind.ACTION, True)
    # An hour and a half earlier: now before the declaration, so it moved to the top.
    assert model.row_of(edited.id) == 0
    assert model.index(0, 3).data() == "rolled back to v1.4.2 … (2 lines)"
    store = open_store(str(db_path), create=True)
    try:
        history = entry_revisions(store, edited.id)
        stored = next(e for e in read_timeline(store, "INC-1") if e.id == edited.id)
    finally:
        store.close()
    assert [(r.text, r.kind, r.revised_by) for r in history] == [("rolled back", "note", "ana")]
    assert stored.text == text
    assert logged_entry.occurred_at - stored.occurred_at >= timedelta(minutes=89)


def test_deleted_entries_are_restored_before_editing(
    qtbot, cockpit: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    cockpit.declare(qtbot, "Deleted", Severity.P2)
    page = cockpit.panel
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(page.entry_bar, "typo")
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000):
        qtbot.keyClick(page.entry_bar, Qt.Key.Key_Return)
    page.timeline_view.setCurrentIndex(page.timeline_model.index(1, 0))
    with qtbot.waitSignal(cockpit.timeline.entry_changed, timeout=10_000):
        qtbot.keyClick(page.timeline_view, Qt.Key.Key_Delete)
    opened: list[EntryDialog] = []
    monkeypatch.setattr(EntryDialog, "exec", lambda dialog: opened.append(dialog) or 0)
    qtbot.keyClick(page.timeline_view, Qt.Key.Key_F2)
    assert not opened
    assert "restore it" in page.hint.text()
