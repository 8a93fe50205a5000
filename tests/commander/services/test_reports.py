"""Reports across incidents: counts by peak severity and UTC month, MTTA/MTTM/MTTR, CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import Phase, Severity
from commander.domain.action_item_choices import ItemStatus
from commander.errors import InvalidInputError
from commander.services.action_items import (
    ActionItemFields,
    add_action_item,
    delete_action_item,
)
from commander.services.incidents import change_phase, change_severity, declare_incident
from commander.services.reports import (
    CSV_HEADER,
    Metric,
    build_report,
    months_back,
    open_action_items,
    parse_month,
    readable_duration,
    report_csv,
)

T0 = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 October in Paris: still September


def incident(store, severity, declared, impact=None, ack=None, mitigated=None, resolved=None):
    """An incident whose phases were entered at the given minutes after ``declared``."""
    made = declare_incident(
        store, f"{severity} thing", severity, author="ana", impact_started_at=impact, now=declared
    )
    for phase, minutes in (
        (Phase.TRIAGE, ack),
        (Phase.MITIGATE, mitigated),
        (Phase.RESOLVE, resolved),
    ):
        if minutes is not None:
            change_phase(store, made.ref, phase, "ana", now=declared + timedelta(minutes=minutes))
    return made


def test_counts_by_peak_severity_and_utc_month_with_empty_months(store) -> None:
    incident(store, Severity.P2, T0)
    lowered = incident(store, Severity.P1, T0 + timedelta(hours=1))  # 1 October, 00:30 UTC
    change_severity(store, lowered.ref, Severity.P0, "ana", now=T0 + timedelta(hours=2))
    change_severity(store, lowered.ref, Severity.P3, "ana", now=T0 + timedelta(hours=3))
    incident(store, Severity.P3, T0 + timedelta(days=62))  # December: November is empty

    report = build_report(store)

    assert [m.month for m in report.months] == ["2026-09", "2026-10", "2026-11", "2026-12"]
    assert report.months[0].by_severity[Severity.P2] == 1
    assert report.months[1].by_severity[Severity.P0] == 1  # peak, not the current P3
    assert report.months[1].by_severity[Severity.P3] == 0
    assert report.months[2].total == 0
    assert report.months[3].by_severity[Severity.P3] == 1


def test_times_are_anchored_on_impact_start_else_declared(store) -> None:
    # Impact 10 min before declaring: ack 5 min after declaring is 15 min after impact.
    incident(store, Severity.P1, T0, impact=T0 - timedelta(minutes=10), ack=5, mitigated=20)
    incident(store, Severity.P1, T0 + timedelta(hours=1), ack=25, mitigated=40, resolved=60)
    incident(store, Severity.P1, T0 + timedelta(hours=2))  # never acknowledged

    report = build_report(store)
    mtta = report.stats(Metric.MTTA, Severity.P1)
    assert (mtta.measured, mtta.missing, mtta.anchored_on_declared) == (2, 1, 1)
    assert mtta.mean_seconds == pytest.approx((15 + 25) / 2 * 60)
    assert mtta.median_seconds == pytest.approx(20 * 60)
    mttr = report.stats(Metric.MTTR, Severity.P1)
    assert (mttr.measured, mttr.missing, mttr.mean_seconds) == (1, 2, 3600)
    untouched = report.stats(Metric.MTTM, Severity.P4)
    assert (untouched.measured, untouched.mean_seconds, untouched.median_seconds) == (0, None, None)


def test_median_is_robust_to_one_long_incident(store) -> None:
    for n, minutes in enumerate((10, 12, 14, 600)):
        incident(store, Severity.P2, T0 + timedelta(hours=n * 20), resolved=minutes)
    stats = build_report(store).stats(Metric.MTTR, Severity.P2)
    assert stats.median_seconds == 13 * 60
    assert stats.mean_seconds == pytest.approx((10 + 12 + 14 + 600) / 4 * 60)


def test_a_stamp_before_its_anchor_is_left_out_and_counted(store) -> None:
    # Impact start mistyped an hour after the acknowledgement.
    incident(store, Severity.P3, T0, impact=T0 + timedelta(hours=1), ack=5)
    stats = build_report(store).stats(Metric.MTTA, Severity.P3)
    assert (stats.measured, stats.missing, stats.inconsistent) == (0, 0, 1)


def test_since_keeps_that_month_and_later(store) -> None:
    incident(store, Severity.P2, T0)
    incident(store, Severity.P2, T0 + timedelta(hours=1))
    report = build_report(store, since="2026-10")
    assert report.since == "2026-10"
    assert [m.month for m in report.months] == ["2026-10"]
    assert report.incident_count == 1
    later = build_report(store, since="2026-08", now=T0 + timedelta(days=40))
    assert [m.month for m in later.months] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert [m.total for m in later.months] == [0, 1, 1, 0]


@pytest.mark.parametrize("typed", ["2026-13", "26-01", "October", "", "2026-1-1"])
def test_bad_month_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInputError, match="YYYY-MM"):
        parse_month(typed)


def test_empty_store_reports_nothing(store) -> None:
    report = build_report(store)
    assert (report.months, report.incident_count) == ((), 0)
    assert all(stats.measured == 0 for stats in report.times)
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    times = [row for row in rows if row["measure"] != "open_action_items"]
    assert len(times) == len(Metric) * len(Severity) * 2  # every aggregate time row, all empty
    assert {(row["value"], row["measured"]) for row in times} == {("", "0")}
    assert [row["value"] for row in rows if row not in times] == ["0"]


def test_csv_is_deterministic_and_holds_the_chart_numbers(store) -> None:
    incident(store, Severity.P0, T0, ack=3, mitigated=30, resolved=90)
    incident(store, Severity.P0, T0 + timedelta(hours=1), ack=4)
    first = report_csv(build_report(store))
    assert first == report_csv(build_report(store))
    rows = list(csv.DictReader(io.StringIO(first)))
    assert all(len(row) == len(CSV_HEADER) and None not in row.values() for row in rows)
    counted = [r for r in rows if r["measure"] == "incidents" and r["severity"] == "P0"]
    assert [(r["month"], r["value"]) for r in counted] == [("2026-09", "1"), ("2026-10", "1")]
    mtta = next(r for r in rows if r["measure"] == "mtta_mean" and r["severity"] == "P0")
    assert (mtta["value"], mtta["unit"], mtta["measured"]) == ("210", "seconds", "2")
    mttr = next(r for r in rows if r["measure"] == "mttr_median" and r["severity"] == "P0")
    assert (mttr["value"], mttr["missing"]) == ("5400", "1")
    assert [r["value"] for r in rows if r["measure"] == "open_action_items"] == ["0"]
    own = [(r["incident"], r["measure"], r["value"], r["missing"]) for r in rows if r["incident"]]
    assert own == [
        ("INC-1", "mtta", "180", "0"),
        ("INC-1", "mttm", "1800", "0"),
        ("INC-1", "mttr", "5400", "0"),
        ("INC-2", "mtta", "240", "0"),
        ("INC-2", "mttm", "", "1"),
        ("INC-2", "mttr", "", "1"),
    ]


def test_no_action_items_count_zero(store) -> None:
    with store.read() as session:
        assert open_action_items(session) == 0
    assert build_report(store).open_action_items == 0


def test_open_action_items_are_open_or_in_progress_and_not_deleted(store) -> None:
    ref = declare_incident(store, "Disk full", Severity.P2, "ana", now=T0).ref
    for status in (ItemStatus.OPEN, ItemStatus.DONE, ItemStatus.IN_PROGRESS, ItemStatus.WONT_DO):
        add_action_item(store, ref, ActionItemFields(f"item {status}", status=status), "ana")
    gone = add_action_item(store, ref, ActionItemFields("dropped"), "ana")
    delete_action_item(store, gone.id, "ana")
    assert build_report(store).open_action_items == 2
    rows = list(csv.DictReader(io.StringIO(report_csv(build_report(store)))))
    (items,) = [r for r in rows if r["measure"] == "open_action_items"]
    assert items["value"] == "2"


@pytest.mark.parametrize(
    ("now", "months", "expected"),
    [
        (datetime(2026, 11, 27, tzinfo=UTC), 12, "2025-12"),
        (datetime(2026, 11, 27, tzinfo=UTC), 1, "2026-11"),
        (datetime(2026, 1, 5, tzinfo=UTC), 2, "2025-12"),
        (datetime(2026, 1, 31, 23, 30, tzinfo=UTC), 24, "2024-02"),
    ],
)
def test_months_back_counts_the_current_month(now: datetime, months: int, expected: str) -> None:
    assert months_back(now, months) == expected


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (45, "45 s"),
        (50 * 60, "50 min"),
        (3 * 3600 + 20 * 60, "3 h 20 min"),
        (2.5 * 86400, "2 d 12 h"),
        (0.0348 * 86400, "50 min"),  # what the window once showed as "0.0348 days"
        (0.4, "0 s"),
        (59.6, "1 min"),  # rounded in the unit shown, then carried
        (3599.7, "1 h"),
        (2 * 3600, "2 h"),
        (86400 - 20, "1 d"),
        (21 * 86400, "21 d"),
    ],
)
def test_durations_read_in_the_unit_that_fits(seconds: float, shown: str) -> None:
    assert readable_duration(seconds) == shown
