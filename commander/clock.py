"""The one clock the app reads: the wall clock, unless a test put another in.

Everything that asks "what time is it?" (the core, the CLI and the window)
goes through :func:`now`, so a test freezes or moves time in one place instead
of patching each caller, and no test result depends on the day it runs.

Durations measured to bound a wait (timeouts, retry sleeps, benchmarks) stay
on ``time.monotonic``: they are not a time of day and must not jump when a
test moves this clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


_clock: Clock = wall_clock


def now() -> datetime:
    """The current moment as an aware UTC datetime, from the installed clock."""
    moment = _clock()
    if moment.tzinfo is None:
        # A naive time would be read as local time by some callers and as UTC by
        # others; refuse it where it enters instead of guessing.
        raise ValueError(f"the clock returned a naive datetime: {moment!r}")
    return moment.astimezone(UTC)


def set_clock(clock: Clock | None) -> None:
    """Read time from ``clock`` from now on; ``None`` puts the wall clock back."""
    global _clock
    _clock = clock or wall_clock


class FrozenClock:
    """A clock that stands still until the test moves it (from any thread)."""

    def __init__(self, at: datetime) -> None:
        self._lock = threading.Lock()
        self._at = _aware(at)

    def __call__(self) -> datetime:
        with self._lock:
            return self._at

    def move_to(self, at: datetime) -> None:
        with self._lock:
            self._at = _aware(at)

    def advance(self, by: timedelta) -> None:
        with self._lock:
            self._at += by


@contextmanager
def frozen_clock(at: datetime) -> Iterator[FrozenClock]:
    """Stop the clock at ``at`` for the ``with`` block, then restore the one before."""
    global _clock
    previous = _clock
    frozen = FrozenClock(at)
    _clock = frozen
    try:
        yield frozen
    finally:
        _clock = previous


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"a frozen clock needs an aware datetime, got {at!r}")
    return at.astimezone(UTC)
