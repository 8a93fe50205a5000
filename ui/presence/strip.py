"""The header's line of who is on the incident now: "Here now: ana (IC, this window) ·
bo (terminal)", each seat's last beat in the tooltip."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

if TYPE_CHECKING:
    from commander.views.presence import SeatView

_STYLE = "QLabel#presence { font-size: 13px; padding: 2px 0px; color: #37474f; }"


class PresenceStrip(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presence")
        self.setStyleSheet(_STYLE)
        # Names are other people's text: never read as markup.
        self.setTextFormat(Qt.TextFormat.PlainText)
        # A long list wraps instead of widening the header (no text there sets a minimum width).
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.seats: tuple[SeatView, ...] = ()
        self.hide()

    def show_seats(self, seats: Sequence[SeatView], own_seat: str | None, now: datetime) -> None:
        self.seats = tuple(seats)
        if not seats:
            self.clear()
            self.setToolTip("")
            self.hide()
            return
        self.setText("Here now: " + " · ".join(_label(seat, own_seat) for seat in seats))
        self.setToolTip(
            "\n".join(
                f"{seat.name}: {seat.kind.value}, seen {seat.seen_seconds_ago(now)} s ago"
                for seat in seats
            )
        )
        self.show()


def _label(seat: SeatView, own_seat: str | None) -> str:
    if seat.seat_id != own_seat:
        return seat.label
    details = ", ".join(part for part in (seat.roles_text, "this window") if part)
    return f"{seat.name} ({details})"
