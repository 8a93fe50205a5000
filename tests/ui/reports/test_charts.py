"""The response-time charts: every bar readable, however far apart the times are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from commander.domain import Phase, Severity
from commander.services.incidents import change_phase, declare_incident
from commander.services.reports import Metric, Report, build_report
from ui.common.severity_colors import severity_colors
from ui.reports.charts import bar_text, metric_chart

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
# Showing a top-level widget on the offscreen platform prints this; it is harmless.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def resolved_after(store, severity: Severity, spans: tuple[timedelta, ...]) -> None:
    ref = declare_incident(store, f"{severity} thing", severity, "ana", now=T0).ref
    for phase, span in zip((Phase.TRIAGE, Phase.MITIGATE, Phase.RESOLVE), spans, strict=True):
        change_phase(store, ref, phase, "ana", now=T0 + span)


@pytest.fixture
def far_apart(sqlite_store) -> Report:
    """A P0 acknowledged in 4 minutes and resolved in 20, a P3 that took 21 days."""
    minutes = timedelta(minutes=1)
    resolved_after(sqlite_store, Severity.P0, (4 * minutes, 10 * minutes, 20 * minutes))
    days = timedelta(days=1)
    resolved_after(sqlite_store, Severity.P3, (2 * days, 10 * days, 21 * days))
    return build_report(sqlite_store)


def rows_in_colour(image: QImage, colour: QColor) -> int:
    """How many pixel rows of the drawn chart hold the bar's fill colour."""
    wanted = colour.rgb()
    return sum(
        1
        for y in range(image.height())
        if any(image.pixel(x, y) == wanted for x in range(0, image.width(), 2))
    )


@pytest.mark.parametrize("metric", [Metric.MTTA, Metric.MTTR])
def test_a_p0_bar_stays_visible_beside_a_21_day_p3(qtbot, far_apart: Report, metric) -> None:
    view = QChartView(metric_chart(far_apart, metric))
    qtbot.addWidget(view)
    view.resize(360, 300)
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    colours = severity_colors()
    p0, p3 = (
        rows_in_colour(image, colours[Severity.P0]),
        rows_in_colour(image, colours[Severity.P3]),
    )
    assert p0 >= 15, f"the P0 bar is {p0} px tall beside a {p3} px P3"
    assert p3 > p0  # still the longer time, on a log axis said in the axis title
    assert "log scale" in view.chart().axes()[1].titleText()


def test_each_bar_carries_its_time_in_words(qtbot, far_apart: Report) -> None:
    chart = metric_chart(far_apart, Metric.MTTR)
    items = chart.childItems()
    texts = sorted(item.text() for item in items if isinstance(item, QGraphicsSimpleTextItem))
    assert texts == ["20 min", "21 d"]
    assert bar_text(3 * 3600 + 20 * 60) == "3 h\n20 min"  # a narrow bar: a line per unit
