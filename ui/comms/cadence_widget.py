"""“Next update in 12:30”: the countdown to the update the comms lead owes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from commander.domain.when import utc_now

if TYPE_CHECKING:  # the services import SQLAlchemy, which the window loads after painting
    from commander.services.cadence import CadenceStatus

_STYLE = """
QLabel#cadence { font-size: 14px; padding: 4px 10px; border: 1px solid #90a4ae;
                 border-radius: 4px; }
QLabel#cadence[due="true"] { background: #b71c1c; color: white; border-color: #b71c1c;
                             font-weight: bold; }
"""


def countdown(status: CadenceStatus | None, now: datetime) -> tuple[str, bool]:
    """(text, due) for a cadence at ``now``."""
    if status is None or status.due_at is None:
        return "No scheduled updates", False
    seconds = int((status.due_at - now).total_seconds())
    if seconds > 0:
        return f"Next update in {_clock(seconds)}", False
    return f"Update overdue by {_clock(-seconds)}", True


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class CadenceWidget(QLabel):
    # Emitted once each time an update falls due (the due time, for the notification).
    became_due = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cadence")
        self.setStyleSheet(_STYLE)
        self._status: CadenceStatus | None = None
        self._announced: datetime | None = None
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    @property
    def minutes(self) -> int | None:
        return self._status.minutes if self._status else None

    @property
    def is_due(self) -> bool:
        return bool(self.property("due"))

    def show_status(self, status: CadenceStatus | None) -> None:
        self._status = status
        if status is not None and status.minutes:
            self.setToolTip(
                f"Updates every {status.minutes} min"
                + (" (severity default)" if status.is_default else "")
            )
        else:
            self.setToolTip("No scheduled updates for this incident")
        self.refresh()

    def refresh(self) -> None:
        # The app clock, not the wall clock: a test moves it to reach "due".
        text, due = countdown(self._status, utc_now())
        self.setText(text)
        if due != self.is_due:
            self.setProperty("due", due)
            self.style().unpolish(self)
            self.style().polish(self)
        due_at = self._status.due_at if self._status else None
        if due and due_at is not None and self._announced != due_at:
            self._announced = due_at
            self.became_due.emit(due_at)
