"""Entries written by another process appear in an open window without a refresh."""

from __future__ import annotations

from pathlib import Path

from commander.domain import Severity
from tests.support.cli import cli_ok
from tests.support.cockpit import window_header, window_timeline
from ui.main_window import MainWindow


def test_entry_from_another_process_appears_without_a_refresh(
    qtbot, window: MainWindow, db_path: Path
) -> None:
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.submit_declaration("Live", Severity.P2, "")
    qtbot.waitUntil(lambda: window.live.feed is not None, timeout=10_000)
    cli_ok("log", "INC-1", "written by the CLI", db=db_path)
    model = window_timeline(window).timeline_model
    qtbot.waitUntil(
        lambda: any(
            model.entry_at(r).text == "written by the CLI" for r in range(model.rowCount())
        ),
        timeout=5_000,  # the poll runs every 500 ms; a generous bound keeps a busy CI honest
    )


def test_severity_change_elsewhere_updates_the_header(
    qtbot, window: MainWindow, db_path: Path
) -> None:
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.submit_declaration("Live header", Severity.P2, "")
    qtbot.waitUntil(lambda: window.live.feed is not None, timeout=10_000)
    cli_ok("severity", "INC-1", "P0", "--reason", "data loss", db=db_path)
    qtbot.waitUntil(
        lambda: window_header(window).severity_badge.text() == "P0 Critical", timeout=5_000
    )


def test_incident_declared_elsewhere_joins_the_list(
    qtbot, window: MainWindow, db_path: Path
) -> None:
    qtbot.waitUntil(lambda: window.live.feed is not None, timeout=10_000)
    cli_ok("declare", "From a terminal", "--severity", "P3", db=db_path)
    qtbot.waitUntil(lambda: window.incident_model.rowCount() == 1, timeout=5_000)


def test_the_feed_starts_after_what_was_committed_before(qtbot, cockpit, db_path: Path) -> None:
    # Entries already in the store are read by whoever shows them; the feed announcing
    # them again at start would make every panel read a second time.
    from commander.services.feed import latest_version
    from commander.services.timeline import log_entry
    from commander.store.engine import open_store

    cockpit.declare(qtbot, "Before the feed", Severity.P2)
    log_entry(cockpit.context.require_store(), "INC-1", "logged before", author="bo")
    seen: list[object] = []
    cockpit.context.changed.connect(seen.append)
    live = cockpit.start_live(qtbot)
    assert live.cursor == latest_version(cockpit.context.require_store())
    qtbot.wait(3 * 500)  # a few polls
    assert seen == []
    other_seat = open_store(str(db_path), create=False)
    try:
        log_entry(other_seat, "INC-1", "logged after", author="cy")
    finally:
        other_seat.close()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=5_000)
