"""The two report charts, built from a core ``Report`` (no store access here)."""

from __future__ import annotations

import math
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QObject, QPointF, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsSimpleTextItem

from commander.domain import Severity
from commander.services.reports import Metric, Report, readable_duration
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
    """The unit that keeps a linear axis' labels short: minutes, hours or days."""
    return next((per, name) for per, name, most in _UNITS if seconds / per < most)


def time_value(report: Report, metric: Metric, severity: Severity, statistic: str) -> float | None:
    stats = report.stats(metric, severity)
    return stats.median_seconds if statistic == "median" else stats.mean_seconds


METRIC_TITLES = {
    Metric.MTTA: "MTTA · to acknowledge",
    Metric.MTTM: "MTTM · to mitigate",
    Metric.MTTR: "MTTR · to resolve",
}

# On a linear axis a bar this many times shorter than the tallest is a line or nothing
# (a P0 acknowledged in 4 minutes beside a P3 resolved in 21 days): past this ratio the
# chart uses a log axis, labelled in durations and said in the axis title.
LINEAR_RATIO_MOST = 20.0
# The log axis' marks: roughly even steps on a log scale, each a duration people use.
_LOG_MARKS = (
    (1.0, "1 s"),
    (10.0, "10 s"),
    (60.0, "1 min"),
    (600.0, "10 min"),
    (3600.0, "1 h"),
    (6 * 3600.0, "6 h"),
    (86400.0, "1 d"),
    (7 * 86400.0, "1 wk"),
    (30 * 86400.0, "30 d"),
    (90 * 86400.0, "90 d"),
    (365 * 86400.0, "1 y"),
)


def wants_log_scale(values: list[float]) -> bool:
    shortest = min(values, default=0.0)
    return shortest > 0 and max(values) / shortest > LINEAR_RATIO_MOST


def log_range(shortest: float, longest: float) -> tuple[float, float]:
    """The axis' ends in seconds, on marks: the bottom at most a quarter of the shortest
    time (so its bar is at least log10(4) tall, a sizeable part of the chart), the top
    at least twice the longest (room for the time written over its bar)."""
    bottom = max((at for at, _ in _LOG_MARKS if at <= shortest / 4), default=_LOG_MARKS[0][0])
    top = min((at for at, _ in _LOG_MARKS if at >= longest * 2), default=longest * 2)
    return bottom, top


def bar_text(seconds: float) -> str:
    """Over a bar: its time, one line per unit ("3 h" over "20 min"), as bars are narrow."""
    words = readable_duration(seconds).split()
    return "\n".join(f"{words[i]} {words[i + 1]}" for i in range(0, len(words), 2))


def metric_chart(report: Report, metric: Metric, statistic: str = "median") -> QChart:
    """One metric, one bar per severity with a measurement, its time written over it.

    One chart per metric (small multiples) so each gets its own scale, and within a
    chart a log axis once the bars' lengths differ too much for a linear one
    (``LINEAR_RATIO_MOST``). Each severity is its own bar set (its colour, its hover)
    standing on its own category, so the bars are as wide as a chart allows.
    """
    chart = _new_chart(METRIC_TITLES[metric])
    chart.legend().hide()  # each bar is named underneath
    values = {
        severity: value
        for severity in Severity
        if (value := time_value(report, metric, severity, statistic)) is not None
    }
    if wants_log_scale(list(values.values())):
        bottom, top = log_range(min(values.values()), max(values.values()))
        heights = {s: math.log10(max(v, bottom) / bottom) for s, v in values.items()}
        axis: QValueAxis | QCategoryAxis = _log_axis(bottom, top, f"{statistic}, log scale")
    else:
        per_unit, unit = time_unit(max(values.values(), default=0.0))
        heights = {s: v / per_unit for s, v in values.items()}
        axis = _linear_axis(max(heights.values(), default=0.0), f"{statistic}, {unit}")
    series = QStackedBarSeries()
    series.setBarWidth(0.6)
    order = list(values)
    for index, severity in enumerate(order):
        bars = _bar_set(severity, short=True)
        bars.append([heights[severity] if i == index else 0.0 for i in range(len(order))])
        series.append(bars)
    chart.addSeries(series)
    category = QBarCategoryAxis()
    category.append([severity.value for severity in order] or [""])
    category.setGridLineVisible(False)
    chart.addAxis(category, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(category)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis)
    BarTimes(chart, series, [(heights[s], bar_text(values[s])) for s in order])
    if not values:
        chart.setTitle(f"{METRIC_TITLES[metric]}: no data")
    return chart


# Over the grid and the bars (QtCharts draws its grid at z 0 to a few hundred).
_ABOVE_GRID = 1000.0


class BarTimes(QObject):
    """Each bar's time written just over it, moved whenever the plot area changes.

    QtCharts' own bar labels can only print the bar's value (a logarithm on a log
    axis) and its category labels are cut short under a narrow bar, so the times
    are text items of the chart's own."""

    def __init__(self, chart: QChart, series: QStackedBarSeries, bars: list[tuple[float, str]]):
        super().__init__(chart)
        self._chart, self._series = chart, series
        font = QFont(chart.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.items: list[tuple[float, QGraphicsSimpleTextItem]] = []
        for height, text in bars:
            item = QGraphicsSimpleTextItem(text, chart)
            item.setFont(font)
            item.setZValue(_ABOVE_GRID)
            # A plate in the chart's background colour keeps grid lines out of the digits.
            plate = QGraphicsRectItem(item.boundingRect().adjusted(-1, 0, 1, 0), item)
            plate.setBrush(chart.backgroundBrush())
            plate.setPen(Qt.PenStyle.NoPen)
            plate.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
            self.items.append((height, item))
        chart.plotAreaChanged.connect(self.place)

    def place(self) -> None:
        for index, (height, item) in enumerate(self.items):
            top = self._chart.mapToPosition(QPointF(index, height), self._series)
            box = item.boundingRect()
            item.setPos(top.x() - box.width() / 2, top.y() - box.height() - 2)


def _linear_axis(tallest: float, title: str) -> QValueAxis:
    # Head room above the tallest bar for the time written over it.
    top, ticks = nice_ceiling(tallest * 1.25, ticks=5)
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setTickCount(ticks)
    axis.setLabelFormat("%.0f" if top >= 10 else "%.1f")
    axis.setTitleText(title)
    return axis


def _log_axis(bottom: float, top: float, title: str) -> QCategoryAxis:
    """Heights are log10(seconds / bottom); each mark in range is labelled as a duration."""
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setStartValue(0.0)
    for at, label in _LOG_MARKS:
        if bottom <= at <= top:
            axis.append(label, math.log10(at / bottom))
    axis.setRange(0.0, math.log10(top / bottom))
    axis.setTitleText(title)
    return axis
