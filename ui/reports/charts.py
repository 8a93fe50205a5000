"""The two report charts, built from a core ``Report`` (no store access here)."""

from __future__ import annotations

import math
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QFont

from commander.domain import Severity
from commander.services.reports import Metric, Report
from ui.common.severity_colors import severity_colors

# (seconds per unit, its name, the largest bar it suits), smallest first.
_UNITS = ((60.0, "minutes", 600.0), (3600.0, "hours", 96.0), (86400.0, "days", math.inf))


def month_label(month: str, with_year: bool) -> str:
    """ "2026-09" → "Sep" or "Sep 2026" (January always shows its year)."""
    first = date(int(month[:4]), int(month[5:]), 1)
    return first.strftime("%b %Y") if with_year or first.month == 1 else first.strftime("%b")


def nice_ceiling(value: float, ticks: int = 6) -> tuple[float, int]:
    """An axis top at or above ``value`` on a round step, and how many ticks that makes."""
    if value <= 0:
        return 1.0, 2
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    top = step * math.ceil(value / step)
    return top, int(round(top / step)) + 1


def _new_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    title_font = QFont(chart.titleFont())
    title_font.setPointSize(12)
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _bar_set(severity: Severity, short: bool = False) -> QBarSet:
    colour = severity_colors()[severity]
    bars = QBarSet(severity.value if short else f"{severity.value} {severity.label}")
    bars.setColor(colour)
    bars.setBorderColor(colour.darker(120))
    return bars


def _integer_axis(top: float, title: str) -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setLabelFormat("%d")
    # Counts are whole numbers: a whole step, about six of them.
    step = max(1, math.ceil(top / 6))
    ticks = math.ceil(max(top, 1) / step) + 1
    axis.setRange(0, step * (ticks - 1))
    axis.setTickCount(ticks)
    return axis


def counts_chart(report: Report) -> QChart:
    """Incidents per UTC month, one stacked segment per peak severity."""
    chart = _new_chart("Incidents per month, by peak severity")
    series = QStackedBarSeries()
    series.setBarWidth(0.7)
    for severity in Severity:
        bars = _bar_set(severity)
        bars.append([float(month.by_severity[severity]) for month in report.months])
        series.append(bars)
    chart.addSeries(series)
    with_year = len({month.month[:4] for month in report.months}) > 1 or len(report.months) <= 3
    months = QBarCategoryAxis()
    months.append([month_label(m.month, with_year and i == 0) for i, m in enumerate(report.months)])
    months.setTitleText("month declared (UTC)")
    chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(months)
    counts = _integer_axis(max((m.total for m in report.months), default=0), "incidents")
    chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(counts)
    if not report.months:
        chart.setTitle("No incidents in this period")
    return chart


def time_unit(seconds: float) -> tuple[float, str]:
    """The unit that keeps the bars' labels short: minutes, hours or days."""
    return next((per, name) for per, name, most in _UNITS if seconds / per < most)


def time_value(report: Report, metric: Metric, severity: Severity, statistic: str) -> float | None:
    stats = report.stats(metric, severity)
    return stats.median_seconds if statistic == "median" else stats.mean_seconds


METRIC_TITLES = {
    Metric.MTTA: "MTTA · to acknowledge",
    Metric.MTTM: "MTTM · to mitigate",
    Metric.MTTR: "MTTR · to resolve",
}


def metric_chart(report: Report, metric: Metric, statistic: str = "median") -> QChart:
    """One metric, one bar per severity with a measurement, each labelled with its value.

    One chart per metric (small multiples) so each gets its own scale: a P0
    acknowledged in 4 minutes stays visible beside a P4 resolved in 3 days.
    """
    chart = _new_chart(METRIC_TITLES[metric])
    values = {
        severity: value
        for severity in Severity
        if (value := time_value(report, metric, severity, statistic)) is not None
    }
    per_unit, unit = time_unit(max(values.values(), default=0.0))
    series = QBarSeries()
    series.setBarWidth(0.9)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsFormat("@value")
    series.setLabelsPrecision(3)
    for severity, value in values.items():
        bars = _bar_set(severity, short=True)
        bars.setLabelColor(Qt.GlobalColor.black)
        bars.append(value / per_unit)
        series.append(bars)
    chart.addSeries(series)
    category = QBarCategoryAxis()
    category.append([""])
    category.setGridLineVisible(False)
    chart.addAxis(category, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(category)
    # Head room above the tallest bar for its label.
    top, ticks = nice_ceiling(max(values.values(), default=0.0) / per_unit * 1.12, ticks=5)
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setTickCount(ticks)
    axis.setLabelFormat("%.0f" if top >= 10 else "%.1f")
    axis.setTitleText(f"{statistic}, {unit}")
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis)
    if not values:
        chart.setTitle(f"{METRIC_TITLES[metric]}: no data")
    return chart
