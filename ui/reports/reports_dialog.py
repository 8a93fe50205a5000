"""The Reports window: incidents per month and response times as charts, CSV export.

The report is computed by the core on the read worker (a long read must not hold
up the next timeline entry); this only draws it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCursor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from commander.domain import Severity
from commander.domain.when import utc_now
from commander.services.reports import Metric, Report, readable_duration
from ui.reports.charts import METRIC_TITLES, counts_chart, metric_chart, time_value

if TYPE_CHECKING:
    from commander.store.engine import Store
    from ui.context import AppContext

PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Last 12 months", 12),
    ("Last 24 months", 24),
    ("All time", None),
)


def _build(store: Store, months: int | None) -> Report:
    from commander.services.reports import build_report, months_back

    now = utc_now()
    since = None if months is None else months_back(now, months)
    return build_report(store, since=since, now=now)


def _save(report: Report, path: Path, store_file: Path | None) -> Path:
    from commander.services.reports import write_report_csv

    write_report_csv(report, path, store_file)
    return path


# The size the window opens at, when the screen has room; below it, the charts scroll.
PREFERRED_SIZE = QSize(1100, 740)
# Room left for the window's frame and the desktop's panels.
SCREEN_MARGIN = QSize(40, 60)
# Tall enough for a chart's title, bars, two-line labels and axis title.
CHART_HEIGHT_MIN = 260


def fitting_size(available: QSize) -> QSize:
    """The window's first size: the preferred one, shrunk to fit the screen's free area."""
    return PREFERRED_SIZE.boundedTo(available - SCREEN_MARGIN)


def duration_text(seconds: float | None) -> str:
    return "no data" if seconds is None else readable_duration(seconds)


class ReportsDialog(QDialog):
    report_shown = Signal(object)
    csv_saved = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reports — Incident Commander")
        self.resize(fitting_size(self.screen().availableGeometry().size()))
        self._context = context
        self._generation = 0  # answers to an older request are dropped
        self.report: Report | None = None

        self.period_combo = QComboBox()
        for label, months in PERIODS:
            self.period_combo.addItem(label, months)
        self.period_combo.currentIndexChanged.connect(self.refresh)
        self.statistic_combo = QComboBox()
        self.statistic_combo.addItem("Median", "median")
        self.statistic_combo.addItem("Mean", "mean")
        self.statistic_combo.currentIndexChanged.connect(self._draw_times)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_csv)
        self.status = QLabel("Computing…")
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)  # a long error wraps instead of widening the window
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Period:"))
        bar.addWidget(self.period_combo)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Times:"))
        bar.addWidget(self.statistic_combo)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.export_button)

        self.summary = QLabel()
        self.summary.setObjectName("reportSummary")
        self.summary.setWordWrap(True)
        self.counts_view = self._chart_view()
        self.metric_views = {metric: self._chart_view() for metric in Metric}
        times_row = QHBoxLayout()
        for view in self.metric_views.values():
            times_row.addWidget(view)
        self.left_out = QLabel()
        self.left_out.setObjectName("reportLeftOut")
        self.left_out.setWordWrap(True)
        self.services = QLabel()
        self.services.setObjectName("reportServices")
        self.services.setWordWrap(True)
        self.services.setTextFormat(Qt.TextFormat.PlainText)  # service names come from alerts
        # Everything under the bar scrolls, so a short screen shows the charts at a
        # readable height rather than squeezing or clipping them.
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.summary)
        content_layout.addWidget(self.counts_view, 1)
        content_layout.addLayout(times_row, 1)
        content_layout.addWidget(self.left_out)
        content_layout.addWidget(self.services)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("reportScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll_area, 1)

    @staticmethod
    def _chart_view() -> QChartView:
        view = QChartView()
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(CHART_HEIGHT_MIN)
        return view

    # -- computing ----------------------------------------------------------------------
    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        months = self.period_combo.currentData()
        self.status.setText("Computing…")
        self.export_button.setEnabled(False)
        self._context.read(
            lambda store: _build(store, months),
            lambda report: self._on_report(generation, report),
            self._on_failed,
            slow=True,
        )

    def _on_report(self, generation: int, report: Report) -> None:
        if generation != self._generation:
            return
        self.report = report
        self.status.setText("")
        self.export_button.setEnabled(True)
        self.counts_view.setChart(counts_chart(report))
        self._draw_times()
        self.summary.setText(summary_text(report, self.period_combo.currentText()))
        self.left_out.setText(left_out_text(report))
        self.services.setText(services_text(report))
        self.services.setVisible(bool(report.services))
        self.report_shown.emit(report)

    def _on_failed(self, error: BaseException) -> None:
        self.status.setText(f"Cannot compute the report: {error}")

    def _draw_times(self) -> None:
        if self.report is None:
            return
        statistic = self.statistic_combo.currentData()
        for metric, view in self.metric_views.items():
            chart = metric_chart(self.report, metric, statistic)
            self._explain_bars_on_hover(chart, metric, statistic)
            view.setChart(chart)

    def _explain_bars_on_hover(self, chart: QChart, metric: Metric, statistic: str) -> None:
        report = self.report
        assert report is not None
        for series in chart.series():
            for bars in series.barSets():  # type: ignore[attr-defined]
                severity = Severity(bars.label())
                bars.hovered.connect(
                    lambda state, _index, s=severity: (
                        self._bar_tip(report, s, metric, statistic)
                        if state
                        else QToolTip.hideText()
                    )
                )

    def _bar_tip(self, report: Report, severity: Severity, metric: Metric, statistic: str) -> None:
        stats = report.stats(metric, severity)
        value = time_value(report, metric, severity, statistic)
        text = (
            f"{severity.value} {severity.label} · {METRIC_TITLES[metric]}\n"
            f"{statistic}: {duration_text(value)} over {stats.measured} incidents\n"
            f"mean {duration_text(stats.mean_seconds)}, "
            f"median {duration_text(stats.median_seconds)}"
        )
        QToolTip.showText(QCursor.pos(), text, self.metric_views[metric])

    # -- CSV ----------------------------------------------------------------------------
    def export_csv(self) -> None:
        if self.report is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export the report's numbers", "incident-report.csv", "CSV files (*.csv)"
        )
        if path:
            self.save_csv(Path(path))

    def save_csv(self, path: Path) -> None:
        report = self.report
        if report is None:
            return
        self.status.setText("Saving…")
        self._context.read(
            lambda store: _save(report, path, store.sqlite_file),
            self._on_saved,
            self._on_save_failed,
            slow=True,
        )

    def _on_saved(self, path: Path) -> None:
        self.status.setText(f"Saved {path.name}")
        self.csv_saved.emit(str(path))

    def _on_save_failed(self, error: BaseException) -> None:
        self.status.setText(str(error))


def summary_text(report: Report, period: str) -> str:
    fallback = sum(1 for incident in report.incidents if incident.anchor == "declared_at")
    parts = [
        f"<b>{report.incident_count} incidents</b> ({period.lower()}), each counted once under "
        "the most severe level it reached, in the UTC month it was declared.",
        f"Times run from the impact start, or from the declaration when none was logged "
        f"({fallback} of {report.incident_count}).",
    ]
    parts.append(f"<b>Open action items: {report.open_action_items}</b>")
    return " ".join(parts)


def left_out_text(report: Report) -> str:
    missing = {metric: sum(report.stats(metric, s).missing for s in Severity) for metric in Metric}
    wrong = sum(report.stats(metric, s).inconsistent for metric in Metric for s in Severity)
    if not any(missing.values()) and not wrong:
        return ""
    verbs = {Metric.MTTA: "acknowledged", Metric.MTTM: "mitigated", Metric.MTTR: "resolved"}
    counted = [f"{count} not yet {verbs[metric]}" for metric, count in missing.items() if count]
    if wrong:
        counted.append(f"{wrong} stamped before their impact start")
    return "Left out of the times: " + ", ".join(counted) + "."


def services_text(report: Report) -> str:
    """Incidents per service label of their alerts, most first; "" when none has one."""
    if not report.services:
        return ""
    counted = ", ".join(f"{count.service} {count.total}" for count in report.services)
    return (
        f"Incidents per service (their alerts' service label): {counted}; "
        f"without one: {report.without_service}."
    )


def open_reports(context: AppContext, parent: QWidget | None = None) -> ReportsDialog:
    dialog = ReportsDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.refresh()
    return dialog
