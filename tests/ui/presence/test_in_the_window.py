"""The real window is a seat: its header says so, and closing it takes the seat away."""

from __future__ import annotations

from typing import Any

from commander.domain import Severity
from commander.services.presence import seats_on
from commander.store.engine import open_store
from ui.main_window import MainWindow
from ui.presence.feature import PresenceFeature


def test_the_window_shows_itself_here_and_leaves_when_it_closes(
    qtbot: Any, window: MainWindow, db_path: Any
) -> None:
    feature = window.findChild(PresenceFeature)
    assert feature is not None
    with qtbot.waitSignal(window.incident_shown, timeout=10_000):
        window.submit_declaration("Checkout errors", Severity.P1, "")
    qtbot.waitUntil(
        lambda: feature.strip is not None and feature.strip.text() == "Here now: ana (this window)",
        timeout=10_000,
    )
    other_seat = open_store(str(db_path), create=False)
    try:
        assert [(s.name, s.kind.value) for s in seats_on(other_seat, "INC-1")] == [
            ("ana", "window")
        ]
        window.close()
        assert seats_on(other_seat, "INC-1") == []
    finally:
        other_seat.close()
