"""The line a commander reads at a glance: ref, title, severity, phase bar, roles, clocks.

The severity badge and the roles line are buttons: they ask (through signals)
for the severity dialog and the roles dialog; the window does the rest.

What the clocks say comes from the core (``IncidentDetail.clocks``): they count
from the impact start once one is recorded and stop at the resolution. The
header only words them. Nothing in it takes its width from what it shows (the
title, the clocks, the severity's name): a long title or a ticking clock must
not widen the window or push the incident list aside.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from commander.domain import Severity
from commander.domain.durations import human_duration
from commander.domain.timing import IncidentClocks
from commander.domain.when import local_zone, utc_now
from commander.views.incidents import IncidentDetail
from ui.common.elide import elide_at_word
from ui.common.named import named
from ui.response.phase_bar import PhaseBar

# The clocks' font follows the window's width (pixels per pixel of font), within bounds:
# about 20 px at 1280 wide and 30 px at 1920, readable from across a desk.
_CLOCK_SCALE, _CLOCK_MIN, _CLOCK_MAX = 64, 16, 34
_DETAIL_SCALE, _DETAIL_MIN, _DETAIL_MAX = 96, 13, 22


class IncidentHeader(QWidget):
    severity_requested = Signal()
    roles_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentHeader")
        # It takes the width the window gives it (the window's header row lets an
        # expanding widget fill its cell): the title and the clocks get the room.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._incident: IncidentDetail | None = None
        self.local_time = False
        self.ref_label = named(QLabel(), "incidentRef")
        self.title_label = named(QLabel(), "incidentTitle")
        # Cut at a word to the room it has (see _fit_title), whole in the tooltip.
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._title = ""
        self._detail = ""
        self.severity_badge = named(QToolButton(), "severityBadge")
        self.severity_badge.setCursor(Qt.CursorShape.PointingHandCursor)
        self.severity_badge.clicked.connect(self.severity_requested)
        self.severity_change = named(QToolButton(), "severityChange")
        self.severity_change.setText("Change severity…")
        self.severity_change.setAutoRaise(True)
        self.severity_change.clicked.connect(self.severity_requested)
        self.phase_bar = PhaseBar()
        self.roles_button = named(QToolButton(), "rolesLine")
        self.roles_button.setAutoRaise(True)
        # A dozen experts must not set the window's minimum width: the line is cut
        # short to the header's width (see _fit_roles) and whole in the tooltip.
        self.roles_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._roles_text = ""
        self.show_roles("")
        self.roles_button.clicked.connect(self.roles_requested)
        # The main clock, big, and the details beside it, smaller.
        self.clock_label = named(QLabel(), "incidentClocks")
        self.clock_detail = named(QLabel(), "incidentClockDetail")
        # The details give way first: they shrink to nothing (cut at a word) before the
        # main clock loses a letter. The row's container ignores its children's sizes
        # (below), so a ticking clock still never changes the window's minimum width.
        self.clock_detail.setMinimumWidth(1)
        self.clock_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        clocks = QWidget()
        clock_row = QHBoxLayout(clocks)
        clock_row.setContentsMargins(0, 0, 0, 0)
        clock_row.setSpacing(14)
        clock_row.addWidget(self.clock_label, 0, Qt.AlignmentFlag.AlignBaseline)
        clock_row.addWidget(self.clock_detail, 1, Qt.AlignmentFlag.AlignBaseline)
        clocks.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # The phase bar has a row of its own, and the badge's column holds nothing as
        # wide as the bar: the header's minimum width is the bar's, whatever the
        # severity, the title or the clocks say (the incident list beside it keeps
        # its width).
        layout = QGridLayout(self)
        layout.addWidget(self.ref_label, 0, 0)
        layout.addWidget(self.title_label, 0, 1)
        layout.addWidget(self.severity_badge, 0, 2, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.phase_bar, 1, 0, 1, 3)
        layout.addWidget(clocks, 2, 0, 1, 3)
        layout.addWidget(self.roles_button, 3, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.severity_change, 3, 2, Qt.AlignmentFlag.AlignRight)
        layout.setColumnStretch(1, 1)

    def show_incident(self, incident: IncidentDetail) -> None:
        self._incident = incident
        self.ref_label.setText(incident.ref)
        self._title = incident.title
        summary = f"\n\n{incident.summary}" if incident.summary else ""
        self.title_label.setToolTip(f"{incident.ref} {incident.title}{summary}")
        self._fit_title()
        severity = incident.severity
        self.severity_badge.setText(_badge_text(severity))
        self.severity_badge.setToolTip(
            f"{severity.value} {severity.label}: {severity.definition}. Click to change."
        )
        self.severity_badge.setProperty("severity", severity.value)
        # A dynamic property only restyles after a re-polish.
        self.severity_badge.style().unpolish(self.severity_badge)
        self.severity_badge.style().polish(self.severity_badge)
        self.phase_bar.show_phase(incident.phase)
        self.refresh_clocks()

    def show_roles(self, summary: str) -> None:
        self._roles_text = (
            f"Roles: {summary}" if summary else "Roles: nobody assigned yet (click to assign)"
        )
        self.roles_button.setToolTip(f"{self._roles_text}\nClick to assign roles or hand one over")
        self._fit_roles()

    def set_local_time(self, local: bool) -> None:
        self.local_time = local
        self.refresh_clocks()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scale_clocks()
        self._fit_title()
        self._fit_detail()
        self._fit_roles()

    def _scale_clocks(self) -> None:
        width = self.window().width()
        for label, scale, low, high, bold in (
            (self.clock_label, _CLOCK_SCALE, _CLOCK_MIN, _CLOCK_MAX, True),
            (self.clock_detail, _DETAIL_SCALE, _DETAIL_MIN, _DETAIL_MAX, False),
        ):
            size = max(low, min(high, round(width / scale)))
            if label.font().pixelSize() != size:
                font = QFont(label.font())
                font.setPixelSize(size)
                font.setBold(bold)
                label.setFont(font)

    def _fit_detail(self) -> None:
        # Cut at a word to the room beside the main clock, never clipped mid-letter.
        room = max(self.clock_detail.width(), 40)
        metrics = self.clock_detail.fontMetrics()
        self.clock_detail.setText(elide_at_word(self._detail, metrics, room))

    def _fit_title(self) -> None:
        room = self.title_label.width()
        metrics = self.title_label.fontMetrics()
        self.title_label.setText(elide_at_word(self._title, metrics, max(room, 40)))

    def _fit_roles(self) -> None:
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        room = self.width() - (margins.left() + margins.right() if margins else 0) - 16
        room -= self.severity_change.sizeHint().width()  # beside it on its row
        metrics = self.roles_button.fontMetrics()
        text = metrics.elidedText(self._roles_text, Qt.TextElideMode.ElideRight, max(room, 80))
        self.roles_button.setText(text)

    def refresh_clocks(self, now: datetime | None = None) -> None:
        incident = self._incident
        if incident is None:
            return
        now = now or utc_now()
        clocks = incident.clocks(now)
        main, detail = clock_texts(clocks, incident, now, self.local_time)
        self.clock_label.setText(main)
        self._detail = detail
        self._fit_detail()
        if self.clock_label.property("stopped") != (not clocks.running):
            self.clock_label.setProperty("stopped", not clocks.running)
            self.clock_label.style().unpolish(self.clock_label)
            self.clock_label.style().polish(self.clock_label)
        tip = f"{main}\n{detail}\nClocks count from the {clocks.start_label}"
        if clocks.resolved_at is not None:
            tip += f"; resolved {human_duration(now - clocks.resolved_at)} ago"
        self.clock_label.setToolTip(tip)
        self.clock_detail.setToolTip(tip)
        resolved = clocks.resolved_at
        self.phase_bar.show_resolution(
            None if resolved is None else _moment(resolved, resolved, self.local_time)
        )
        self.phase_bar.refresh_clocks(now)


def clock_texts(
    clocks: IncidentClocks, incident: IncidentDetail, now: datetime, local: bool
) -> tuple[str, str]:
    """(main clock, details) as the header words them.

    Running: "1h 12m since impact start", "42m in P1 · 15m in Mitigate".
    Resolved: "Resolved 10:25Z · total 1h 21m",
    "impact start → mitigated 22m → resolved 59m".
    """
    if clocks.running:
        return (
            f"{human_duration(clocks.elapsed)} {clocks.since_label}",
            f"{human_duration(clocks.in_severity)} in {incident.severity.value} · "
            f"{human_duration(clocks.in_phase)} in {incident.phase.label}",
        )
    assert clocks.resolved_at is not None
    when = _moment(clocks.resolved_at, now, local)
    main = f"Resolved {when} · total {human_duration(clocks.elapsed)}"
    legs = [clocks.start_label]
    if clocks.to_mitigated is not None:
        legs.append(f"mitigated {human_duration(clocks.to_mitigated)}")
        if clocks.mitigated_to_resolved is not None:
            legs.append(f"resolved {human_duration(clocks.mitigated_to_resolved)}")
    else:
        legs.append(f"resolved {human_duration(clocks.elapsed)}")
    return main, " → ".join(legs)


def _moment(moment: datetime, now: datetime, local: bool) -> str:
    """ "10:25Z" (or local "11:25"), with the date when it was not today."""
    zone = local_zone() if local else UTC
    shown, today = (moment.astimezone(zone), now.astimezone(zone))
    suffix = "" if local else "Z"
    if shown.date() == today.date() or now - moment < timedelta(hours=12):
        return shown.strftime("%H:%M") + suffix
    return shown.strftime("%Y-%m-%d %H:%M") + suffix


def _badge_text(severity: Severity) -> str:
    return f"{severity.value} {severity.label}"
