"""The line a commander reads at a glance: ref, title, severity, phase, clocks."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from commander.domain.when import format_duration, utc_now
from commander.services.views import IncidentDetail


class IncidentHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentHeader")
        self._incident: IncidentDetail | None = None
        self.ref_label = QLabel(objectName="incidentRef")
        self.title_label = QLabel(objectName="incidentTitle")
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.severity_badge = QLabel(objectName="severityBadge")
        self.phase_label = QLabel(objectName="phaseLabel")
        self.clock_label = QLabel(objectName="incidentClocks")
        layout = QGridLayout(self)
        layout.addWidget(self.ref_label, 0, 0)
        layout.addWidget(self.title_label, 0, 1)
        layout.addWidget(self.severity_badge, 0, 2)
        layout.addWidget(self.phase_label, 0, 3)
        layout.addWidget(self.clock_label, 1, 0, 1, 4)
        layout.setColumnStretch(1, 1)

    def show_incident(self, incident: IncidentDetail) -> None:
        self._incident = incident
        self.ref_label.setText(incident.ref)
        self.title_label.setText(incident.title)
        self.title_label.setToolTip(incident.summary or incident.title)
        severity = incident.severity
        self.severity_badge.setText(f"{severity.value} {severity.label}")
        self.severity_badge.setToolTip(severity.definition)
        self.severity_badge.setProperty("severity", severity.value)
        # A dynamic property only restyles after a re-polish.
        self.severity_badge.style().unpolish(self.severity_badge)
        self.severity_badge.style().polish(self.severity_badge)
        self.phase_label.setText(f"Phase: {incident.phase.label}")
        self.refresh_clocks()

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
