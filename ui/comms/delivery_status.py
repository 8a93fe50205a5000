"""The header's delivery lines: where the latest update to each target stands.

"Status page: failing for 8 min — cannot connect to …" in red, "Slack: sent 12:03Z".
The words and what counts as red come from the core (``views.comms.TargetStanding``);
this widget lays the lines out and re-words the running time every few seconds; a
line longer than its column wraps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from commander.domain.when import utc_now
from ui.common.named import named

if TYPE_CHECKING:
    from commander.views.comms import TargetStanding

_STYLE = """
QLabel#deliveryLine { font-size: 13px; padding: 1px 6px; }
QLabel#deliveryLine[alarming="true"] { background: #b71c1c; color: white; font-weight: bold;
                                       border-radius: 3px; }
"""
REFRESH_MS = 15_000  # the running time counts minutes
# Beside the incident header: at most this wide, and never what sets the window's width
# (a long line wraps in the room it gets).
WIDTH = 420
MIN_WIDTH = 120


class DeliveryStatus(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deliveryStatus")
        self.setStyleSheet(_STYLE)
        self.setMinimumWidth(MIN_WIDTH)
        self.setMaximumWidth(WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.lines: list[QLabel] = []
        self._standings: tuple[TargetStanding, ...] = ()
        self.local_time = False
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.hide()

    def show_standings(self, standings: tuple[TargetStanding, ...]) -> None:
        """The incident's lines as read (none: no update sent yet, nothing shown)."""
        self._standings = standings
        while len(self.lines) > len(standings):
            gone = self.lines.pop()
            self._layout.removeWidget(gone)
            gone.deleteLater()
        while len(self.lines) < len(standings):
            line = named(QLabel(), "deliveryLine")
            line.setProperty("alarming", False)
            # It wraps, so the label never asks for the whole line's width.
            line.setWordWrap(True)
            line.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.lines.append(line)
            self._layout.addWidget(line)
        self.setVisible(bool(standings))
        self.refresh()

    def set_local_time(self, local: bool) -> None:
        self.local_time = local
        self.refresh()

    @property
    def texts(self) -> list[str]:
        """Each line in full, as the core words it (the labels may be cut to fit)."""
        now = utc_now()
        return [standing.text(now, self.local_time) for standing in self._standings]

    def sizeHint(self) -> QSize:
        return QSize(WIDTH, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(MIN_WIDTH, super().minimumSizeHint().height())

    def refresh(self) -> None:
        for line, standing, text in zip(self.lines, self._standings, self.texts, strict=True):
            if bool(line.property("alarming")) != standing.alarming:
                line.setProperty("alarming", standing.alarming)
                line.style().unpolish(line)
                line.style().polish(line)
            line.setText(text)
            line.setToolTip(text + ("\nSee the Comms tab." if standing.alarming else ""))
