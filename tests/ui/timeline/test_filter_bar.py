"""Filtering, searching and paging the timeline (the timeline feature on a real store)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import ui.timeline.store_calls
from commander.domain import EntryKind, Severity
from commander.domain.when import utc_now
from commander.services.incidents import declare_incident
from commander.services.timeline import log_entry
from commander.store.engine import open_store
from tests.support.cockpit import Cockpit
from ui.timeline.panel import TimelinePanel

ENTRIES = [
    ("bo", EntryKind.OBSERVATION, "5xx rate 14% on /pay", False),
    ("ana", EntryKind.ACTION, "paged payments on-call", False),
    ("cy", EntryKind.HYPOTHESIS, "the pool size change in v1.4.3", False),
    ("ana", EntryKind.DECISION, "roll back to v1.4.2", True),
    ("bo", EntryKind.ACTION, "rollback started", False),
    ("bo", EntryKind.OBSERVATION, "errors falling", False),
    ("ana", EntryKind.NOTE, "customer support informed", True),
]


def write(db: Path, entries: list[tuple[str, EntryKind, str, bool]], declare: bool) -> None:
    store = open_store(str(db), create=True)
    try:
        start = utc_now() - timedelta(hours=1)
        if declare:
            declare_incident(store, "Payments 5xx", Severity.P1, author="ana", now=start)
        for n, (author, kind, text, pinned) in enumerate(entries, 1):
            at = start + timedelta(minutes=n)
            log_entry(store, "INC-1", text, author, kind=kind, occurred_at=at, pinned=pinned)
    finally:
        store.close()


def texts(page: TimelinePanel) -> list[str]:
    model = page.timeline_model
    return [model.entry_at(r).text for r in range(model.rowCount())]


@pytest.fixture
def opened(qtbot, cockpit: Cockpit, db_path: Path) -> TimelinePanel:
    write(db_path, ENTRIES, declare=True)
    cockpit.open(qtbot, "INC-1")
    return cockpit.panel


def test_kind_chips_combine_and_one_click_clears(qtbot, opened: TimelinePanel) -> None:
    bar = opened.filter_bar
    assert bar.shown_label.text() == "8 entries" and bar.clear_button.isHidden()
    bar.kind_buttons["action"].click()
    qtbot.waitUntil(lambda: texts(opened) == ["paged payments on-call", "rollback started"])
    bar.kind_buttons["decision"].click()
    qtbot.waitUntil(lambda: len(texts(opened)) == 3)
    assert bar.shown_label.text() == "3 of 8 entries shown"
    assert not bar.clear_button.isHidden()
    bar.clear_button.click()
    qtbot.waitUntil(lambda: len(texts(opened)) == 8)
    assert bar.shown_label.text() == "8 entries"
    assert not any(button.isChecked() for button in bar.kind_buttons.values())


# The offscreen platform warns when a window is shown; shortcuts need a shown window.
SHOWN = pytest.mark.qt_log_ignore("propagateSizeHints")


@SHOWN
def test_ctrl_f_searches_the_timeline_and_esc_clears(
    qtbot, cockpit: Cockpit, opened: TimelinePanel
) -> None:
    cockpit.shell.widget.show()
    cockpit.shell.widget.activateWindow()
    qtbot.waitUntil(cockpit.shell.widget.isActiveWindow)
    opened.timeline_view.setFocus()
    qtbot.keyClick(opened.timeline_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = opened.filter_bar.search
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "ROLL")  # a prefix, any case
    qtbot.waitUntil(lambda: texts(opened) == ["roll back to v1.4.2", "rollback started"])
    assert opened.filter_bar.shown_label.text() == "2 of 8 entries shown"
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == ""
    qtbot.waitUntil(lambda: len(texts(opened)) == 8)


def test_pinned_only_and_author(qtbot, opened: TimelinePanel) -> None:
    bar = opened.filter_bar
    qtbot.waitUntil(lambda: bar.author_combo.count() == 4)  # any, ana, bo, cy
    bar.pinned_button.click()
    qtbot.waitUntil(lambda: texts(opened) == ["roll back to v1.4.2", "customer support informed"])
    bar.pinned_button.click()
    bar.author_combo.setCurrentIndex(bar.author_combo.findText("bo"))
    qtbot.waitUntil(lambda: len(texts(opened)) == 3)
    assert {opened.timeline_model.entry_at(r).author for r in range(3)} == {"bo"}


def test_live_entries_arriving_keep_to_the_filter(
    qtbot, cockpit: Cockpit, opened: TimelinePanel, db_path: Path
) -> None:
    cockpit.start_live(qtbot)
    opened.filter_bar.kind_buttons["action"].click()
    qtbot.waitUntil(lambda: len(texts(opened)) == 2)
    live = [("dee", EntryKind.NOTE, "a live note", False), ("dee", EntryKind.ACTION, "x", False)]
    write(db_path, live, declare=False)
    qtbot.waitUntil(
        lambda: opened.filter_bar.shown_label.text() == "3 of 10 entries shown", timeout=5_000
    )
    assert "x" in texts(opened) and "a live note" not in texts(opened)
    # The new author joins the author filter.
    qtbot.waitUntil(lambda: opened.filter_bar.author_combo.findText("dee") > 0)


def test_an_entry_logged_here_while_filtered_shows_only_if_it_matches(
    qtbot, cockpit: Cockpit, opened: TimelinePanel
) -> None:
    opened.filter_bar.kind_buttons["action"].click()
    qtbot.waitUntil(lambda: len(texts(opened)) == 2)
    for typed in ("just a note", "/action failover done"):
        cockpit.timeline.focus_entry_bar()
        qtbot.keyClicks(opened.entry_bar, typed)
        with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000):
            qtbot.keyClick(opened.entry_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: opened.filter_bar.shown_label.text() == "3 of 10 entries shown")
    assert texts(opened)[-1] == "failover done" and "just a note" not in texts(opened)


def test_up_says_when_the_last_entry_is_hidden_by_the_filter(
    qtbot, cockpit: Cockpit, opened: TimelinePanel
) -> None:
    opened.filter_bar.pinned_button.click()
    qtbot.waitUntil(lambda: len(texts(opened)) == 2)
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(opened.entry_bar, "not pinned")
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000):
        qtbot.keyClick(opened.entry_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(cockpit.idle)
    qtbot.keyClick(opened.entry_bar, Qt.Key.Key_Up)
    assert "hidden by the filter" in opened.hint.text()
    assert opened.entry_bar.text() == ""


@SHOWN
def test_older_entries_are_fetched_when_scrolling_to_the_top(
    qtbot, cockpit: Cockpit, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui.timeline.store_calls, "FIRST_PAGE_SIZE", 10)
    monkeypatch.setattr(ui.timeline.store_calls, "OLDER_PAGE_SIZE", 7)
    many = [("bo", EntryKind.NOTE, f"entry {n:02}", False) for n in range(1, 31)]
    write(db_path, many, declare=True)
    # Shorter than ten rows (the window's header and panels take the rest of its height),
    # so the first page fills the view and no older page is read before scrolling.
    cockpit.shell.widget.resize(900, 300)
    page = cockpit.panel  # built at that size before the incident opens
    cockpit.shell.widget.show()
    qtbot.waitExposed(cockpit.shell.widget)
    cockpit.open(qtbot, "INC-1")
    assert texts(page) == [f"entry {n:02}" for n in range(21, 31)]
    qtbot.waitUntil(lambda: page.filter_bar.shown_label.text() == "31 entries")
    model, bar = page.timeline_model, page.timeline_view.verticalScrollBar()
    while model.has_older():
        qtbot.waitUntil(cockpit.idle)
        before = model.rowCount()
        bar.setValue(bar.minimum())
        qtbot.waitUntil(lambda before=before: model.rowCount() > before)
        assert model.rowCount() - before <= 7  # a page at a time
        assert bar.value() > bar.minimum()  # the rows being read stay in view
    assert texts(page)[1:] == [f"entry {n:02}" for n in range(1, 31)]
    assert not page.timeline_model.has_older()


def test_tab_walks_from_the_search_through_the_filters_to_the_timeline(
    opened: TimelinePanel,
) -> None:
    bar = opened.filter_bar
    seen, widget = [], bar.search
    # Every kind has a button, and the table's own parts (scroll bars, headers) follow
    # it in the chain without taking focus: walk well past them.
    for _ in range(len(bar.kind_buttons) + 40):
        widget = widget.nextInFocusChain()
        seen.append(widget)
    assert seen.index(bar.kind_buttons["note"]) < seen.index(bar.pinned_button)
    assert seen.index(bar.pinned_button) < seen.index(bar.author_combo)
    # Straight from the last filter to the timeline, then the bar; not via the header.
    after_clear = seen[seen.index(bar.clear_button) + 1 :]
    focusable = [w for w in after_clear if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
    assert focusable[:2] == [opened.timeline_view, opened.entry_bar]


def test_a_page_read_before_the_filter_changed_is_read_again(
    qtbot, cockpit: Cockpit, opened: TimelinePanel
) -> None:
    opened.filter_bar.kind_buttons["action"].click()
    qtbot.waitUntil(lambda: len(texts(opened)) == 2)
    from commander.services.timeline_pages import read_timeline_page

    unfiltered = read_timeline_page(cockpit.context.require_store(), opened.incident_id)
    opened._show_page(unfiltered, opened._generation)  # e.g. a read asked for earlier
    qtbot.waitUntil(lambda: texts(opened) == ["paged payments on-call", "rollback started"])


def test_kinds_the_app_writes_filter_from_one_menu(qtbot, opened: TimelinePanel) -> None:
    bar = opened.filter_bar
    assert set(bar.kind_buttons) == {"note", "action", "decision", "observation", "hypothesis"}
    assert "severity" in bar.other_kinds and "note" not in bar.other_kinds
    bar.other_kinds["declared"].setChecked(True)
    assert bar.current_filter().kinds == frozenset({"declared"})
    assert bar.other_kinds_button.text() == "Other kinds (1)"
    qtbot.waitUntil(lambda: texts(opened) == ["Declared INC-1 at P1 (High): Payments 5xx"])
    bar.clear()
    assert not bar.other_kinds["declared"].isChecked()
    assert bar.other_kinds_button.text() == "Other kinds"
