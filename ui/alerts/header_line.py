"""The alert line in the incident header: the open incident's labels
(``service=checkout team=payments``) and, when groups wait in the inbox, a button
that says how many and opens it."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from commander.domain.labels import Label, labels_text
from ui.common.named import named

_STYLE = """
QPushButton#alertsWaiting { color: white; background: #c62828; border: none;
                            border-radius: 4px; padding: 3px 10px; font-weight: bold; }
QPushButton#alertsWaiting:hover { background: #b71c1c; }
QLabel#incidentLabels { color: #455a64; font-size: 13px; }
"""
# Beyond this the line ends in "…"; the tooltip holds them all.
_MAX_WIDTH = 420


def waiting_text(count: int) -> str:
    return f"{count} alert group{'' if count == 1 else 's'} waiting"


class AlertHeaderLine(QWidget):
    inbox_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertHeaderLine")
        self.setStyleSheet(_STYLE)
        self.waiting = named(QPushButton(), "alertsWaiting")
        self.waiting.setCursor(Qt.CursorShape.PointingHandCursor)
        self.waiting.setToolTip("Open the alert inbox (Ctrl+Shift+A)")
        self.waiting.clicked.connect(self.inbox_requested)
        self.waiting.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.waiting.hide()
        self.labels = named(QLabel(), "incidentLabels")
        self.labels.setTextFormat(Qt.TextFormat.PlainText)  # labels come from other machines
        self.labels.setMaximumWidth(_MAX_WIDTH)
        self.labels.hide()
        self._labels_text = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.waiting, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.labels, 0, Qt.AlignmentFlag.AlignRight)
        self.hide()

    def show_waiting(self, count: int) -> None:
        self.waiting.setText(waiting_text(count))
        self.waiting.setVisible(count > 0)
        self._update_visible()

    def show_labels(self, labels: Iterable[Label]) -> None:
        self._labels_text = labels_text(labels)
        self.labels.setToolTip(labels_text(labels, "\n"))
        self.labels.setVisible(bool(self._labels_text))
        self._elide()
        self._update_visible()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.labels.fontMetrics()
        self.labels.setText(
            metrics.elidedText(self._labels_text, Qt.TextElideMode.ElideRight, _MAX_WIDTH)
        )

    def _update_visible(self) -> None:
        self.setVisible(self.waiting.isVisibleTo(self) or self.labels.isVisibleTo(self))
