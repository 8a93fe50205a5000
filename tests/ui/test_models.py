"""Qt models checked with pytest-qt's model tester."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commander.domain import Phase, Severity
from commander.services.views import EntryView, IncidentSummary
from ui.models.incident_list import IncidentListModel
from ui.models.timeline import TEXT, TIME, TimelineModel

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def entry(entry_id: int, minutes: int, text: str = "x") -> EntryView:
    at = T0 + timedelta(minutes=minutes)
    return EntryView(entry_id, 1, at, at, "ana", "note", text, False)


def test_timeline_model_passes_the_model_tester(qtmodeltester) -> None:
    model = TimelineModel()
    model.set_entries([entry(1, 0), entry(2, 5)])
    qtmodeltester.check(model)


def test_backdated_entry_is_inserted_in_time_order() -> None:
    model = TimelineModel()
    model.set_entries([entry(1, 0, "first"), entry(2, 10, "third")])
    assert model.add_entry(entry(3, 5, "second")) == 1
    assert [model.index(r, TEXT).data() for r in range(3)] == ["first", "second", "third"]


def test_cells_show_the_first_line_and_utc_or_local_time() -> None:
    model = TimelineModel()
    model.set_entries([entry(1, 5, "line one\nline two")])
    assert model.index(0, TEXT).data() == "line one"
    assert model.index(0, TIME).data() == "10:05:00Z"
    model.set_local_time(True)
    assert not model.index(0, TIME).data().endswith("Z")


def test_incident_list_model(qtmodeltester) -> None:
    model = IncidentListModel()
    rows = [IncidentSummary(n, f"INC-{n}", f"T{n}", Severity.P1, Phase.TRIAGE, T0) for n in (2, 1)]
    model.set_incidents(rows)
    qtmodeltester.check(model)
    assert model.row_of("INC-1") == 1
    assert model.index(0).data() == "INC-2  P1  T2"
