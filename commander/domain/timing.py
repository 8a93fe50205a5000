"""How long an incident spent in each phase and severity, from its change log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from commander.domain.entry_facts import Declared, EntryFact, SeverityChanged
from commander.domain.phase import Phase
from commander.domain.severity import Severity


@dataclass(frozen=True, slots=True)
class SeverityPeriod:
    """One span of an incident at one severity (see ``severity_spans``)."""

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


# One entry of an incident's change log: when, who, and what it records.
SeverityMark = tuple[datetime, str, EntryFact | None]


def severity_spans(
    declared_at: datetime, current: Severity, marks: Iterable[SeverityMark]
) -> list[SeverityPeriod]:
    """Every severity the incident had, oldest first; the last is current.

    ``marks`` are its declared and severity entries (others are skipped), in the
    order they were written. The first span starts at the declaration, at the
    declared severity; a store whose declaration carries no severity starts at
    the first change's "from", and one with no change log at ``current``. The
    one rule that history, reports, checklist extras and the export's timing read.
    """
    declared: tuple[str, Severity] | None = None
    changes: list[tuple[datetime, str, SeverityChanged]] = []
    for at, by, fact in marks:
        if isinstance(fact, Declared) and declared is None:
            declared = (by, fact.severity)
        elif isinstance(fact, SeverityChanged):
            changes.append((at, by, fact))
    changes.sort(key=lambda change: change[0])  # stable: same-time entries keep their order
    if declared is not None:
        by, first = declared
    else:
        by, first = "", changes[0][2].from_severity if changes else current
    starts = [(declared_at, first, by, "")]
    starts += [(at, fact.to_severity, by, fact.reason) for at, by, fact in changes]
    return [
        SeverityPeriod(
            severity, since, starts[index + 1][0] if index + 1 < len(starts) else None, by, reason
        )
        for index, (since, severity, by, reason) in enumerate(starts)
    ]


def levels_reached(spans: Iterable[SeverityPeriod], current: Severity) -> set[Severity]:
    """Every severity the incident has had (its current one included)."""
    return {current, *(span.severity for span in spans)}


def peak_severity(spans: Iterable[SeverityPeriod], current: Severity) -> Severity:
    """The most severe level the incident ever had."""
    return min(levels_reached(spans, current), key=lambda severity: severity.rank)
