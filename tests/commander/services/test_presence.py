"""Presence on both backends: seats beat at most once per interval, are listed with
their roles while fresh, leave cleanly, and never reach the change feed."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from commander.clock import FrozenClock
from commander.domain import Severity
from commander.domain.presence import FORGET_AFTER, SeatKind
from commander.domain.roles import Role
from commander.errors import InvalidInputError, NotFoundError, StoreError
from commander.services import presence
from commander.services.feed import latest_version, read_changes
from commander.services.incidents import declare_incident
from commander.services.presence import (
    Heartbeat,
    leave,
    mark_present,
    new_seat,
    seats_on,
    terminal_seat,
)
from commander.services.roles import assign_role
from commander.store.engine import Store
from commander.store.orm_presence import SeatRow


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def seat_writes(store: Store) -> Iterator[list[str]]:
    """Every statement that writes the seats table, as sent to the database."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        words = statement.split()
        if words and words[0].upper() in {"INSERT", "UPDATE", "DELETE"} and "seats" in statement:
            sent.append(words[0].upper())

    event.listen(store.engine, "before_cursor_execute", record)
    yield sent
    event.remove(store.engine, "before_cursor_execute", record)


def _rows(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(SeatRow)) or 0


def _id(ref: str) -> int:
    return int(ref.split("-")[1])


def test_seats_on_lists_fresh_seats_with_the_roles_their_people_hold(
    store: Store, incident: str, clock: FrozenClock
) -> None:
    assign_role(store, incident, Role.COMMANDER, "Ana Lima", "ana")
    assign_role(store, incident, Role.SME, "ana lima", "ana")  # the same person, typed again
    ana = new_seat("Ana  Lima", SeatKind.WINDOW)
    bo = new_seat("bo", SeatKind.TERMINAL)
    mark_present(store, ana, [_id(incident)])
    clock.advance(timedelta(seconds=4))
    mark_present(store, bo, [_id(incident)])
    clock.advance(timedelta(seconds=3))

    seats = seats_on(store, incident)
    shown = [(s.name, s.roles, s.kind, s.seen_seconds_ago(clock())) for s in seats]
    assert shown == [
        ("Ana Lima", (Role.COMMANDER, Role.SME), SeatKind.WINDOW, 7),
        ("bo", (), SeatKind.TERMINAL, 3),
    ]
    assert [s.label for s in seats] == ["Ana Lima (IC, SME, window)", "bo (terminal)"]

    clock.advance(timedelta(seconds=24))  # ana last seen 31 s ago: out of sight
    assert [s.name for s in seats_on(store, incident)] == ["bo"]
    assert [s.name for s in seats_on(store, incident, within=timedelta(minutes=1))] == [
        "Ana Lima",
        "bo",
    ]


def test_a_heartbeat_writes_at_most_once_per_interval(
    store: Store, incident: str, seat_writes: list[str]
) -> None:
    ticks = Ticks()
    beat = Heartbeat(store, new_seat("ana", SeatKind.WINDOW), every=10, ticks=ticks)
    wrote = []
    for _ in range(100):  # 25 s of a caller beating every 0.25 s
        wrote.append(beat.beat([_id(incident)]))
        ticks.at += 0.25
    assert wrote.count(True) == 3 and beat.writes == 3  # at 0, 10 and 20 s
    # One upsert per beat; the first also forgets rows nobody refreshed for a day.
    assert seat_writes == ["DELETE", "INSERT", "INSERT", "INSERT"]
    assert _rows(store) == 1


def test_moving_to_another_incident_writes_at_once_and_takes_the_old_row_away(
    store: Store, incident: str
) -> None:
    other = declare_incident(store, "Search slow", Severity.P3, "bo").ref
    ticks = Ticks()
    beat = Heartbeat(store, new_seat("ana", SeatKind.WINDOW), every=10, ticks=ticks)
    assert beat.beat([_id(incident)])
    ticks.at += 1
    assert beat.beat([_id(other)])  # not due, but the seat shows another incident now
    assert [s.name for s in seats_on(store, other)] == ["ana"]
    assert seats_on(store, incident) == []
    ticks.at += 1
    assert not beat.beat([_id(other)])
    assert beat.beat([_id(other)], name="Ana Lima")  # renamed: written at once
    assert [s.name for s in seats_on(store, other)] == ["Ana Lima"]


