"""The Reports window: computed on the read worker, drawn as charts in severity colours, CSV."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCharts import QChart
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFileDialog, QGraphicsSimpleTextItem

from commander.domain import Phase, Severity
from commander.services import reports
from commander.services.incidents import change_phase, declare_incident
from commander.services.reports import Metric, report_csv
from commander.store.engine import open_store
from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui import reports as reports_feature
from ui.common.severity_colors import severity_colors
from ui.reports.charts import month_label, nice_ceiling, time_unit
from ui.reports.reports_dialog import CHART_HEIGHT_MIN, ReportsDialog, fitting_size

# Showing a top-level dialog on the offscreen platform prints this; it is harmless.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise)\(\)"
)


# The dialog's clock, fixed at 03:00 UTC on the first of a month: the test used to
# declare its incidents five hours before the wall clock and read the wall clock's
# month, so from 00:00 to 05:00 on every first it found them in last month's bars.
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def seeded(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four incidents this month; written before the feature's store opens."""
    monkeypatch.setattr("ui.reports.reports_dialog.utc_now", lambda: NOW)
    store = open_store(str(db_path), create=True)
    declared = NOW - timedelta(hours=2)  # every phase change below is at NOW or before
    for severity, minutes in (
        (Severity.P1, 10),
        (Severity.P1, 20),
        (Severity.P1, 60),
        (Severity.P3, 120),
    ):
        ref = declare_incident(store, "x", severity, "ana", now=declared).ref
        change_phase(store, ref, Phase.TRIAGE, "ana", now=declared + timedelta(minutes=minutes))
    store.close()
    return db_path


@pytest.fixture
def installed(rig: Rig) -> Rig:  # noqa: F811
    rig.install(reports_feature.install)
    return rig


def bar_heights(chart: QChart) -> dict[str, float]:
    """Each severity's bar: its set holds its height at its own category, zero elsewhere."""
    (series,) = chart.series()
    return {bars.label(): max(bars.at(i) for i in range(bars.count())) for bars in series.barSets()}


def bar_texts(chart: QChart) -> list[str]:
    """The times written over the bars, in bar order, one line each."""
    items = [item for item in chart.childItems() if isinstance(item, QGraphicsSimpleTextItem)]
    return [item.text().replace("\n", " ") for item in sorted(items, key=lambda i: i.x())]


def open_dialog(qtbot, rig: Rig) -> ReportsDialog:  # noqa: F811
    rig.shell.action("Reports…").trigger()
    dialog = rig.shell.widget.findChild(ReportsDialog)
    assert dialog is not None
    qtbot.waitSignal(dialog.report_shown, timeout=10_000).wait()
    return dialog


def test_reports_menu_opens_charts_with_the_report_numbers(
    qtbot, seeded: Path, installed: Rig, monkeypatch
) -> None:
    threads: list[str] = []
    real = reports.build_report

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "build_report", spy)
    action = installed.shell.action("Reports…")
    assert action.isEnabled() and action.text() == "&Reports…"
    assert installed.shell.actions["&Across incidents"] == [action]
    dialog = open_dialog(qtbot, installed)
    assert threads and threads[0] != threading.main_thread().name  # off the UI thread

    (counts,) = dialog.counts_view.chart().series()
    sets = {bars.label(): bars for bars in counts.barSets()}
    assert sets["P1 High"].at(sets["P1 High"].count() - 1) == 3
    assert sets["P3 Low"].at(sets["P3 Low"].count() - 1) == 1
    assert sets["P0 Critical"].color() == severity_colors()[Severity.P0]
    medians = bar_heights(dialog.metric_views[Metric.MTTA].chart())
    assert medians == {"P1": 20.0, "P3": 120.0}  # minutes: median of 10, 20, 60 for P1
    assert "minutes" in dialog.metric_views[Metric.MTTA].chart().axes()[1].titleText()
    assert bar_texts(dialog.metric_views[Metric.MTTA].chart()) == ["20 min", "2 h"]
    assert "4 incidents" in dialog.summary.text()


