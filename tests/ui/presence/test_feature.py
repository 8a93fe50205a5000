"""Presence in the window: two windows on one store see each other in the header, beat
off the UI thread at most once per interval, leave when they close, and a heartbeat
never wakes a panel through the live feed."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from commander.domain import Severity
from commander.domain.roles import Role
from commander.services.incidents import declare_incident
from commander.services.roles import assign_role
from commander.store.engine import Store
from commander.store.orm_presence import SeatRow
from tests.support.cockpit import Cockpit
from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui.presence.feature import PresenceFeature
from ui.presence.store_calls import SeatKeeper

EVERY = 0.3  # seconds between two beats of one window, instead of 10


def _present(rig: Rig, refresh_ms: int = 50) -> PresenceFeature:  # noqa: F811
    feature = PresenceFeature(rig.context, rig.shell, refresh_ms=refresh_ms, every=EVERY)
    rig.context.set_store(rig.store)
    return feature


def _text(feature: PresenceFeature) -> str:
    return (
        feature.strip.text() if feature.strip is not None and not feature.strip.isHidden() else ""
    )


def _seat_rows(store: Store) -> list[tuple[str, int]]:
    with store.read() as session:
        return [(r.name, r.incident_id) for r in session.scalars(select(SeatRow))]


@pytest.fixture
def pair(qtbot: Any, store: Store) -> Any:
    """Two windows' contexts on one store (each with its own engine, as two processes
    would have), on SQLite and on PostgreSQL; the second person logs as bo."""
    location = str(store.sqlite_file or store.url.render_as_string(hide_password=False))
    made = (Rig(location), Rig(location))  # type: ignore[arg-type]
    made[1].context.settings.author = "bo"
    for each in made:
        qtbot.addWidget(each.shell.widget)
    yield made
    for each in made:
        each.close()


def test_two_windows_on_one_store_see_each_other_and_the_one_closing_leaves(
    qtbot: Any, pair: tuple[Rig, Rig]
) -> None:
    rig, second = pair  # noqa: F811
    ref = declare_incident(rig.store, "Checkout errors", Severity.P1, "ana").ref
    other_ref = declare_incident(rig.store, "Search slow", Severity.P3, "ana").ref
    assign_role(rig.store, ref, Role.COMMANDER, "ana", "ana")
    ana, bo = _present(rig), _present(second)
    threads: list[str] = []
    assert ana.keeper is not None
    keeper = ana.keeper
    real_beat = SeatKeeper.beat_and_read

    def beat_and_read(shown: Any, name: str) -> Any:
        threads.append(threading.current_thread().name)
        return real_beat(keeper, shown, name)

    keeper.beat_and_read = beat_and_read  # type: ignore[method-assign]
    refreshes: list[object] = []
    ana.refreshed.connect(refreshes.append)
    started = time.monotonic()
    rig.open_incident(ref)
    second.open_incident(ref)
    assert rig.shell.header_lines == [ana.strip]

    qtbot.waitUntil(
        lambda: _text(ana) == "Here now: ana (IC, this window) · bo (window)", timeout=10_000
    )
    qtbot.waitUntil(
        lambda: _text(bo) == "Here now: ana (IC, window) · bo (this window)", timeout=10_000
    )
    qtbot.wait(1_000)
    elapsed = time.monotonic() - started
    # It refreshed every 50 ms or so and wrote at most once per interval.
    assert ana.keeper.heartbeat is not None
    writes = ana.keeper.heartbeat.writes
    assert len(refreshes) > 2 * writes
    assert 1 <= writes <= elapsed / EVERY + 1
    assert threads and threading.main_thread().name not in threads

    second.open_incident(other_ref)  # bo moves to another incident: gone from this one at once
    qtbot.waitUntil(lambda: _text(ana) == "Here now: ana (IC, this window)", timeout=10_000)
    assert sorted(_seat_rows(rig.store)) == [("ana", 1), ("bo", 2)]

    second.shell.widget.close()  # the closing steps: bo's seat leaves before its store closes
    assert _seat_rows(rig.store) == [("ana", 1)]
    rig.context.set_incident(None)
    qtbot.waitUntil(lambda: _seat_rows(rig.store) == [] and _text(ana) == "", timeout=10_000)


def test_a_name_the_store_cannot_keep_makes_no_seat_and_no_dialog(
    qtbot: Any,
    rig: Rig,  # noqa: F811
) -> None:
    ref = declare_incident(rig.store, "Checkout errors", Severity.P1, "ana").ref
    rig.context.settings.author = "a\x00b"  # a hand-edited settings file
    feature = _present(rig)
    rig.open_incident(ref)
    qtbot.wait(200)
    assert _seat_rows(rig.store) == [] and rig.shell.errors == []
    assert feature.keeper is not None and feature.keeper.heartbeat is None


def test_heartbeats_of_other_seats_wake_no_panel(
    qtbot: Any, cockpit: Cockpit, db_path: Path
) -> None:
    from commander.domain.presence import SeatKind
    from commander.services.presence import Heartbeat, new_seat
    from commander.services.timeline import log_entry
    from commander.store.engine import open_store

    cockpit.declare(qtbot, "Checkout errors", Severity.P1)
    seen: list[object] = []
    cockpit.context.changed.connect(seen.append)
    live = cockpit.start_live(qtbot)
    other_seat = open_store(str(db_path), create=False)
    try:
        beat = Heartbeat(other_seat, new_seat("bo", SeatKind.WINDOW), every=0)
        polled = live.cursor
        for _ in range(8):  # a write every 100 ms, each one a commit the feed notices
            beat.beat([cockpit.incident.id])
            qtbot.wait(100)
        qtbot.waitUntil(lambda: not live._polling, timeout=5_000)
        assert seen == [] and live.cursor == polled
        log_entry(other_seat, cockpit.incident.ref, "a real change", author="bo")
        qtbot.waitUntil(lambda: len(seen) == 1, timeout=5_000)
    finally:
        other_seat.close()


def test_a_store_that_fails_is_logged_once_without_a_dialog_and_tried_again(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    caplog: Any,
) -> None:
    from commander.errors import StoreError

    ref = declare_incident(rig.store, "Checkout errors", Severity.P1, "ana").ref
    feature = _present(rig)
    assert feature.keeper is not None
    keeper = feature.keeper
    real_beat = SeatKeeper.beat_and_read
    failures = [3]

    def flaky(shown: Any, name: str) -> Any:
        if failures[0]:
            failures[0] -= 1
            raise StoreError("database db: server closed the connection unexpectedly")
        return real_beat(keeper, shown, name)

    keeper.beat_and_read = flaky  # type: ignore[method-assign]
    with caplog.at_level("INFO", logger="ui.presence.feature"):
        rig.open_incident(ref)
        qtbot.waitUntil(lambda: _text(feature) == "Here now: ana (this window)", timeout=10_000)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        "presence: refreshing who is here failed (tried again until it works): "
        "database db: server closed the connection unexpectedly"
    ]
    assert rig.shell.errors == []


def test_a_window_that_may_not_write_still_sees_who_is_here(
    qtbot: Any,
    pair: tuple[Rig, Rig],
    monkeypatch: pytest.MonkeyPatch,
    caplog: Any,
) -> None:
    from commander.errors import StoreError
    from commander.services import presence

    rig, observer = pair  # noqa: F811
    ref = declare_incident(rig.store, "Checkout errors", Severity.P1, "ana").ref
    ana, watching = _present(rig), _present(observer)
    rig.open_incident(ref)
    qtbot.waitUntil(lambda: _text(ana) == "Here now: ana (this window)", timeout=10_000)
    real_mark = presence.mark_present

    def read_only(store: Store, *args: Any, **kwargs: Any) -> None:
        if store is observer.store:
            raise StoreError("database db: permission denied for table seats")
        real_mark(store, *args, **kwargs)

    monkeypatch.setattr(presence, "mark_present", read_only)
    with caplog.at_level("WARNING", logger="ui.presence.store_calls"):
        observer.open_incident(ref)
        qtbot.waitUntil(lambda: _text(watching) == "Here now: ana (window)", timeout=10_000)
        qtbot.wait(200)  # a few more refreshes
    assert [r.getMessage() for r in caplog.records] == [
        "presence: this window could not mark itself present: "
        "database db: permission denied for table seats"
    ]
    assert observer.shell.errors == [] and [n for n, _ in _seat_rows(rig.store)] == ["ana"]
