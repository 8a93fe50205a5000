"""Numbers across incidents: how many, how bad, how fast we reacted.

Choices the report makes (also printed by the CLI and shown in the window):

- An incident counts under its **peak severity**: the most severe level it
  ever had (``domain.timing.severity_spans`` over its change log), so a P0
  later lowered to P3 still counts as a P0 month.
- An incident belongs to the **UTC month it was declared** in.
- **MTTA / MTTM / MTTR** measure acknowledged / mitigated / resolved minus the
  **anchor**: the impact start when known, else the declaration time. How
  many incidents fell back to the declaration is reported. An incident
  lacking the stamp is left out of that metric and counted as missing; one
  whose stamp is before its anchor (a mistyped impact start) is left out and
  counted as inconsistent.
- **Incidents per service** count an incident under each value of the
  ``service`` label its alerts carried (kept on the incident when an alert
  group was attached or declared it); incidents without one are counted apart.

Computed in Python over one pass of plain rows, so SQLite and PostgreSQL give
the same answer without dialect-specific date functions.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commander.domain import Severity
from commander.domain.action_item_choices import ItemStatus
from commander.domain.labels import SERVICE
from commander.domain.timing import SeverityMark, peak_severity, severity_spans
from commander.errors import InvalidInputError
from commander.output_files import write_output
from commander.services.incident_labels import label_values
from commander.services.severity_history import severity_marks
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_postmortem import ActionItem


class Metric(StrEnum):
    MTTA = "mtta"
    MTTM = "mttm"
    MTTR = "mttr"

    @property
    def stamp(self) -> str:
        return _STAMPS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_STAMPS = {
    Metric.MTTA: "acknowledged_at",
    Metric.MTTM: "mitigated_at",
    Metric.MTTR: "resolved_at",
}
_LABELS = {
    Metric.MTTA: "Mean time to acknowledge",
    Metric.MTTM: "Mean time to mitigate",
    Metric.MTTR: "Mean time to resolve",
}
ANCHOR_RULE = "impact start, else declared time"


@dataclass(frozen=True, slots=True)
class IncidentTiming:
    """One incident's row under the report: what every aggregate is computed from."""

    incident_id: int
    ref: str
    title: str
    declared_at: datetime
    month: str  # YYYY-MM, UTC
    peak_severity: Severity
    anchor: str  # "impact_started_at" or "declared_at"
    anchor_at: datetime
    seconds: dict[Metric, float | None]  # None: stamp missing or before the anchor
    inconsistent: frozenset[Metric]


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # YYYY-MM, UTC
    by_severity: dict[Severity, int]

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True, slots=True)
class ServiceCount:
    """Incidents whose alerts carried ``service=NAME``, by peak severity."""

    service: str
    by_severity: dict[Severity, int]

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True, slots=True)
class TimeStats:
    """One metric for one severity over the report's period."""

    metric: Metric
    severity: Severity
    measured: int  # incidents that have the stamp
    mean_seconds: float | None
    median_seconds: float | None
    missing: int  # incidents without the stamp (not yet acknowledged/mitigated/resolved)
    inconsistent: int  # stamp earlier than the anchor: left out
    anchored_on_declared: int  # measured incidents with no impact start


@dataclass(frozen=True, slots=True)
class Report:
    since: str | None  # YYYY-MM or None for all time
    months: tuple[MonthCount, ...]  # every month from the first to the last, gaps as zero
    times: tuple[TimeStats, ...]  # every metric x severity, in Metric then Severity order
    incidents: tuple[IncidentTiming, ...]
    # None when this store has no action items table (the postmortem feature adds it).
    open_action_items: int
    anchor_rule: str = ANCHOR_RULE
    # Incidents per value of their alerts' ``service`` label, most first (an incident
    # with two services counts under each), and how many have no such label.
    services: tuple[ServiceCount, ...] = ()
    without_service: int = 0

    @property
    def incident_count(self) -> int:
        return len(self.incidents)

    def stats(self, metric: Metric, severity: Severity) -> TimeStats:
        for stats in self.times:
            if stats.metric == metric and stats.severity == severity:
                return stats
        raise KeyError((metric, severity))


