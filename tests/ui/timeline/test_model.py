"""Qt models checked with pytest-qt's model tester."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from commander.domain import Phase, Severity
from commander.views.incidents import EntryView, IncidentSummary
from commander.views.timeline import TimelineCounts, TimelinePage
from ui.incidents.list_model import IncidentListModel
from ui.timeline.model import KIND, TEXT, TIME, TimelineModel

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


def page_of(entries: list[EntryView], has_older: bool, total: int) -> TimelinePage:
    return TimelinePage(tuple(entries), has_older, TimelineCounts(total, total), 99)


def test_a_page_leaves_older_entries_for_later(qtmodeltester) -> None:
    model = TimelineModel()
    model.set_page(page_of([entry(5, 50), entry(6, 60)], has_older=True, total=6))
    qtmodeltester.check(model)
    assert (model.rowCount(), model.total_count, model.latest_version()) == (2, 6, 99)
    # Backdated before the oldest row held: it belongs to the part not fetched yet.
    assert model.add_entry(entry(7, 10)) == -1
    assert model.rowCount() == 2
    assert model.add_entry(entry(8, 55)) == 1


def test_older_pages_go_on_top_and_rows_are_found_by_id(qtmodeltester) -> None:
    model = TimelineModel()
    model.set_page(page_of([entry(5, 50), entry(6, 60)], has_older=True, total=5))
    assert model.oldest_key() == (T0 + timedelta(minutes=50), 5)
    added = model.prepend_older((entry(1, 10), entry(2, 20), entry(5, 50)), has_older=False)
    assert added == 2 and not model.has_older()
    qtmodeltester.check(model)
    assert [model.row_of(n) for n in (1, 2, 5, 6, 42)] == [0, 1, 2, 3, -1]
    # Everything is loaded now: a backdated entry lands at the very top.
    assert model.add_entry(entry(9, 0)) == 0
    assert model.row_of(6) == 4


def test_changes_move_edit_and_filter_rows() -> None:
    model = TimelineModel()
    model.set_entries([entry(1, 0, "a"), entry(2, 10, "b"), entry(3, 20, "c")])
    model.apply_changes([replace(entry(1, 30, "a moved"), version=7)])
    assert [model.entry_at(r).text for r in range(3)] == ["b", "c", "a moved"]
    assert model.row_of(1) == 2 and model.latest_version() == 7
    deleted = replace(entry(2, 10, "b"), deleted_at=T0)
    model.apply_changes([deleted, entry(3, 20, "c2")], matching=frozenset({2}))
    assert model.rowCount() == 2 and model.row_of(3) == -1
    assert model.index(model.row_of(2), TEXT).data(Qt.ItemDataRole.FontRole).strikeOut()


def test_kinds_carry_a_colour_swatch() -> None:
    model = TimelineModel()
    model.set_entries([entry(1, 0)])
    assert model.index(0, KIND).data(Qt.ItemDataRole.DecorationRole).name() == "#9e9e9e"
    assert model.index(0, TEXT).data(Qt.ItemDataRole.DecorationRole) is None
