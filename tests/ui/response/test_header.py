"""The header's clocks: they count from the impact start, stop at the resolution, and are
big enough to read from across a desk; nothing in the header widens the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from commander.clock import FrozenClock
from commander.domain import Phase, Severity
from commander.services.incidents import change_phase, change_severity, declare_incident
from commander.services.milestones import edit_milestone
from commander.store.engine import Store
from commander.views.incidents import IncidentDetail
from tests.support.cockpit import Cockpit
from ui.response.header import IncidentHeader

# Shown windows: the offscreen platform says it cannot pass size hints on.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")
M = timedelta(minutes=1)
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def p1_p0_p1_resolved(store: Store, clock: FrozenClock) -> str:
    """Impact 9 minutes before the declaration; P1 → P0 → P1; mitigated at 13, resolved at 72."""
    start = clock()
    ref = declare_incident(
        store, "Checkout 5xx", Severity.P1, "ana", impact_started_at=start - 9 * M
    ).ref
    for minutes, step in (
        (4, lambda: change_phase(store, ref, Phase.TRIAGE, "ana")),
        (7, lambda: change_severity(store, ref, Severity.P0, "ana")),
        (13, lambda: change_phase(store, ref, Phase.MITIGATE, "ana")),
        (30, lambda: change_severity(store, ref, Severity.P1, "ana")),
        (72, lambda: change_phase(store, ref, Phase.RESOLVE, "ana")),
    ):
        clock.move_to(start + minutes * M)
        step()
    return ref


def test_a_resolved_incidents_clocks_stand_still(
    qtbot, cockpit: Cockpit, clock: FrozenClock
) -> None:
    store = cockpit.context.store
    assert store is not None
    ref = p1_p0_p1_resolved(store, clock)  # resolved at 11:12Z
    clock.advance(timedelta(hours=2))
    cockpit.open(qtbot, ref)
    header = cockpit.header
    bar = header.phase_bar
    qtbot.waitUntil(lambda: bar.elapsed(Phase.MITIGATE) is not None, timeout=10_000)
    header.refresh_clocks()
    assert header.clock_label.text() == "Resolved 11:12Z · total 1h 21m"
    assert header.clock_detail.text() == "impact start → mitigated 22m → resolved 59m"
    assert bar.buttons[Phase.MITIGATE].text() == "Mitigate\n59m"
    assert bar.buttons[Phase.RESOLVE].text() == "Resolve\n✓ 11:12Z"
    shown = (
        header.clock_label.text(),
        header.clock_detail.text(),
        bar.buttons[Phase.DETECT].text(),
    )
    clock.advance(timedelta(minutes=11, seconds=35))  # today it kept counting "in Resolve"
    header.refresh_clocks()
    assert (
        header.clock_label.text(),
        header.clock_detail.text(),
        bar.buttons[Phase.DETECT].text(),
    ) == shown


def test_a_running_incident_counts_from_the_impact_start_once_recorded(
    qtbot, cockpit: Cockpit, clock: FrozenClock
) -> None:
    cockpit.declare(qtbot, "Search slow", Severity.P2)
    header = cockpit.header
    clock.advance(12 * M)
    header.refresh_clocks()
    assert header.clock_label.text() == "12m since declared"
    assert header.clock_detail.text() == "12m in P2 · 12m in Detect"
    started = clock() - 60 * M
    with qtbot.waitSignal(cockpit.context.incident_opened, timeout=10_000):
        cockpit.context.write(
            lambda store: edit_milestone(store, "INC-1", "impact_started", started, "ana")
        )
    header.refresh_clocks()
    assert header.clock_label.text() == "1h since impact start"


def header_in_window(qtbot, width: int) -> tuple[QWidget, IncidentHeader]:
    """A header alone in a window ``width`` pixels wide (keep the window: it owns it)."""
    window = QWidget()
    qtbot.addWidget(window)
    header = IncidentHeader()
    QVBoxLayout(window).addWidget(header)
    window.resize(width, 300)
    window.show()
    qtbot.waitExposed(window)
    return window, header


def detail(title: str, severity: Severity) -> IncidentDetail:
    return IncidentDetail(
        id=1,
        ref="INC-1",
        title=title,
        summary="",
        severity=severity,
        phase=Phase.TRIAGE,
        declared_by="ana",
        declared_at=T0,
        severity_since=T0,
        phase_since=T0,
        impact_started_at=None,
        detected_at=T0,
        acknowledged_at=T0,
        mitigated_at=None,
        resolved_at=None,
        closed_at=None,
    )


def test_the_clocks_grow_with_the_window(qtbot) -> None:
    _small, laptop = header_in_window(qtbot, 1280)
    _big, desk = header_in_window(qtbot, 1920)
    for header in (laptop, desk):
        header.show_incident(detail("Checkout 5xx", Severity.P1))
    assert laptop.clock_label.font().pixelSize() >= 18
    assert desk.clock_label.font().pixelSize() >= 1.4 * laptop.clock_label.font().pixelSize()
    assert desk.clock_detail.font().pixelSize() > laptop.clock_detail.font().pixelSize()


def test_no_title_severity_or_clock_changes_the_headers_minimum_width(qtbot) -> None:
    _window, header = header_in_window(qtbot, 1000)
    header.show_incident(detail("DNS", Severity.P1))
    narrow = header.minimumSizeHint().width()
    long_title = "Checkout API returning 5xx for card payments " * 8
    for severity in Severity:
        header.show_incident(detail(long_title, severity))
        assert header.minimumSizeHint().width() == narrow
    header.refresh_clocks(T0 + timedelta(days=30, hours=23, minutes=59))
    assert header.minimumSizeHint().width() == narrow
    assert header.title_label.text().endswith("…")
    assert header.title_label.text().removesuffix("…").split()[-1] in long_title.split()
    assert long_title.strip() in header.title_label.toolTip()
