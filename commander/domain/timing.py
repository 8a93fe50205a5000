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
    """Total time in each phase (visits add up) up to ``now``; every incident starts
    in Detect.

    ``moves`` are (when, phase entered), in any order. A move after ``now`` counts
    from ``now``: a resolved incident is measured up to its resolution (see
    ``clock_stop``), and a move to Postmortem the day after adds nothing.
    """
    totals = dict.fromkeys(Phase, timedelta(0))
    current, since = Phase.DETECT, declared_at
    for at, entered in sorted(moves, key=lambda move: move[0]):
        at = min(at, now)
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


@dataclass(frozen=True, slots=True)
class IncidentClocks:
    """The header's clocks at one moment: running until resolution, stopped after.

    They count from the impact start once one is recorded, else from the
    declaration (``from_impact`` says which). Once resolved nothing runs on:
    ``elapsed`` is start → resolved, and ``to_mitigated`` / ``mitigated_to_resolved``
    split it at the mitigation (None where a stamp is missing or out of order).
    """

    started_at: datetime
    from_impact: bool
    resolved_at: datetime | None
    elapsed: timedelta  # start → now, or start → resolved: the total
    in_severity: timedelta  # stops at resolution too
    in_phase: timedelta
    to_mitigated: timedelta | None
    mitigated_to_resolved: timedelta | None

    @property
    def running(self) -> bool:
        return self.resolved_at is None

    @property
    def since_label(self) -> str:
        return "since impact start" if self.from_impact else "since declared"

    @property
    def start_label(self) -> str:
        return "impact start" if self.from_impact else "declared"


def clock_stop(resolved_at: datetime | None, now: datetime) -> datetime:
    """Where an incident's clocks stand: now, or its resolution (clocks stop there)."""
    return min(resolved_at, now) if resolved_at is not None else now


def clocks_started_at(declared_at: datetime, impact_started_at: datetime | None) -> datetime:
    """What the clocks count from: the impact start once recorded, else the declaration."""
    return impact_started_at or declared_at


def incident_clocks(
    *,
    declared_at: datetime,
    impact_started_at: datetime | None,
    severity_since: datetime,
    phase_since: datetime,
    mitigated_at: datetime | None,
    resolved_at: datetime | None,
    now: datetime,
) -> IncidentClocks:
    start = clocks_started_at(declared_at, impact_started_at)
    stop = clock_stop(resolved_at, now)
    zero = timedelta(0)
    to_mitigated = mitigated_to_resolved = None
    if mitigated_at is not None and mitigated_at >= start:
        to_mitigated = mitigated_at - start
        if resolved_at is not None and resolved_at >= mitigated_at:
            mitigated_to_resolved = resolved_at - mitigated_at
    return IncidentClocks(
        started_at=start,
        from_impact=impact_started_at is not None,
        resolved_at=resolved_at,
        elapsed=max(stop - start, zero),
        in_severity=max(stop - severity_since, zero),
        in_phase=max(stop - phase_since, zero),
        to_mitigated=to_mitigated,
        mitigated_to_resolved=mitigated_to_resolved,
    )
