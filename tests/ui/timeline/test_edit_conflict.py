"""An entry edited in the window after another seat changed it: both texts, and a choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton

from commander.services.timeline import edit_entry, log_entry, read_timeline
from commander.store.engine import open_store
from tests.support.cockpit import Cockpit
from ui.timeline.conflict_dialog import ConflictDialog

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def shown(qtbot, cockpit: Cockpit, db_path: Path):
    """An entry the window shows at its first version, then edited by another seat."""
    cockpit.declare(qtbot, "Checkout errors")
    other = open_store(str(db_path), create=False)
    try:
        entry = log_entry(other, cockpit.incident.ref, "db at 95% CPU", "bo")
        edit_entry(other, entry.id, "bo", text="db at 97% CPU", expected_version=entry.version)
    finally:
        other.close()
    return entry


def _stored_text(db_path: Path, entry_id: int) -> str:
    store = open_store(str(db_path), create=False)
    try:
        return next(e.text for e in read_timeline(store, 1) if e.id == entry_id)
    finally:
        store.close()


def _answer(cockpit: Cockpit, pick) -> list[ConflictDialog]:  # noqa: ANN001
    seen: list[ConflictDialog] = []

    def on_shown(dialog: ConflictDialog) -> None:
        seen.append(dialog)
        QTimer.singleShot(0, lambda: pick(dialog).click())

    cockpit.timeline.conflict_shown.connect(on_shown)
    return seen


@pytest.mark.parametrize(
    ("pick", "edit_to", "stored"),
    [
        (lambda d: d.keep_button, None, "db at 97% CPU"),
        (lambda d: d.mine_button, None, "db at 99% CPU"),
        (lambda d: d.merged_button, "db at 97-99% CPU", "db at 97-99% CPU"),
    ],
    ids=["keep theirs", "use mine", "edit merged"],
)
def test_the_person_sees_both_texts_and_chooses(
    qtbot, cockpit: Cockpit, shown, db_path: Path, pick, edit_to, stored
) -> None:
    def choose(dialog: ConflictDialog) -> QPushButton:
        if edit_to is not None:
            dialog.mine_box.setPlainText(edit_to)
        return pick(dialog)

    seen = _answer(cockpit, choose)
    changes = {"text": "db at 99% CPU", "expected_version": shown.version}
    cockpit.timeline.save_entry_edit(shown.id, changes)
    qtbot.waitUntil(lambda: bool(seen) and cockpit.idle(), timeout=10_000)
    qtbot.waitUntil(cockpit.idle, timeout=10_000)
    dialog = seen[0]
    assert (dialog.theirs_box.toPlainText(), dialog.conflict.yours) == (
        "db at 97% CPU",
        "db at 99% CPU",
    )
    assert len(seen) == 1  # saved against the new version: no second conflict
    assert _stored_text(db_path, shown.id) == stored
    assert cockpit.shell.errors == []


def test_a_correction_with_up_after_another_seat_edited_shows_both_texts(
    qtbot, cockpit: Cockpit, db_path: Path
) -> None:
    # Up recalls the entry as this window last saw it; another seat edits it meanwhile;
    # Enter then must not overwrite that edit silently.
    from PySide6.QtCore import Qt

    cockpit.declare(qtbot, "Checkout errors")
    bar = cockpit.panel.entry_bar
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(bar, "db at 95% CPU")
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000) as logged:
        qtbot.keyClick(bar, Qt.Key.Key_Return)
    entry = logged.args[0]
    qtbot.keyClick(bar, Qt.Key.Key_Up)
    assert bar.text() == "db at 95% CPU"
    other = open_store(str(db_path), create=False)
    try:
        edit_entry(other, entry.id, "bo", text="db at 97% CPU", expected_version=entry.version)
    finally:
        other.close()

    seen = _answer(cockpit, lambda dialog: dialog.mine_button)
    bar.setText("db at 99% CPU")
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(seen) and cockpit.idle(), timeout=10_000)
    qtbot.waitUntil(cockpit.idle, timeout=10_000)
    assert (seen[0].theirs_box.toPlainText(), seen[0].conflict.yours) == (
        "db at 97% CPU",
        "db at 99% CPU",
    )
    assert _stored_text(db_path, entry.id) == "db at 99% CPU"
    assert bar.text() == "" and bar.isEnabled()  # the correction is done, the bar free
    assert cockpit.shell.errors == []