def test_switching_to_mean_redraws_without_a_query(qtbot, seeded: Path, installed: Rig) -> None:
    dialog = open_dialog(qtbot, installed)
    dialog.statistic_combo.setCurrentIndex(1)
    assert bar_heights(dialog.metric_views[Metric.MTTA].chart())["P1"] == 30.0
    assert "mean" in dialog.metric_views[Metric.MTTA].chart().axes()[1].titleText()


def test_csv_export_writes_the_report_numbers(
    qtbot, seeded: Path, installed: Rig, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "numbers.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), ""))
    dialog = open_dialog(qtbot, installed)
    assert dialog.export_button.isEnabled()
    with qtbot.waitSignal(dialog.csv_saved, timeout=10_000):
        dialog.export_button.click()
    assert dialog.report is not None
    assert target.read_text(encoding="utf-8") == report_csv(dialog.report)
    assert "Saved numbers.csv" in dialog.status.text()


def test_an_empty_store_says_so(qtbot, installed: Rig) -> None:
    dialog = open_dialog(qtbot, installed)
    assert dialog.counts_view.chart().title() == "No incidents in this period"
    assert "no data" in dialog.metric_views[Metric.MTTR].chart().title()


def test_chart_helpers() -> None:
    assert month_label("2026-01", with_year=False) == "Jan 2026"
    assert month_label("2026-09", with_year=False) == "Sep"
    assert nice_ceiling(8.7) == (10.0, 6)
    assert nice_ceiling(0) == (1.0, 2)
    assert time_unit(30 * 60)[1] == "minutes"
    assert time_unit(20 * 3600)[1] == "hours"
    assert time_unit(10 * 86400)[1] == "days"


def test_incidents_per_service_show_when_alerts_named_a_service(
    qtbot, seeded: Path, installed: Rig
) -> None:
    from commander.services.alert_inbox import declare_group
    from tests.support.alert_groups import waiting_group

    dialog = open_dialog(qtbot, installed)
    assert dialog.services.isHidden()  # no incident came from an alert
    for name in ("A", "B"):
        declare_group(
            installed.store, waiting_group(installed.store, name, service="checkout"), "ana"
        )
    dialog.refresh()
    qtbot.waitSignal(dialog.report_shown, timeout=10_000).wait()
    assert not dialog.services.isHidden()
    assert dialog.services.text() == (
        "Incidents per service (their alerts' service label): checkout 2; without one: 4."
    )


def test_the_window_fits_a_1280_by_800_screen(qtbot, seeded: Path, installed: Rig) -> None:
    dialog = open_dialog(qtbot, installed)
    available = dialog.screen().availableGeometry().size()
    assert dialog.width() <= available.width() and dialog.height() <= available.height()
    dialog.resize(fitting_size(QSize(1280, 800)))
    assert dialog.width() <= 1280 and dialog.height() <= 800 - 40  # a title bar and a panel
    qtbot.waitUntil(lambda: dialog.scroll_area.widget().height() > 0)
    # The bar above the charts: every control whole and inside the window.
    for widget in (dialog.period_combo, dialog.statistic_combo, dialog.export_button):
        assert dialog.rect().contains(widget.geometry()), widget
        assert widget.width() >= widget.minimumSizeHint().width(), widget
    # The charts keep a readable height; what does not fit scrolls instead of being cut.
    views = [dialog.counts_view, *dialog.metric_views.values()]
    assert all(view.height() >= CHART_HEIGHT_MIN for view in views)
    content, viewport = dialog.scroll_area.widget(), dialog.scroll_area.viewport()
    bar = dialog.scroll_area.verticalScrollBar()
    assert content.height() <= viewport.height() + bar.maximum()
    assert content.width() <= viewport.width()  # nothing to scroll sideways
