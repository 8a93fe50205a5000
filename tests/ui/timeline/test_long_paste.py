"""A long or multi-line paste: never cut, logged whole from the multi-line editor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from commander.domain import Severity
from commander.domain.limits import ENTRY_TEXT_MAX
from commander.errors import InvalidInputError
from tests.support.cockpit import Cockpit
from ui.timeline.long_entry_dialog import LongEntryDialog
from ui.timeline.model import TEXT

# The offscreen platform says so when a dialog is shown.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

# 3,000 lines of log, far past QLineEdit's 32,767 characters.
LOG = "\n".join(
    f"2026-11-27T09:{n // 60 % 60:02d}:{n % 60:02d}Z ERROR payments-api pool exhausted ({n})"
    for n in range(3_000)
)


@pytest.fixture
def open_incident(qtbot, cockpit: Cockpit) -> Cockpit:
    cockpit.declare(qtbot, "Payments 5xx", Severity.P2)
    return cockpit


def paste(qtbot, cockpit: Cockpit, text: str) -> LongEntryDialog:
    """Ctrl+V in the bar with ``text`` on the clipboard; the editor it opens."""
    QGuiApplication.clipboard().setText(text)
    cockpit.panel.entry_bar.setFocus()  # (focus_entry_bar would select the bar's text)
    qtbot.keyClick(cockpit.panel.entry_bar, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = cockpit.panel._long_entry
    assert dialog is not None, "the paste did not open the multi-line editor"
    assert dialog.isVisible()
    return dialog


def log_it(qtbot, dialog: LongEntryDialog) -> None:
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_a_3000_line_paste_is_logged_whole(qtbot, open_incident: Cockpit) -> None:
    window = open_incident
    qtbot.keyClicks(window.panel.entry_bar, "/action pool log: ")
    dialog = paste(qtbot, window, LOG)
    assert dialog.text() == "/action pool log: " + LOG  # the bar's words and all of the paste
    assert window.panel.entry_bar.text() == ""
    # The leading words are read as the bar reads them, and said before logging.
    dialog.read_text()
    assert dialog.status.text().startswith("3,000 lines, ")
    assert " · an action" in dialog.status.text()
    with qtbot.waitSignal(window.timeline.entry_logged, timeout=10_000) as logged:
        log_it(qtbot, dialog)
    entry = logged.args[0]
    assert (entry.kind, entry.text) == ("action", "pool log: " + LOG)  # not 32,767 characters
    qtbot.waitUntil(lambda: window.panel._long_entry is None, timeout=10_000)
    assert not dialog.isVisible()
    model = window.panel.timeline_model
    qtbot.waitUntil(lambda: model.row_of(entry.id) >= 0, timeout=10_000)
    assert model.index(model.row_of(entry.id), TEXT).data().endswith("(3,000 lines)")


def test_a_long_one_line_paste_opens_the_editor_too(qtbot, open_incident: Cockpit) -> None:
    window = open_incident
    qtbot.keyClicks(window.panel.entry_bar, "see  for details")
    window.panel.entry_bar.setCursorPosition(4)
    long_line = "x" * 2_000
    dialog = paste(qtbot, window, long_line)
    assert dialog.text() == f"see {long_line} for details"


def test_a_short_paste_stays_in_the_bar(qtbot, open_incident: Cockpit) -> None:
    QGuiApplication.clipboard().setText("v1.4.2")
    bar = open_incident.panel.entry_bar
    qtbot.keyClicks(bar, "rolled back to ")
    qtbot.keyClick(bar, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert bar.text() == "rolled back to v1.4.2"
    assert open_incident.panel._long_entry is None


def test_a_line_break_reaching_the_bar_another_way_goes_to_the_editor(
    qtbot, open_incident: Cockpit
) -> None:
    open_incident.panel.entry_bar.insert("first\nsecond")
    dialog = open_incident.panel._long_entry
    assert dialog is not None and dialog.text() == "first\nsecond"
    assert open_incident.panel.entry_bar.text() == ""


def test_text_over_the_core_limit_is_refused_and_stays(qtbot, open_incident: Cockpit) -> None:
    window = open_incident
    line = "y" * 99
    huge = "\n".join([line] * (ENTRY_TEXT_MAX // 100 + 1))  # 10,001 lines, 1,000,099 chars
    dialog = paste(qtbot, window, huge)
    rows = window.panel.timeline_model.rowCount()
    log_it(qtbot, dialog)
    assert dialog.isVisible() and dialog.pending is None
    assert "the entry has 1,000,099 characters; one entry holds at most 1,000,000" in (
        dialog.status.text()
    )
    assert "the text stays here" in dialog.status.text()
    assert dialog.text() == huge  # nothing cut
    window.context.writer.wait()
    assert window.panel.timeline_model.rowCount() == rows


def test_esc_asks_before_dropping_the_text(
    qtbot, open_incident: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = paste(qtbot, open_incident, "one\ntwo")
    asked: list[bool] = []
    monkeypatch.setattr(dialog, "confirm_drop", lambda: asked.append(True) or False)
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Escape)
    assert asked == [True] and dialog.isVisible() and dialog.text() == "one\ntwo"
    monkeypatch.setattr(dialog, "confirm_drop", lambda: True)
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert open_incident.panel._long_entry is None


def test_a_failed_write_keeps_the_text_in_the_editor(
    qtbot, open_incident: Cockpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> None:
        raise InvalidInputError("the store is read-only")

    monkeypatch.setattr("ui.timeline.store_calls.carry_out", refuse)
    dialog = paste(qtbot, open_incident, "one\ntwo")
    log_it(qtbot, dialog)
    qtbot.waitUntil(lambda: "Not logged" in dialog.status.text(), timeout=10_000)
    assert "Not logged: the store is read-only." in dialog.status.text(), dialog.status.text()
    assert dialog.isVisible() and dialog.text() == "one\ntwo"
    assert not dialog.editor.isReadOnly() and dialog.log_button.isEnabled()


def test_a_leading_time_in_a_paste_says_it_backdates(qtbot, clock, open_incident: Cockpit) -> None:
    dialog = paste(qtbot, open_incident, "09:30 failover started\nreplica promoted")
    dialog.read_text()
    # the clock fixture stands at 10:00Z
    assert "backdated to 09:30Z (30m 00s ago)" in dialog.status.text()


def test_a_pasted_log_keeps_its_leading_time_as_text_in_one_click(
    qtbot, clock, open_incident: Cockpit
) -> None:
    window = open_incident
    dialog = paste(qtbot, window, "09:30:05 ERROR pool exhausted\n09:30:06 ERROR again")
    dialog.read_text()
    assert "backdated to 09:30:05Z" in dialog.status.text()
    assert "the leading time is left out of the text" in dialog.status.text()
    assert not dialog.keep_time_button.isHidden()
    qtbot.mouseClick(dialog.keep_time_button, Qt.MouseButton.LeftButton)
    assert "backdated" not in dialog.status.text() and dialog.keep_time_button.isHidden()
    with qtbot.waitSignal(window.timeline.entry_logged, timeout=10_000) as logged:
        log_it(qtbot, dialog)
    entry = logged.args[0]
    assert entry.text == "09:30:05 ERROR pool exhausted\n09:30:06 ERROR again"
    assert entry.occurred_at == entry.recorded_at  # logged now, not backdated
