"""The incident list: phase and age or duration, the overdue mark, active incidents first,
titles cut at a word and told apart, rows whose text never sets the list's width."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from commander.clock import FrozenClock
from commander.domain import Phase, Severity
from commander.services.incidents import change_phase, declare_incident, list_incidents
from commander.store.engine import Store
from ui.incidents.list_model import (
    FirstResolvedRole,
    IncidentListModel,
    OverdueRole,
    SharedWordsRole,
    StatusRole,
)
from ui.incidents.list_view import IncidentListView

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")
M = timedelta(minutes=1)
EU = "Checkout API returning 5xx for card payments in eu-west after the v2.14.0 deploy"
US = "Checkout API returning 5xx for card payments in us-east (3DS challenge)"


def three_incidents(store: Store, clock: FrozenClock) -> None:
    """INC-1 resolved after 81 minutes of impact, INC-2 a P2 owing an update, INC-3 a P1."""
    start = clock()
    eu = declare_incident(store, EU, Severity.P1, "ana", impact_started_at=start - 9 * M).ref
    clock.advance(72 * M)
    change_phase(store, eu, Phase.RESOLVE, "ana")
    declare_incident(store, US, Severity.P2, "bo")
    clock.advance(53 * M)
    change_phase(store, "INC-2", Phase.TRIAGE, "bo")
    declare_incident(store, "Search latency over SLO", Severity.P1, "dee")
    clock.advance(22 * M)


@pytest.fixture
def model(qapp, sqlite_store: Store, clock: FrozenClock) -> IncidentListModel:
    three_incidents(sqlite_store, clock)
    listed = IncidentListModel()
    listed.set_incidents(list_incidents(sqlite_store))
    return listed


def column(model: IncidentListModel, role: int) -> list[object]:
    return [model.index(row).data(role) for row in range(model.rowCount())]


def test_rows_say_phase_and_age_or_how_long_it_lasted(qtmodeltester, model) -> None:
    qtmodeltester.check(model)
    assert [row.ref for row in model.incidents()] == ["INC-3", "INC-2", "INC-1"]
    assert column(model, StatusRole) == [
        "Detect · 22m",
        "Triage · 1h 15m",
        "Resolved · lasted 1h 21m",  # impact start → resolved, stopped
    ]
    assert column(model, OverdueRole) == [False, True, False]  # P2: every 60 minutes
    assert column(model, FirstResolvedRole) == [False, False, True]
    assert column(model, SharedWordsRole) == [0, 8, 8]
    tip = model.index(1).data(Qt.ItemDataRole.ToolTipRole)
    assert US in tip and "Status update overdue by 15m" in tip


def test_the_list_is_as_wide_whatever_its_rows_say(qtbot, model) -> None:
    view = IncidentListView(model)
    qtbot.addWidget(view)
    view.resize(280, 400)
    view.show()
    qtbot.waitExposed(view)
    hint = (view.sizeHint().width(), view.minimumSizeHint().width())
    view.setCurrentIndex(model.index(2))
    view.grab()  # paints every row: the delegate's elision and marks run
    assert (view.sizeHint().width(), view.minimumSizeHint().width()) == hint
    sizes = {view.sizeHintForIndex(model.index(row)).width() for row in range(model.rowCount())}
    assert sizes == {1}  # a row asks for no width of its own
