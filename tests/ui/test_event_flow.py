"""One event flow: a write is announced once, and each panel reads only what it shows.

Counts the core reads the panels make (by wrapping the service functions their jobs
import on the worker) and the announcements, for a write made here and one made on
another seat; the live feed runs, so an echo of this window's own write would show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from commander.domain import Severity
from commander.domain.changes import Aspect
from commander.views.changes import Changes
from tests.support.cockpit import Cockpit

# What each panel reads, by the core function its job calls.
READS = {
    "timeline": [
        ("commander.services.timeline_pages", "read_timeline_page"),
        ("commander.services.timeline_pages", "timeline_counts"),
        ("commander.services.timeline_pages", "matching_entry_ids"),
        ("commander.services.timeline_pages", "timeline_authors"),
    ],
    "header": [
        ("commander.services.phase_times", "phase_clock"),
        ("commander.services.incidents", "get_incident"),
    ],
    "roles": [("commander.services.roles", "current_roles")],
    "checklist": [("commander.services.checklist", "checklist")],
}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts of the core reads per panel from here on (calls on the worker threads)."""
    import importlib

    counts: Counter[str] = Counter()

    def counting(panel: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            counts[panel] += 1
            return real(*args, **kwargs)

        return call

    for panel, functions in READS.items():
        for module_name, name in functions:
            module = importlib.import_module(module_name)
            monkeypatch.setattr(module, name, counting(panel, getattr(module, name)))
    return counts


@pytest.fixture
def live(qtbot, cockpit: Cockpit) -> Cockpit:
    """An incident open, everything it reads on opening done, the live feed running."""
    cockpit.declare(qtbot, "Payments 5xx", Severity.P2)
    cockpit.start_live(qtbot)
    qtbot.waitUntil(cockpit.idle, timeout=10_000)
    return cockpit


def announced(cockpit: Cockpit) -> list[Changes]:
    seen: list[Changes] = []
    cockpit.context.changed.connect(seen.append)
    return seen


def wait_for_the_feed_to_pass(qtbot, cockpit: Cockpit, version: int) -> None:
    """Until the feed has read past ``version`` (a commit it would echo) and gone idle."""
    live = cockpit.live
    assert live is not None
    qtbot.waitUntil(lambda: live.cursor >= version, timeout=10_000)
    qtbot.waitUntil(cockpit.idle, timeout=10_000)


def log_from_the_bar(qtbot, cockpit: Cockpit, text: str) -> Any:
    bar = cockpit.panel.entry_bar
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(bar, text)
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000) as logged:
        qtbot.keyClick(bar, Qt.Key.Key_Return)
    return logged.args[0]


def rows_with(cockpit: Cockpit, text: str) -> int:
    model = cockpit.panel.timeline_model
    return sum(model.entry_at(row).text == text for row in range(model.rowCount()))


def test_an_entry_from_the_bar_is_announced_once_and_read_by_no_other_panel(
    qtbot, live: Cockpit, reads: Counter[str]
) -> None:
    seen = announced(live)
    entry = log_from_the_bar(qtbot, live, "paged on-call")
    wait_for_the_feed_to_pass(qtbot, live, entry.version)
    assert [(c.aspects, [e.id for e in c.entries]) for c in seen] == [
        (frozenset({Aspect.ENTRIES}), [entry.id])
    ]
    assert rows_with(live, "paged on-call") == 1
    # The timeline shows the entry the announcement carries (and counts it) without a
    # read; the header, roles and checklist do not show entries and read nothing.
    assert reads == Counter()
    assert live.panel.filter_bar.shown_label.text() == "2 entries"


def test_with_a_filter_on_the_timeline_asks_the_core_once_which_entries_match(
    qtbot, live: Cockpit, reads: Counter[str]
) -> None:
    live.panel.filter_bar.kind_buttons["action"].click()
    qtbot.waitUntil(lambda: live.idle() and live.panel.timeline_model.rowCount() == 0)
    reads.clear()
    seen = announced(live)
    entry = log_from_the_bar(qtbot, live, "/action failed over to the standby")
    wait_for_the_feed_to_pass(qtbot, live, entry.version)
    assert len(seen) == 1
    assert reads == Counter({"timeline": 1})  # matching_entry_ids, counts included
    assert rows_with(live, "failed over to the standby") == 1
    assert live.panel.filter_bar.shown_label.text() == "1 of 2 entries shown"


def test_a_checked_item_is_read_again_by_the_checklist_alone(
    qtbot, live: Cockpit, reads: Counter[str]
) -> None:
    panel = live.response.checklist_panel
    assert panel is not None
    seen = announced(live)
    item = panel.model.item_at(0)
    live.response.toggle_item(item, True)
    qtbot.waitUntil(lambda: panel.model.item_at(0).checked, timeout=10_000)
    entry = seen[0].entries[-1]
    wait_for_the_feed_to_pass(qtbot, live, entry.version)
    assert [c.aspects for c in seen] == [frozenset({Aspect.ENTRIES, Aspect.CHECKLIST})]
    assert reads == Counter({"checklist": 1})
    assert rows_with(live, entry.text) == 1


def test_a_severity_change_reads_the_header_and_checklist_once_each(
    qtbot, live: Cockpit, reads: Counter[str]
) -> None:
    seen = announced(live)
    with qtbot.waitSignal(live.context.incident_opened, timeout=10_000):
        live.response.change_severity(Severity.P1, "revenue impact")
    qtbot.waitUntil(lambda: live.header.severity_badge.text() == "P1 High", timeout=10_000)
    entry = seen[0].entries[-1]
    wait_for_the_feed_to_pass(qtbot, live, entry.version)
    assert len(seen) == 1
    # The header: the incident re-read once, its phase times once. Roles unchanged.
    assert reads == Counter({"header": 2, "checklist": 1})
    assert rows_with(live, entry.text) == 1


def test_an_entry_from_another_seat_is_announced_once_by_the_feed(
    qtbot, live: Cockpit, reads: Counter[str], db_path
) -> None:
    from commander.services.timeline import log_entry
    from commander.store.engine import open_store

    seen = announced(live)
    other_seat = open_store(str(db_path), create=False)
    try:
        entry = log_entry(other_seat, "INC-1", "seen from the NOC", author="bo")
    finally:
        other_seat.close()
    qtbot.waitUntil(lambda: rows_with(live, "seen from the NOC") == 1, timeout=10_000)
    wait_for_the_feed_to_pass(qtbot, live, entry.version)
    qtbot.wait(2 * 500)  # two more polls: nothing more may come
    assert [[e.id for e in c.entries] for c in seen] == [[entry.id]]
    assert reads == Counter({"timeline": 1})  # the new author joins the author filter
    assert rows_with(live, "seen from the NOC") == 1
