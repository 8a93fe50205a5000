"""Typing into the quick-entry bar: backdating, slash commands, malformed input."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

import pytest
from PySide6.QtCore import Qt

from commander.domain import Phase, Severity
from commander.domain.when import utc_now
from tests.support.cockpit import Cockpit


@pytest.fixture
def open_incident(qtbot, cockpit: Cockpit) -> Cockpit:
    cockpit.declare(qtbot, "Payments 5xx", Severity.P2)
    return cockpit


def type_and_enter(qtbot, cockpit: Cockpit, text: str) -> None:
    bar = cockpit.panel.entry_bar
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(bar, text)
    qtbot.keyClick(bar, Qt.Key.Key_Return)


def test_time_prefix_backdates_the_entry(qtbot, open_incident: Cockpit) -> None:
    window = open_incident
    with qtbot.waitSignal(window.timeline.entry_logged, timeout=10_000) as logged:
        type_and_enter(qtbot, window, "-5m rolled back to v1.4.2 /action")
    entry = logged.args[0]
    assert (entry.text, entry.kind) == ("rolled back to v1.4.2", "action")
    assert entry.recorded_at - entry.occurred_at >= timedelta(minutes=4, seconds=59)
    model = window.panel.timeline_model
    assert model.entry_at(0).text == "rolled back to v1.4.2"  # before the declaration


@pytest.mark.parametrize("local", [False, True])
def test_a_clock_time_is_read_on_the_clock_the_timeline_shows(
    qtbot, open_incident: Cockpit, monkeypatch: pytest.MonkeyPatch, local: bool
) -> None:
    # The scribe reads "10:05" off the timeline and types it: UTC unless local is shown.
    zone = timezone(timedelta(hours=5))
    monkeypatch.setattr("commander.domain.when.local_zone", lambda: zone)
    window = open_incident
    window.context.set_local_time(local)
    shown = (utc_now() - timedelta(minutes=10)).astimezone(zone if local else UTC)
    with qtbot.waitSignal(window.timeline.entry_logged, timeout=10_000) as logged:
        type_and_enter(qtbot, window, f"{shown:%H:%M} paged on-call")
    occurred = logged.args[0].occurred_at.astimezone(zone if local else UTC)
    assert (occurred.hour, occurred.minute) == (shown.hour, shown.minute)


def test_pin_and_kind_commands(qtbot, open_incident: Cockpit) -> None:
    with qtbot.waitSignal(open_incident.timeline.entry_logged, timeout=10_000) as logged:
        type_and_enter(qtbot, open_incident, "/pin /decision roll back")
    assert (logged.args[0].kind, logged.args[0].pinned) == ("decision", True)


def test_sev_command_changes_the_incident_and_logs_it(qtbot, open_incident: Cockpit) -> None:
    window = open_incident
    with qtbot.waitSignal(window.context.incident_opened, timeout=10_000):
        type_and_enter(qtbot, window, "/sev P1 revenue impact confirmed")
    assert window.incident.severity is Severity.P1
    assert window.header.severity_badge.text() == "P1 High"
    last = window.panel.timeline_model.entry_at(window.panel.timeline_model.rowCount() - 1)
    assert last.kind == "severity" and "revenue impact confirmed" in last.text
    assert window.panel.entry_bar.text() == ""


def test_phase_command(qtbot, open_incident: Cockpit) -> None:
    with qtbot.waitSignal(open_incident.context.incident_opened, timeout=10_000):
        type_and_enter(qtbot, open_incident, "/phase mitigate")
    assert open_incident.header.phase_bar.current_phase() is Phase.MITIGATE


@pytest.mark.parametrize(
    ("typed", "hint"),
    [("/sev P9 oops", "unknown severity"), ("/bogus x", "unknown command"), ("10:99 x", "time")],
)
def test_malformed_input_shows_a_hint_and_keeps_the_text(
    qtbot, open_incident: Cockpit, typed: str, hint: str
) -> None:
    window = open_incident
    rows = window.panel.timeline_model.rowCount()
    type_and_enter(qtbot, window, typed)
    assert not window.panel.hint.isHidden()
    assert hint in window.panel.hint.text()
    assert window.panel.entry_bar.text() == typed
    window.context.writer.wait()
    qtbot.wait(20)
    assert window.panel.timeline_model.rowCount() == rows
    qtbot.keyClicks(window.panel.entry_bar, "!")
    assert window.panel.hint.isHidden()


def test_a_failed_write_keeps_the_text(qtbot, open_incident: Cockpit) -> None:
    window = open_incident
    with qtbot.waitSignal(window.context.incident_opened, timeout=10_000):
        type_and_enter(qtbot, window, "/phase triage")
    type_and_enter(qtbot, window, "/phase triage")
    qtbot.waitUntil(lambda: not window.panel.hint.isHidden(), timeout=10_000)
    assert "already in Triage" in window.panel.hint.text()
    assert window.panel.entry_bar.text() == "/phase triage"
    assert window.panel.entry_bar.isEnabled()


def test_a_one_digit_hour_backdates_instead_of_logging_a_note(
    qtbot, open_incident: Cockpit
) -> None:
    window = open_incident
    with qtbot.waitSignal(window.timeline.entry_logged, timeout=10_000) as logged:
        type_and_enter(qtbot, window, "9:05 paged on-call")
    entry = logged.args[0]
    assert entry.text == "paged on-call"
    occurred = entry.occurred_at.astimezone(UTC)
    assert (occurred.hour, occurred.minute) == (9, 5)


def test_a_time_prefix_cannot_backdate_a_severity_change(qtbot, open_incident: Cockpit) -> None:
    window = open_incident
    rows = window.panel.timeline_model.rowCount()
    type_and_enter(qtbot, window, "-5m /sev P1 revenue impact")
    qtbot.waitUntil(lambda: not window.panel.hint.isHidden(), timeout=10_000)
    assert "cannot backdate /sev or /phase" in window.panel.hint.text()
    assert window.panel.entry_bar.text() == "-5m /sev P1 revenue impact"
    assert window.panel.entry_bar.isEnabled()
    assert window.incident.severity is Severity.P2
    assert window.panel.timeline_model.rowCount() == rows


def test_a_phase_command_warns_about_open_items_but_moves(qtbot, open_incident: Cockpit) -> None:
    # The phase bar warned before leaving a phase with open items; the bar did not.
    window = open_incident
    with qtbot.waitSignal(window.context.incident_opened, timeout=10_000):
        type_and_enter(qtbot, window, "/phase triage")
    assert window.header.phase_bar.current_phase() is Phase.TRIAGE
    assert not window.panel.hint.isHidden()
    assert "leaving Detect with 3 open checklist item(s)" in window.panel.hint.text()


@pytest.mark.parametrize(
    ("local", "typed", "said"),
    [
        (False, "09:30 paged on-call", "backdated to 09:30Z (30m 00s ago)"),
        (True, "14:30 paged on-call", "backdated to 14:30 local time (30m 00s ago)"),
        (False, "-90s paged on-call", "backdated to 09:58:30Z (1m 30s ago)"),
    ],
)
def test_a_leading_time_says_it_backdates_before_enter(
    qtbot,
    clock,
    cockpit: Cockpit,
    monkeypatch: pytest.MonkeyPatch,
    local: bool,
    typed: str,
    said: str,
) -> None:
    # The clock fixture stands at 10:00Z; local time here is five hours ahead.
    monkeypatch.setattr("commander.domain.when.local_zone", lambda: timezone(timedelta(hours=5)))
    cockpit.declare(qtbot, "Payments 5xx", Severity.P2)
    cockpit.context.set_local_time(local)
    panel = cockpit.panel
    cockpit.timeline.focus_entry_bar()
    qtbot.keyClicks(panel.entry_bar, typed)
    assert not panel.hint.isHidden()
    assert panel.hint.text() == said
    assert panel.hint.property("info") is True  # said, not scolded
    with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000):
        qtbot.keyClick(panel.entry_bar, Qt.Key.Key_Return)
    assert panel.hint.isHidden()  # the bar is empty again: nothing to say


def test_a_line_without_a_time_says_nothing(qtbot, open_incident: Cockpit) -> None:
    panel = open_incident.panel
    qtbot.keyClicks(panel.entry_bar, "error rate 14% at 10:05")
    assert panel.hint.isHidden()


def test_a_time_prefix_on_sev_is_refused_before_enter(qtbot, open_incident: Cockpit) -> None:
    panel = open_incident.panel
    qtbot.keyClicks(panel.entry_bar, "-5m /sev P1 revenue")
    assert panel.hint.text() == "a time prefix cannot backdate /sev or /phase"
    assert not panel.hint.property("info")


def test_every_entry_the_bar_logs_carries_its_own_idempotency_key(
    qtbot, open_incident: Cockpit, db_path
) -> None:
    import sqlite3

    for text in ("first", "first"):
        with qtbot.waitSignal(open_incident.timeline.entry_logged, timeout=10_000):
            type_and_enter(qtbot, open_incident, text)
    with sqlite3.connect(db_path) as connection:
        keys = [
            key
            for (key,) in connection.execute(
                "SELECT idempotency_key FROM timeline_entries WHERE text = 'first'"
            )
        ]
    assert len(keys) == 2 and all(keys) and keys[0] != keys[1]
