"""When each channel is captured next, on the monotonic clock (a wait, not a time of
day): every few seconds while passes succeed; after a failure when the provider
asked (``CaptureError.retry_after``), else a little later each time, so a network
that is down costs one line per failure rather than one per second."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

FOLLOW_INTERVAL = 5.0  # seconds between passes over one channel
MAX_FAILURE_WAIT = 60.0  # the longest wait after failures the provider gave no time for
MAX_RETRY_AFTER = 15 * 60.0  # a provider asking for longer is asked again after this


class CapturePacer:
    def __init__(self, interval: float = FOLLOW_INTERVAL) -> None:
        self.interval = interval
        self._next: dict[Hashable, float] = {}
        self._failures: dict[Hashable, int] = {}

    def due(self, key: Hashable, mono: float) -> bool:
        return self._next.get(key, mono) <= mono

    def passed(
        self, key: Hashable, mono: float, *, failed: bool, retry_after: float | None = None
    ) -> None:
        """A pass over ``key`` ended at ``mono``; a failed one waits as the module says."""
        if not failed:
            self._failures.pop(key, None)
            self._next[key] = mono + self.interval
            return
        failures = self._failures[key] = self._failures.get(key, 0) + 1
        if retry_after is not None and retry_after >= 0:
            wait = max(self.interval, min(retry_after, MAX_RETRY_AFTER))
        else:
            wait = min(self.interval * 2 ** (failures - 1), max(MAX_FAILURE_WAIT, self.interval))
        self._next[key] = mono + wait

    def seconds_to_next(self, keys: Iterable[Hashable], mono: float) -> float:
        """How long until the first of ``keys`` is due (0 when one is due now)."""
        waits = [self._next.get(key, mono) - mono for key in keys]
        return max(0.0, min(waits, default=self.interval))

    def forget_all_but(self, keys: Iterable[Hashable]) -> None:
        """Drop what is known of channels no longer captured (an incident resolved)."""
        kept = set(keys)
        for table in (self._next, self._failures):
            for key in [k for k in table if k not in kept]:
                del table[key]
