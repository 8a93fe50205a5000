"""The alert line in the incident header: the open incident's labels
(``service=checkout team=payments``) and, when groups wait in the inbox, a button
that says how many and opens it."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from commander.domain.labels import Label, labels_text
from ui.common.named import named

_STYLE = """
QPushButton#alertsWaiting { color: white; background: #c62828; border: none;
                            border-radius: 4px; padding: 3px 10px; font-weight: bold; }
QPushButton#alertsWaiting[compact="true"] { padding: 3px 6px; }
QPushButton#alertsWaiting:hover { background: #b71c1c; }
QLabel#incidentLabels { color: #455a64; font-size: 13px; }
"""
# The line asks for up to this much width and makes do with as little as the minimum,
# ending in "…" (the tooltip holds every label): it must never widen the window.
_MAX_WIDTH = 420


class _ElidedLabel(QLabel):
    """One line of plain text cut to the width it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)  # labels come from other machines
        self.full_text = ""

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:
        width = self.fontMetrics().horizontalAdvance(self.full_text) + 4
        return QSize(min(width, _MAX_WIDTH), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        shown = metrics.elidedText(self.full_text, Qt.TextElideMode.ElideRight, self.width())
        # Too narrow for one whole label: nothing rather than "s…" (the Alerts tab has them).
        self.setText(shown if "=" in shown or not self.full_text else "")


def waiting_text(count: int) -> str:
    return f"{count} alert group{'' if count == 1 else 's'} waiting"


class _CountButton(QPushButton):
    """ "2 alert groups waiting" where there is room, "⚠ 2" where there is not: the header
    is full on a 1280-pixel screen, and this must not widen the window."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def set_count(self, count: int) -> None:
        self.count = count
        self.updateGeometry()
        self._fit()

    def _long(self) -> str:
        return waiting_text(self.count)

    def _short(self) -> str:
        return str(self.count)

    def _width_of(self, text: str, padding: int) -> int:
        return self.fontMetrics().horizontalAdvance(text) + padding  # the style's, both sides

    def sizeHint(self) -> QSize:
        return QSize(self._width_of(self._long(), 24), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self._width_of(self._short(), 14), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        fits = self.width() >= self._width_of(self._long(), 24)
        self.setText(self._long() if fits else self._short())
        if self.property("compact") != (not fits):
            self.setProperty("compact", not fits)
            self.style().unpolish(self)
            self.style().polish(self)


class AlertHeaderLine(QWidget):
    inbox_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertHeaderLine")
        self.setStyleSheet(_STYLE)
        self.waiting = named(_CountButton(), "alertsWaiting")
        self.waiting.setCursor(Qt.CursorShape.PointingHandCursor)
        self.waiting.clicked.connect(self.inbox_requested)
        self.waiting.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.waiting.hide()
        self.labels = named(_ElidedLabel(), "incidentLabels")
        self.labels.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.waiting, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.labels, 0, Qt.AlignmentFlag.AlignRight)
        self.hide()

    def show_waiting(self, count: int) -> None:
        self.waiting.set_count(count)
        self.waiting.setToolTip(f"{waiting_text(count)}: open the alert inbox (Ctrl+Shift+A)")
        self.waiting.setVisible(count > 0)
        self._update_visible()

    def show_labels(self, labels: Iterable[Label]) -> None:
        listed = list(labels)
        text = labels_text(listed)
        self.labels.set_full_text(text)
        self.labels.setToolTip(labels_text(listed, "\n"))
        self.labels.setVisible(bool(text))
        self._update_visible()

    def _update_visible(self) -> None:
        self.setVisible(self.waiting.isVisibleTo(self) or self.labels.isVisibleTo(self))
