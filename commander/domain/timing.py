"""How long an incident spent in each phase and severity, from its change log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from commander.domain.phase import Phase
from commander.domain.severity import Severity


@dataclass(frozen=True, slots=True)
class SeverityPeriod:
    severity: Severity
    since: datetime
    until: datetime | None  # None: the current severity
    by: str
    reason: str = ""

    def duration(self, now: datetime) -> timedelta:
        return (self.until or now) - self.since


def time_per_phase(
    declared_at: datetime, moves: list[tuple[datetime, Phase]], now: datetime
) -> dict[Phase, timedelta]:
    """Total time in each phase (visits add up); every incident starts in Detect.

    ``moves`` are (when, phase entered), in any order.
    """
    totals = dict.fromkeys(Phase, timedelta(0))
    current, since = Phase.DETECT, declared_at
    for at, entered in sorted(moves, key=lambda move: move[0]):
        totals[current] += max(at - since, timedelta(0))
        current, since = entered, at
    totals[current] += max(now - since, timedelta(0))
    return totals


def severity_periods(
    changes: list[tuple[datetime, Severity, str, str]],
) -> list[SeverityPeriod]:
    """Consecutive periods from (when, severity set, by whom, why), oldest first."""
    ordered = sorted(changes, key=lambda change: change[0])
    periods = []
    for index, (at, severity, by, reason) in enumerate(ordered):
        until = ordered[index + 1][0] if index + 1 < len(ordered) else None
        periods.append(SeverityPeriod(severity, at, until, by, reason))
    return periods
