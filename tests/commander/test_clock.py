"""The one injectable clock: what it returns, and that tests can stop and move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from commander.clock import FrozenClock, frozen_clock, now, set_clock
from commander.domain.when import utc_now

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_now_is_aware_utc_from_the_wall_clock_by_default() -> None:
    before = datetime.now(UTC)
    moment = now()
    assert moment.tzinfo is UTC
    assert before <= moment <= datetime.now(UTC)


def test_frozen_clock_stops_utc_now_moves_on_request_and_restores_the_clock() -> None:
    with frozen_clock(AT) as frozen:
        assert utc_now() == now() == AT
        frozen.advance(timedelta(minutes=5))
        assert utc_now() == AT + timedelta(minutes=5)
        frozen.move_to(AT - timedelta(days=1))
        assert utc_now() == AT - timedelta(days=1)
    assert abs(utc_now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_set_clock_converts_to_utc_and_none_restores_the_wall_clock() -> None:
    plus_two = timezone(timedelta(hours=2))
    set_clock(lambda: datetime(2026, 11, 27, 12, 0, tzinfo=plus_two))
    try:
        assert now() == AT and now().tzinfo is UTC
    finally:
        set_clock(None)
    assert abs(now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_naive_time_is_refused() -> None:
    set_clock(lambda: datetime(2026, 11, 27, 10, 0))
    try:
        with pytest.raises(ValueError, match="naive"):
            now()
    finally:
        set_clock(None)
    with pytest.raises(ValueError, match="aware"):
        FrozenClock(datetime(2026, 11, 27, 10, 0))


def test_the_clock_fixture_freezes_the_app_clock(clock: FrozenClock) -> None:
    first = utc_now()
    assert utc_now() == first
    clock.advance(timedelta(seconds=30))
    assert utc_now() - first == timedelta(seconds=30)
