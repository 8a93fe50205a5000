"""The line a commander reads at a glance: ref, title, severity, phase bar, roles, clocks.

The severity badge and the roles line are buttons: they ask (through signals)
for the severity dialog and the roles dialog; the window does the rest.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QToolButton, QWidget

from commander.domain.when import format_duration, utc_now
from commander.views.incidents import IncidentDetail
from ui.common.named import named
from ui.response.phase_bar import PhaseBar


class IncidentHeader(QWidget):
    severity_requested = Signal()
    roles_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentHeader")
        self._incident: IncidentDetail | None = None
        self.ref_label = named(QLabel(), "incidentRef")
        self.title_label = named(QLabel(), "incidentTitle")
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.severity_badge = named(QToolButton(), "severityBadge")
        self.severity_badge.setCursor(Qt.CursorShape.PointingHandCursor)
        self.severity_badge.clicked.connect(self.severity_requested)
        self.severity_change = named(QToolButton(), "severityChange")
        self.severity_change.setText("Change severity…")
        self.severity_change.setAutoRaise(True)
        self.severity_change.clicked.connect(self.severity_requested)
        self.phase_label = named(QLabel(), "phaseLabel")
        self.phase_bar = PhaseBar()
        self.roles_button = named(QToolButton(), "rolesLine")
        self.roles_button.setAutoRaise(True)
        # A dozen experts must not set the window's minimum width: the line is cut
        # short to the header's width (see _fit_roles) and whole in the tooltip.
        self.roles_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._roles_text = ""
        self.show_roles("")
        self.roles_button.clicked.connect(self.roles_requested)
        self.clock_label = named(QLabel(), "incidentClocks")
        layout = QGridLayout(self)
        layout.addWidget(self.ref_label, 0, 0)
        layout.addWidget(self.title_label, 0, 1)
        layout.addWidget(self.severity_badge, 0, 2, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.severity_change, 1, 2, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.phase_label, 1, 0)
        layout.addWidget(self.phase_bar, 1, 1)
        layout.addWidget(self.clock_label, 2, 0, 1, 2)
        layout.addWidget(self.roles_button, 3, 0, 1, 3, Qt.AlignmentFlag.AlignLeft)
        layout.setColumnStretch(1, 1)

    def show_incident(self, incident: IncidentDetail) -> None:
        self._incident = incident
        self.ref_label.setText(incident.ref)
        self.title_label.setText(incident.title)
        self.title_label.setToolTip(incident.summary or incident.title)
        severity = incident.severity
        self.severity_badge.setText(f"{severity.value} {severity.label}")
        self.severity_badge.setToolTip(
            f"{severity.value} {severity.label}: {severity.definition}. Click to change."
        )
        self.severity_badge.setProperty("severity", severity.value)
        # A dynamic property only restyles after a re-polish.
        self.severity_badge.style().unpolish(self.severity_badge)
        self.severity_badge.style().polish(self.severity_badge)
        self.phase_label.setText(f"Phase: {incident.phase.label}")
        self.phase_bar.show_phase(incident.phase)
        self.refresh_clocks()

    def show_roles(self, summary: str) -> None:
        self._roles_text = (
            f"Roles: {summary}" if summary else "Roles: nobody assigned yet (click to assign)"
        )
        self.roles_button.setToolTip(f"{self._roles_text}\nClick to assign roles or hand one over")
        self._fit_roles()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_roles()

    def _fit_roles(self) -> None:
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        room = self.width() - (margins.left() + margins.right() if margins else 0) - 16
        metrics = self.roles_button.fontMetrics()
        text = metrics.elidedText(self._roles_text, Qt.TextElideMode.ElideRight, max(room, 80))
        self.roles_button.setText(text)

    def refresh_clocks(self, now: datetime | None = None) -> None:
        incident = self._incident
        if incident is None:
            return
        now = now or utc_now()
        self.clock_label.setText(
            f"{format_duration(now - incident.declared_at)} since declared · "
            f"{format_duration(now - incident.severity_since)} in {incident.severity.value} · "
            f"{format_duration(now - incident.phase_since)} in {incident.phase.label}"
        )
        self.phase_bar.refresh_clocks(now)
