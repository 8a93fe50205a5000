"""``commander report``, ``commander search`` and ``commander similar``: looking back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commander.commands.common import Handler, argument_type, say

if TYPE_CHECKING:
    from commander.services.memory import IncidentHits, SimilarIncident
    from commander.services.reports import Report
    from commander.store.engine import Store


def _month(text: str) -> str:
    from commander.services.reports import parse_month

    return parse_month(text)


def register(sub: Any) -> dict[str, Handler]:
    report = sub.add_parser(
        "report", help="incidents by severity and month, MTTA/MTTM/MTTR by severity"
    )
    report.add_argument(
        "--since", type=argument_type(_month), metavar="YYYY-MM", help="from this UTC month on"
    )
    report.add_argument("--csv", type=Path, metavar="FILE", help="also write the numbers as CSV")
    report.add_argument("--json", action="store_true")

    search = sub.add_parser("search", help="search every incident's timeline and postmortem")
    search.add_argument("text")
    search.add_argument("--json", action="store_true")

    similar = sub.add_parser("similar", help="past incidents that look like this one")
    similar.add_argument("ref")
    similar.add_argument("--json", action="store_true")
    return {"report": _report, "search": _search, "similar": _similar}


# -- report ---------------------------------------------------------------------------


def _report(store: Store, args: argparse.Namespace) -> int:
    from commander.domain.when import utc_now
    from commander.exports.json_doc import dumps
    from commander.services.reports import build_report, write_report_csv

    report = build_report(store, since=args.since, now=utc_now())
    if args.csv is not None:
        write_report_csv(report, args.csv, store.sqlite_file)
    if args.json:
        sys.stdout.write(dumps(report_document(report)))
    else:
        _print_report(report)
    return 0


def report_document(report: Report) -> dict[str, Any]:
    document: dict[str, Any] = {
        "since": report.since,
        "severity_rule": "peak severity",
        "month_rule": "UTC month declared",
        "anchor": report.anchor_rule,
        "incidents": report.incident_count,
        "months": [
            {"month": m.month, **{s.value: n for s, n in m.by_severity.items()}, "total": m.total}
            for m in report.months
        ],
        "times": [
            {
                "metric": t.metric.value,
                "severity": t.severity.value,
                "measured": t.measured,
                "mean_seconds": None if t.mean_seconds is None else round(t.mean_seconds),
                "median_seconds": None if t.median_seconds is None else round(t.median_seconds),
                # The same times as a person reads them; the seconds above stay the numbers.
                "mean_text": None if t.mean_seconds is None else duration(t.mean_seconds),
                "median_text": None if t.median_seconds is None else duration(t.median_seconds),
                "missing": t.missing,
                "inconsistent": t.inconsistent,
                "anchored_on_declared": t.anchored_on_declared,
            }
            for t in report.times
        ],
    }
    document["open_action_items"] = report.open_action_items
    document["services"] = [
        {"service": c.service, **{s.value: n for s, n in c.by_severity.items()}, "total": c.total}
        for c in report.services
    ]
    document["without_service"] = report.without_service
    return document


def duration(seconds: float | None) -> str:
    """A table cell: ``services.reports.readable_duration``, or "-" without a measurement."""
    from commander.services.reports import readable_duration

    return "-" if seconds is None else readable_duration(seconds)


def _print_report(report: Report) -> None:
    from commander.domain import Severity
    from commander.services.reports import Metric

    period = f"since {report.since}" if report.since else "all time"
    say(f"{report.incident_count} incidents, {period}. Counted by peak severity, UTC month.")
    say("")
    say("month    " + "".join(f"{s.value:>5}" for s in Severity) + "  total")
    for month in report.months:
        cells = "".join(f"{month.by_severity[s]:>5}" for s in Severity)
        say(f"{month.month}  {cells}  {month.total:>5}")
    say("")
    say(f"Times from {report.anchor_rule}, per peak severity:")
    # One block per metric keeps the lines narrow enough for an 80-column terminal.
    for metric in Metric:
        say(f"{metric.value.upper()} ({metric.label.lower()})")
        say(f"  sev  {'mean':<13}{'median':<13}measured")
        for severity in Severity:
            t = report.stats(metric, severity)
            if t.measured or t.missing or t.inconsistent:
                mean, median = duration(t.mean_seconds), duration(t.median_seconds)
                say(f"  {severity.value}   {mean:<13}{median:<13}{t.measured}")
    notes: list[str] = []
    for severity in Severity:
        left_out = [
            f"{metric.value.upper()} {report.stats(metric, severity).missing}"
            for metric in Metric
            if report.stats(metric, severity).missing
        ]
        wrong = [
            f"{metric.value.upper()} {report.stats(metric, severity).inconsistent}"
            for metric in Metric
            if report.stats(metric, severity).inconsistent
        ]
        if left_out:
            notes.append(f"  {severity.value} without the stamp yet: {', '.join(left_out)}")
        if wrong:
            notes.append(f"  {severity.value} stamped before the anchor: {', '.join(wrong)}")
    if notes:
        say("Left out:")
        for note in notes:
            say(note)
    say(f"Open action items: {report.open_action_items}")
    if report.services:
        _print_services(report)


def _print_services(report: Report) -> None:
    from commander.domain import Severity

    say("")
    say("Incidents per service (the service label of their alerts), by peak severity")
    width = min(40, max(len("service"), *(len(c.service) for c in report.services))) + 1
    say(f"{'service':<{width}}" + "".join(f"{s.value:>5}" for s in Severity) + "  total")
    for count in report.services:
        cells = "".join(f"{count.by_severity[s]:>5}" for s in Severity)
        say(f"{count.service:<{width}}{cells}  {count.total:>5}")
    say(f"Without a service label: {report.without_service}")


# -- search and similar ---------------------------------------------------------------


def _search(store: Store, args: argparse.Namespace) -> int:
    from commander.exports.json_doc import dumps
    from commander.services.memory import search_all

    groups = search_all(store, args.text)
    if args.json:
        sys.stdout.write(dumps([_hits_document(group) for group in groups]))
        return 0
    if not groups:
        say("no entry matches")
    for group in groups:
        found = f"{group.matches} matching"
        if group.postmortem_matches:
            found += f", {group.postmortem_matches} in postmortem"
        say(f"{group.ref:<8} {group.severity.value}  {group.title}  ({found})")
        for hit in group.hits:
            say(f"    {hit.occurred_at:%Y-%m-%d %H:%MZ}  {hit.snippet}")
        for pm_hit in group.postmortem_hits:
            say(f"    postmortem · {pm_hit.section_title}: {pm_hit.snippet}")
    return 0


def _hits_document(group: IncidentHits) -> dict[str, Any]:
    from commander.domain.when import iso

    return {
        "ref": group.ref,
        "title": group.title,
        "severity": group.severity.value,
        "phase": group.phase.value,
        "declared_at": iso(group.declared_at),
        "matches": group.matches,
        "hits": [
            {
                "entry_id": hit.entry_id,
                "occurred_at": iso(hit.occurred_at),
                "kind": hit.kind,
                "author": hit.author,
                "snippet": hit.snippet,
            }
            for hit in group.hits
        ],
        "postmortem_matches": group.postmortem_matches,
        "postmortem_hits": [
            {
                "section": hit.section,
                "section_title": hit.section_title,
                "action_item_id": hit.action_item_id,
                "snippet": hit.snippet,
            }
            for hit in group.postmortem_hits
        ],
    }


def _similar(store: Store, args: argparse.Namespace) -> int:
    from commander.exports.json_doc import dumps
    from commander.services.memory import similar_incidents

    found = similar_incidents(store, args.ref)
    if args.json:
        sys.stdout.write(dumps([similar_document(item) for item in found]))
        return 0
    if not found:
        say("no similar past incident")
    for item in found:
        resolved = f"resolved {item.resolved_at:%Y-%m-%d}" if item.resolved_at else "not resolved"
        say(f"{item.ref:<8} {item.severity.value}  {item.title}  ({resolved}, {item.score:.2f})")
        say(f"    shared words: {', '.join(item.shared_terms)}")
        if item.runbooks:
            say(f"    runbooks: {', '.join(item.runbooks)}")
        if item.postmortem_link:
            say(f"    postmortem: {item.postmortem_link}")
    return 0


def similar_document(item: SimilarIncident) -> dict[str, Any]:
    from commander.domain.when import iso

    return {
        "ref": item.ref,
        "title": item.title,
        "severity": item.severity.value,
        "phase": item.phase.value,
        "declared_at": iso(item.declared_at),
        "resolved_at": iso(item.resolved_at),
        "score": item.score,
        "shared_terms": list(item.shared_terms),
        "postmortem": item.postmortem_link,
        "runbooks": list(item.runbooks),
    }
