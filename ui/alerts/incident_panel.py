"""The Alerts tab beside the timeline: the labels the open incident kept from its alerts
(wrapped, whole: the header has room for them on wide screens only) and its alert
groups, each with its state and alerts."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from commander.domain.labels import Label, labels_text
from commander.views.alerts import AlertGroupView
from ui.alerts.header_line import waiting_text
from ui.alerts.inbox_model import firing_count, source_label
from ui.common.named import named, wrapping

_STYLE = """
QLabel#incidentLabelsBlock { color: #263238; font-size: 13px; }
QLabel#panelNote { color: #607d8b; }
"""
NO_LABELS = "No labels: no alert group is attached to this incident."


def group_line(group: AlertGroupView) -> str:
    how = "declared it" if group.state == "declared" else "attached"
    by = f" by {group.state_changed_by}" if group.state_changed_by else ""
    alerts = len(group.alerts)
    firing = firing_count(group)
    status = f"{firing} of {alerts} firing" if firing else f"resolved ({alerts})"
    return f"{group.title}\n    {source_label(group.source)} group {group.id}, {how}{by}; {status}"


class IncidentAlertsPanel(QWidget):
    inbox_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentAlerts")
        self.setStyleSheet(_STYLE)
        self.labels = wrapping(named(QLabel(NO_LABELS), "incidentLabelsBlock"))
        self.labels.setTextFormat(Qt.TextFormat.PlainText)  # labels come from other machines
        self.labels.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.groups = named(QListWidget(), "incidentAlertGroups")
        self.groups.setWordWrap(True)
        self.inbox_button = QPushButton("Open the alert inbox")
        self.inbox_button.clicked.connect(self.inbox_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(named(QLabel("Labels from its alerts"), "panelTitle"))
        layout.addWidget(self.labels)
        layout.addWidget(named(QLabel("Its alert groups"), "panelTitle"))
        layout.addWidget(self.groups, 1)
        layout.addWidget(self.inbox_button)

    def show_labels(self, labels: Iterable[Label]) -> None:
        text = labels_text(labels, "\n")
        self.labels.setText(text or NO_LABELS)

    def show_groups(self, groups: list[AlertGroupView]) -> None:
        self.groups.clear()
        for group in groups:
            self.groups.addItem(group_line(group))
        if not groups:
            self.groups.addItem("None yet.")

    def show_waiting(self, count: int) -> None:
        self.inbox_button.setText(
            f"Open the alert inbox ({waiting_text(count)})" if count else "Open the alert inbox"
        )
