"""Reading a timeline that spans days and holds long entries: dates, counts, the detail pane."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from commander.domain import Severity
from commander.services.timeline import log_entry
from tests.support.cockpit import Cockpit
from ui.timeline.model import TEXT, TIME

LOG_149 = "\n".join(f"09:{n % 60:02d}:00 ERROR pool exhausted on db-{n}" for n in range(149))


@pytest.fixture
def open_incident(qtbot, clock, cockpit: Cockpit) -> Cockpit:
    """An incident declared at the clock fixture's 2026-11-27 10:00Z."""
    cockpit.declare(qtbot, "Checkout errors", Severity.P1)
    return cockpit


def type_and_enter(qtbot, cockpit: Cockpit, text: str) -> None:
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(cockpit.panel.entry_bar, text)
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000):
        qtbot.keyClick(cockpit.panel.entry_bar, Qt.Key.Key_Return)


def test_an_entry_from_another_day_brings_dates_to_the_time_column(
    qtbot, open_incident: Cockpit
) -> None:
    panel = open_incident.panel
    model = panel.timeline_model
    assert model.index(0, TIME).data() == "10:00:00Z"  # one day: times alone
    type_and_enter(qtbot, open_incident, "2026-11-22T18:00Z first customer complaint")
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    assert [model.index(r, TIME).data() for r in range(2)] == [
        "2026-11-22 18:00:00Z",
        "2026-11-27 10:00:00Z",
    ]
    assert model.index(0, TEXT).data() == "first customer complaint"
    view = panel.timeline_view
    assert view.columnWidth(TIME) >= view.fontMetrics().horizontalAdvance("2026-11-22 18:00:00Z")


def test_a_long_entry_reads_whole_in_the_detail_pane(qtbot, open_incident: Cockpit) -> None:
    window = open_incident
    ref = window.incident.ref
    with qtbot.waitSignal(window.context.changed, timeout=10_000):
        window.context.write(lambda store: log_entry(store, ref, LOG_149, author="bo"))
    panel, model = window.panel, window.panel.timeline_model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    assert model.index(1, TEXT).data() == "09:00:00 ERROR pool exhausted on db-0 … (149 lines)"
    assert panel.detail.isHidden()
    panel.timeline_view.setCurrentIndex(model.index(1, TEXT))
    assert not panel.detail.isHidden()
    assert panel.detail.toPlainText() == LOG_149
    panel.timeline_view.setCurrentIndex(model.index(0, TEXT))  # a one-line entry
    assert panel.detail.isHidden()
