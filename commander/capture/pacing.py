"""When each channel is captured next, on the monotonic clock (a wait, not a time of
day): every few seconds while passes succeed; after a failure when the provider
asked (``CaptureError.retry_after``), else a little later each time, so a network
that is down costs one line per failure rather than one per second."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

FOLLOW_INTERVAL = 5.0  # seconds between passes over one channel
# Providers whose pass costs more than its limits allow every few seconds: a Slack pass
# reads every thread (conversations.replies, Tier 3: about 50 calls a minute), and it
# has no cheaper "changed since" call, so it goes twice a minute.
PROVIDER_INTERVALS: dict[str, float] = {"slack": 30.0}
MAX_FAILURE_WAIT = 60.0  # the longest wait after failures the provider gave no time for
MAX_RETRY_AFTER = 15 * 60.0  # a provider asking for longer is asked again after this


def interval_for(provider: str) -> float:
    """Seconds between passes over a channel of ``provider`` when nobody said otherwise."""
    return PROVIDER_INTERVALS.get(provider, FOLLOW_INTERVAL)


class CapturePacer:
    def __init__(self, interval: float | None = None) -> None:
        # None: each provider's own pace (interval_for); a number: that, for every provider.
        self.interval = interval
        self._next: dict[Hashable, float] = {}
        self._failures: dict[Hashable, int] = {}

    def due(self, key: Hashable, mono: float) -> bool:
        return self._next.get(key, mono) <= mono

    def passed(
        self,
        key: Hashable,
        mono: float,
        *,
        failed: bool,
        retry_after: float | None = None,
        provider: str = "",
    ) -> None:
        """A pass over ``key`` ended at ``mono``; a failed one waits as the module says."""
        interval = self.interval if self.interval is not None else interval_for(provider)
        if not failed:
            self._failures.pop(key, None)
            self._next[key] = mono + interval
            return
        failures = self._failures[key] = self._failures.get(key, 0) + 1
        if retry_after is not None and retry_after >= 0:
            wait = max(interval, min(retry_after, MAX_RETRY_AFTER))
        else:
            wait = min(interval * 2 ** (failures - 1), max(MAX_FAILURE_WAIT, interval))
        self._next[key] = mono + wait

    def seconds_to_next(self, keys: Iterable[Hashable], mono: float) -> float:
        """How long until the first of ``keys`` is due (0 when one is due now)."""
        waits = [self._next.get(key, mono) - mono for key in keys]
        return max(0.0, min(waits, default=self.interval or FOLLOW_INTERVAL))

    def forget_all_but(self, keys: Iterable[Hashable]) -> None:
        """Drop what is known of channels no longer captured (an incident resolved)."""
        kept = set(keys)
        for table in (self._next, self._failures):
            for key in [k for k in table if k not in kept]:
                del table[key]