def readable_duration(seconds: float) -> str:
    """A time in the unit that fits it, as a person reads it: "45 s", "50 min",
    "3 h 20 min", "2 d 12 h"; never a fraction of a large unit ("0.0348 days").

    Seconds under a minute, whole minutes under an hour, hours and minutes under a
    day, then days and hours. Rounded in the smaller unit shown, so 59.6 s reads
    "1 min" and 23 h 59 min 40 s reads "1 d". The one formatter of the report: the
    CLI, the Reports window and its charts' labels all use it (CSV and JSON keep
    the seconds, numbers a spreadsheet can sum).
    """
    whole_seconds = round(seconds)
    if whole_seconds < 60:
        return f"{max(whole_seconds, 0)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(round(seconds / 3600), 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def parse_month(text: str) -> str:
    """``YYYY-MM`` as typed, checked; the report's ``--since``."""
    cleaned = text.strip()
    try:
        parsed = datetime.strptime(cleaned, "%Y-%m")
    except ValueError:
        raise InvalidInputError(f"cannot read month {text!r}: use YYYY-MM, e.g. 2026-01") from None
    return f"{parsed.year:04d}-{parsed.month:02d}"


def months_back(now: datetime, months: int) -> str:
    """The UTC month ``months - 1`` before ``now``'s: "the last 12 months" includes this one."""
    index = now.astimezone(UTC).year * 12 + now.astimezone(UTC).month - 1 - (months - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def build_report(store: Store, since: str | None = None, now: datetime | None = None) -> Report:
    """The whole report in one read transaction.

    The months run from ``since`` (else the first incident's month) to ``now``'s
    month (else the last incident's), empty months included, so a quiet
    stretch shows as a gap rather than disappearing.
    """
    if since is not None:
        since = parse_month(since)
    with store.read() as session:
        marks = severity_marks(session)
        rows = session.execute(select(Incident).order_by(Incident.declared_at, Incident.id))
        timings = [
            _timing(incident, _peak(incident, marks.get(incident.id, [])))
            for (incident,) in rows
            if since is None or month_of(incident.declared_at) >= since
        ]
        open_items = open_action_items(session)
        services = label_values(session, SERVICE)
    by_service, without_service = _service_counts(timings, services)
    return Report(
        since=since,
        months=_month_counts(timings, since, None if now is None else month_of(now)),
        times=tuple(
            _time_stats(metric, severity, timings) for metric in Metric for severity in Severity
        ),
        incidents=tuple(timings),
        open_action_items=open_items,
        services=by_service,
        without_service=without_service,
    )


def month_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"  # stored times are UTC already


def open_action_items(session: Session) -> int:
    """Open action items across all incidents (open or in progress, not deleted)."""
    open_values = [status.value for status in ItemStatus if status.is_open]
    statement = select(func.count(ActionItem.id)).where(
        ActionItem.deleted_at.is_(None), ActionItem.status.in_(open_values)
    )
    return int(session.scalar(statement) or 0)


def _peak(incident: Incident, marks: list[SeverityMark]) -> Severity:
    current = Severity(incident.severity)
    return peak_severity(severity_spans(incident.declared_at, current, marks), current)


def _timing(incident: Incident, peak: Severity) -> IncidentTiming:
    anchor = "impact_started_at" if incident.impact_started_at is not None else "declared_at"
    anchor_at: datetime = getattr(incident, anchor)
    seconds: dict[Metric, float | None] = {}
    inconsistent: set[Metric] = set()
    for metric in Metric:
        stamp: datetime | None = getattr(incident, metric.stamp)
        if stamp is None:
            seconds[metric] = None
            continue
        elapsed = (stamp - anchor_at).total_seconds()
        if elapsed < 0:
            inconsistent.add(metric)
            seconds[metric] = None
        else:
            seconds[metric] = elapsed
    return IncidentTiming(
        incident_id=incident.id,
        ref=incident.ref,
        title=incident.title,
        declared_at=incident.declared_at,
        month=month_of(incident.declared_at),
        peak_severity=peak,
        anchor=anchor,
        anchor_at=anchor_at,
        seconds=seconds,
        inconsistent=frozenset(inconsistent),
    )


def _month_counts(
    timings: list[IncidentTiming], since: str | None, until: str | None
) -> tuple[MonthCount, ...]:
    if not timings:
        return ()
    counts = Counter((t.month, t.peak_severity) for t in timings)
    first = min([t.month for t in timings] + ([since] if since else []))
    last = max([t.month for t in timings] + ([until] if until else []))
    months = _month_range(first, last)
    return tuple(
        MonthCount(month, {severity: counts[(month, severity)] for severity in Severity})
        for month in months
    )


def _service_counts(
    timings: list[IncidentTiming], services: dict[int, list[str]]
) -> tuple[tuple[ServiceCount, ...], int]:
    counts: dict[str, Counter[Severity]] = {}
    without = 0
    for timing in timings:
        names = services.get(timing.incident_id, [])
        if not names:
            without += 1
        for name in names:
            counts.setdefault(name, Counter())[timing.peak_severity] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1].total(), item[0]))
    return (
        tuple(
            ServiceCount(name, {severity: count[severity] for severity in Severity})
            for name, count in ordered
        ),
        without,
    )


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    months: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _time_stats(metric: Metric, severity: Severity, timings: list[IncidentTiming]) -> TimeStats:
    mine = [t for t in timings if t.peak_severity == severity]
    measured = [t for t in mine if t.seconds[metric] is not None]
    values = [t.seconds[metric] for t in measured]
    numbers = [v for v in values if v is not None]
    return TimeStats(
        metric=metric,
        severity=severity,
        measured=len(numbers),
        mean_seconds=statistics.fmean(numbers) if numbers else None,
        median_seconds=statistics.median(numbers) if numbers else None,
        missing=sum(1 for t in mine if t.seconds[metric] is None and metric not in t.inconsistent),
        inconsistent=sum(1 for t in mine if metric in t.inconsistent),
        anchored_on_declared=sum(1 for t in measured if t.anchor == "declared_at"),
    )


