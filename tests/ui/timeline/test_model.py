"""Qt models checked with pytest-qt's model tester."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from PySide6.QtCore import Qt

from commander.domain import Phase, Severity
from commander.views.incidents import EntryView, IncidentSummary
from commander.views.timeline import TimelineCounts, TimelinePage
from ui.incidents.list_model import IncidentListModel
from ui.timeline import model as model_module
from ui.timeline.model import KIND, TEXT, TIME, TOOLTIP_LINES, TimelineModel

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
    assert model.index(0, TEXT).data() == "line one … (2 lines)"
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


LOG_149 = "\n".join(f"09:{n % 60:02d} pool exhausted on db-{n}" for n in range(149))


def test_a_long_entry_shows_its_first_line_and_line_count() -> None:
    model = TimelineModel()
    model.set_entries([entry(1, 0, LOG_149), entry(2, 5, "one line"), entry(3, 9, "z" * 900)])
    assert model.index(0, TEXT).data() == "09:00 pool exhausted on db-0 … (149 lines)"
    assert model.index(1, TEXT).data() == "one line"
    assert model.index(2, TEXT).data() == "z" * 500 + " …"
    tooltip = model.index(0, TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.splitlines()[:TOOLTIP_LINES] == LOG_149.splitlines()[:TOOLTIP_LINES]
    assert tooltip.endswith("… 149 lines in all: select the entry to read it whole below")
    assert model.index(1, TEXT).data(Qt.ItemDataRole.ToolTipRole) == "one line"
    assert [model.shows_whole(model.entry_at(r)) for r in range(3)] == [False, True, False]


def test_lines_are_counted_once_per_row_not_per_paint(monkeypatch) -> None:
    counted: list[str] = []
    real = model_module.line_count
    monkeypatch.setattr(model_module, "line_count", lambda text: counted.append(text) or real(text))
    model = TimelineModel()
    model.set_entries([entry(n, n, f"{n}\nmore") for n in range(50)] + [entry(99, 99, "short")])
    for _paint in range(3):
        for row in range(model.rowCount()):
            model.index(row, TEXT).data()
            model.index(row, TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert len(counted) == 50  # the multi-line rows, once each; one-line rows cost nothing
    model.add_entry(replace(entry(3, 3, "edited\nto\nthree"), version=2))
    assert len(counted) == 51 and model.index(3, TEXT).data() == "edited … (3 lines)"


def test_times_carry_the_date_when_the_rows_span_days(qtmodeltester) -> None:
    model = TimelineModel()
    shown: list[bool] = []
    model.dates_shown_changed.connect(shown.append)
    model.set_entries([entry(1, 0), entry(2, 5)])
    assert model.index(0, TIME).data() == "10:00:00Z" and not model.dates_shown
    # Five days earlier: every row now says its date, on the clock shown.
    model.add_entry(entry(3, -5 * 24 * 60))
    qtmodeltester.check(model)
    assert [model.index(r, TIME).data() for r in range(3)] == [
        "2026-11-22 10:00:00Z",
        "2026-11-27 10:00:00Z",
        "2026-11-27 10:05:00Z",
    ]
    assert shown == [True]
    model.remove_entry(3)
    assert model.index(0, TIME).data() == "10:00:00Z" and shown == [True, False]
    # The time cell's tooltip always has the date.
    assert model.index(0, TIME).data(Qt.ItemDataRole.ToolTipRole) == "2026-11-27 10:00:00Z"


def test_days_are_told_on_the_clock_the_user_chose(monkeypatch) -> None:
    # 23:30Z and 00:30Z: two days in UTC, one evening in New York (UTC-5).
    monkeypatch.setattr("ui.timeline.model.local_zone", lambda: timezone(timedelta(hours=-5)))
    monkeypatch.setattr("commander.domain.when.local_zone", lambda: timezone(timedelta(hours=-5)))
    model = TimelineModel()
    model.set_entries([entry(1, 13 * 60 + 30), entry(2, 14 * 60 + 30)])
    assert model.dates_shown
    model.set_local_time(True)
    assert not model.dates_shown
    assert model.index(0, TIME).data() == "18:30:00"


def test_the_incidents_start_counts_before_its_first_page_arrives() -> None:
    model = TimelineModel()
    model.set_earliest_known(T0 - timedelta(days=2))
    model.set_page(page_of([entry(5, 50), entry(6, 60)], has_older=True, total=900))
    assert model.dates_shown
    assert model.index(0, TIME).data() == "2026-11-27 10:50:00Z"


def test_journaled_entries_show_as_waiting_until_replaced() -> None:
    model = TimelineModel()
    model.set_entries([entry(1, 0, "stored")])
    model.set_waiting([entry(-7, 5, "typed offline"), entry(-8, 6, "and this")])
    kinds = [model.index(r, KIND).data() for r in range(3)]
    assert kinds == ["note", "waiting · note", "waiting · note"]
    assert model.index(1, TEXT).data(Qt.ItemDataRole.ToolTipRole) == model_module.WAITING_TIP
    assert model.index(1, TEXT).data(Qt.ItemDataRole.ForegroundRole) is not None
    model.set_waiting([entry(-8, 6, "and this")])  # the first was written
    model.add_entry(entry(2, 5, "typed offline"))  # ... and announced
    assert [(model.index(r, KIND).data(), model.index(r, TEXT).data()) for r in range(3)] == [
        ("note", "stored"),
        ("note", "typed offline"),
        ("waiting · note", "and this"),
    ]
