"""The timing block of a postmortem: how long each milestone took, and time per severity.

Pure functions over the incident's stamps and its severity entries (read
through ``domain.timing.severity_spans``, as everywhere else). Each
measure keeps the formula it was computed with, so a reader can check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from commander.domain import EntryKind, Severity
from commander.domain.timing import severity_spans
from commander.domain.when import format_duration
from commander.views.incidents import EntryView, IncidentDetail

_MARK_KINDS = (EntryKind.DECLARED, EntryKind.SEVERITY)
# (measure, stamp attribute, how the stamp is named in formulas)
_MEASURES = (
    ("Time to detect", "detected_at", "detected"),
    ("Time to acknowledge", "acknowledged_at", "acknowledged"),
    ("Time to mitigate", "mitigated_at", "mitigated"),
    ("Time to resolve", "resolved_at", "resolved"),
)


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    at: datetime | None
    value: timedelta | None  # None: the milestone was not reached
    formula: str


@dataclass(frozen=True, slots=True)
class SeverityTime:
    """How long the incident was at one severity in all."""

    severity: Severity
    duration: timedelta


@dataclass(frozen=True, slots=True)
class Timing:
    anchor_name: str  # "impact start" or "declared"
    anchor_at: datetime
    anchor_note: str  # says so when impact start is unknown
    measures: tuple[Measure, ...]
    spans: tuple[SeverityTime, ...]  # most severe first
    spans_until: datetime
    spans_note: str


def stamp(moment: datetime) -> str:
    """A time with its UTC offset spelled out, the one form every export shows."""
    if moment.tzinfo is not UTC:  # times from the store already are; this is the hot path
        moment = moment.astimezone(UTC)
    return moment.isoformat(" ", "seconds")


def span_text(span: timedelta | None) -> str:
    """``1h 02m 03s``; days when it runs that long; a minus sign when negative."""
    return "not reached" if span is None else format_duration(span, units=3, signed=True)


def compute_timing(
    incident: IncidentDetail, entries: tuple[EntryView, ...], generated_at: datetime
) -> Timing:
    if incident.impact_started_at is not None:
        anchor_name, anchor_at, note = "impact start", incident.impact_started_at, ""
    else:
        anchor_name, anchor_at = "declared", incident.declared_at
        note = (
            "Impact start was not recorded, so every time is measured from when the "
            "incident was declared."
        )
    measures = []
    for name, attribute, label in _MEASURES:
        at: datetime | None = getattr(incident, attribute)
        if at is None:
            formula = f"{label} − {anchor_name}: {label} not recorded yet"
            measures.append(Measure(name, None, None, formula))
            continue
        formula = f"{label} − {anchor_name} = {stamp(at)} − {stamp(anchor_at)}"
        measures.append(Measure(name, at, at - anchor_at, formula))
    spans, until, spans_note = time_per_severity(incident, entries, generated_at)
    return Timing(anchor_name, anchor_at, note, tuple(measures), spans, until, spans_note)


def time_per_severity(
    incident: IncidentDetail, entries: tuple[EntryView, ...], generated_at: datetime
) -> tuple[tuple[SeverityTime, ...], datetime, str]:
    """Time at each severity from declared until resolved (or until the document was made)."""
    if incident.resolved_at is not None:
        until, note = (
            incident.resolved_at,
            f"from declared until resolved ({stamp(incident.resolved_at)})",
        )
    else:
        until = generated_at
        note = (
            f"from declared until this document was generated ({stamp(generated_at)}); "
            "not resolved yet"
        )
    marks = (
        (entry.occurred_at, entry.author, entry.fact)
        for entry in entries
        if entry.kind in _MARK_KINDS and entry.deleted_at is None
    )
    start = incident.declared_at
    totals: dict[Severity, timedelta] = {}
    for span in severity_spans(start, incident.severity, marks):
        # Clipped to declared..until: never negative.
        since = min(max(span.since, start), until)
        end = min(max(span.until or until, since), until)
        totals[span.severity] = totals.get(span.severity, timedelta()) + (end - since)
    times = tuple(
        SeverityTime(level, totals[level]) for level in sorted(totals, key=lambda s: s.rank)
    )
    return times, until, note