def test_leaving_deletes_the_seat_and_stale_rows_are_forgotten(
    store: Store, incident: str, clock: FrozenClock
) -> None:
    crashed = new_seat("cy", SeatKind.WINDOW)
    mark_present(store, crashed, [_id(incident)])
    clock.advance(FORGET_AFTER + timedelta(seconds=1))
    beat = Heartbeat(store, new_seat("ana", SeatKind.WINDOW))
    beat.beat([_id(incident)])  # a seat's first beat forgets the day-old row
    assert _rows(store) == 1
    beat.leave()
    assert _rows(store) == 0 and seats_on(store, incident) == []
    beat.leave()  # nothing left to take away: no write
    assert beat.writes == 2
    leave(store, "no-such-seat")  # harmless


def test_presence_writes_are_no_feed_change_and_no_timeline_entry(
    store: Store, incident: str
) -> None:
    cursor = latest_version(store)
    beat = Heartbeat(store, new_seat("ana", SeatKind.WINDOW), every=0)
    for _ in range(3):
        beat.beat([_id(incident)])
    beat.leave()
    assert latest_version(store) == cursor
    assert read_changes(store, cursor) == ([], cursor)


def test_a_seat_name_the_store_could_not_keep_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="NUL"):
        new_seat("a\x00b", SeatKind.WINDOW)
    with pytest.raises(InvalidInputError, match="name"):
        new_seat("   ", SeatKind.TERMINAL)
    with pytest.raises(InvalidInputError, match="at most 200"):
        new_seat("x" * 201, SeatKind.TERMINAL)


def test_a_terminal_seat_beats_on_its_own_thread_and_leaves_on_exit(
    store: Store, incident: str
) -> None:
    with terminal_seat(store, incident, "bo", every=0.05) as seat:
        assert [(s.name, s.kind) for s in seats_on(store, incident)] == [("bo", SeatKind.TERMINAL)]
        deadline = time.monotonic() + 10
        while seat.heartbeat.writes < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert seat.heartbeat.writes >= 3
    assert seats_on(store, incident) == [] and _rows(store) == 0


def test_a_terminal_seat_can_be_beaten_by_its_callers_loop(store: Store, incident: str) -> None:
    with terminal_seat(store, incident, "bo", every=0.05, background=False) as seat:
        started = time.monotonic()
        beats = 0
        while time.monotonic() - started < 0.3:  # a follow loop waking every 10 ms
            beats += 1
            seat.beat()
            time.sleep(0.01)
        # Written at the start, then at most once per 0.05 s, however often it was called.
        assert 2 <= seat.heartbeat.writes <= 0.3 / 0.05 + 1 < beats
    assert _rows(store) == 0


def test_a_terminal_seat_on_an_unknown_incident_writes_nothing(store: Store) -> None:
    with (
        pytest.raises(NotFoundError, match="no incident INC-99"),
        terminal_seat(store, "INC-99", "bo", background=False),
    ):
        pass
    assert _rows(store) == 0


def test_a_terminal_seat_whose_beat_fails_logs_it_and_goes_on(
    store: Store, incident: str, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise StoreError("database db: read-only")

    with terminal_seat(store, incident, "bo", every=0.05, background=False) as seat:
        monkeypatch.setattr(presence, "mark_present", refuse)
        monkeypatch.setattr(presence, "leave", refuse)
        time.sleep(0.06)
        with caplog.at_level(logging.WARNING, logger="commander.services.presence"):
            assert seat.beat() is False
    assert "could not mark bo present: database db: read-only" in caplog.text
    assert "could not take bo's seat away" in caplog.text