# -- CSV ------------------------------------------------------------------------------

CSV_HEADER = (
    "measure",
    "severity",
    "month",
    "value",
    "unit",
    "measured",
    "missing",
    "inconsistent",
    "anchored_on_declared",
    "incident",
)


def report_csv(report: Report) -> str:
    """The numbers behind the charts as one tidy table (one fact per row).

    Monthly counts, then each time's mean and median per severity, then open
    action items (when the store has them), then every incident's own times
    (``mtta``/``mttm``/``mttr`` with its ref in ``incident``), from which the
    aggregates can be checked.

    Deterministic: fixed row order, fixed column order, seconds rounded to
    whole seconds, ``\\n`` line endings; the same store gives the same bytes.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for month in report.months:
        for severity in Severity:
            count = month.by_severity[severity]
            writer.writerow(
                ("incidents", severity.value, month.month, count, "count", count, "", "", "", "")
            )
    for stats in report.times:
        for kind, value in (("mean", stats.mean_seconds), ("median", stats.median_seconds)):
            writer.writerow(
                (
                    f"{stats.metric.value}_{kind}",
                    stats.severity.value,
                    "",
                    "" if value is None else round(value),
                    "seconds",
                    stats.measured,
                    stats.missing,
                    stats.inconsistent,
                    stats.anchored_on_declared,
                    "",
                )
            )
    count = report.open_action_items
    writer.writerow(("open_action_items", "", "", count, "count", count, "", "", "", ""))
    for incident in report.incidents:
        for metric in Metric:
            value = incident.seconds[metric]
            inconsistent = metric in incident.inconsistent
            writer.writerow(
                (
                    metric.value,
                    incident.peak_severity.value,
                    incident.month,
                    "" if value is None else round(value),
                    "seconds",
                    int(value is not None),
                    int(value is None and not inconsistent),
                    int(inconsistent),
                    int(value is not None and incident.anchor == "declared_at"),
                    incident.ref,
                )
            )
    return out.getvalue()


def write_report_csv(report: Report, path: Path, store_file: Path | None = None) -> None:
    """Save ``report_csv`` to a file (never onto a database, never half written); a
    failure is one readable line."""
    write_output(path, report_csv(report).encode("utf-8"), store_file)
