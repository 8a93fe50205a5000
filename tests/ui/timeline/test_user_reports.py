"""/report in the quick-entry bar: the row it adds, its filter, and the checklist it ticks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from commander.domain import Severity
from tests.support.cockpit import Cockpit
from ui.timeline.model import KIND, KIND_COLOURS, TEXT

LINE = "-5m /report Ana Lima channel=support ticket contact=ana@example.com: checkout fails"


@pytest.fixture
def shown(qtbot, cockpit: Cockpit) -> Cockpit:
    cockpit.declare(qtbot, "Payments 5xx", Severity.P2)
    panel = cockpit.response.checklist_panel
    qtbot.waitUntil(lambda: panel is not None and panel.model.rowCount() > 0, timeout=10_000)
    return cockpit


def type_and_enter(qtbot, cockpit: Cockpit, text: str) -> None:
    bar = cockpit.panel.entry_bar
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(bar, text)
    qtbot.keyClick(bar, Qt.Key.Key_Return)


def test_a_report_line_shows_its_row_and_ticks_the_detect_item(qtbot, shown: Cockpit) -> None:
    with qtbot.waitSignal(shown.timeline.entry_logged, timeout=10_000) as logged:
        type_and_enter(qtbot, shown, LINE)
    entry = logged.args[0]
    assert entry.recorded_at - entry.occurred_at >= timedelta(minutes=4, seconds=59)
    model = shown.panel.timeline_model
    qtbot.waitUntil(lambda: model.row_of(entry.id) >= 0, timeout=10_000)
    row = model.row_of(entry.id)
    assert model.index(row, KIND).data() == "user-report"
    colour = model.index(row, KIND).data(Qt.ItemDataRole.DecorationRole)
    assert colour == QColor(KIND_COLOURS["user-report"])
    assert model.index(row, TEXT).data() == (
        "Reported by Ana Lima via support ticket: checkout fails"
    )
    tooltip = model.index(row, TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.endswith("Contact: ana@example.com")  # the commander's own window
    assert shown.panel.entry_bar.text() == ""
    checklist = shown.response.checklist_panel
    qtbot.waitUntil(lambda: checklist.model.item_at(1).checked, timeout=10_000)
    assert checklist.model.item_at(1).text == "User reports collected"


def test_a_malformed_report_shows_a_hint_and_keeps_the_text(qtbot, shown: Cockpit) -> None:
    type_and_enter(qtbot, shown, "/report Ana checkout fails")
    assert "/report needs ': '" in shown.panel.hint.text()
    assert shown.panel.entry_bar.text() == "/report Ana checkout fails"


def test_the_kind_filter_shows_only_reports(qtbot, shown: Cockpit) -> None:
    with qtbot.waitSignal(shown.timeline.entry_logged, timeout=10_000):
        type_and_enter(qtbot, shown, LINE)
    model = shown.panel.timeline_model
    qtbot.waitUntil(lambda: model.rowCount() >= 3, timeout=10_000)  # declared, report, check
    shown.panel.filter_bar.other_kinds["user-report"].setChecked(True)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    assert model.entry_at(0).kind == "user-report"
