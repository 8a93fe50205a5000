"""Detect → Triage → Mitigate → Resolve → Postmortem: where the incident is, time in each.

Clicking a phase other than the current one asks to move there (forward or
back); the window decides what happens (warning, then the core call).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from commander.domain import Phase
from commander.domain.when import format_duration, utc_now
from ui.common.named import named


class PhaseBar(QWidget):
    phase_requested = Signal(object)  # Phase

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phaseBar")
        self._current: Phase | None = None
        self._times: dict[Phase, timedelta] = {}
        self._measured_at: datetime | None = None
        self.buttons: dict[Phase, QToolButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for phase in Phase:
            if phase is not Phase.DETECT:
                layout.addWidget(named(QLabel("→"), "phaseArrow"))
            button = named(QToolButton(), "phaseStep")
            button.setAutoRaise(False)
            button.clicked.connect(lambda _checked=False, p=phase: self._clicked(p))
            self.buttons[phase] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self._render()

    def current_phase(self) -> Phase | None:
        return self._current

    def show_phase(self, phase: Phase) -> None:
        self._current = phase
        self._render()

    def show_times(self, times: dict[Phase, timedelta], measured_at: datetime) -> None:
        """Totals per phase as of ``measured_at``; the current phase keeps counting."""
        self._times, self._measured_at = dict(times), measured_at
        self._render()

    def elapsed(self, phase: Phase, now: datetime | None = None) -> timedelta | None:
        if phase not in self._times or self._measured_at is None:
            return None
        spent = self._times[phase]
        if phase is self._current:
            spent += max((now or utc_now()) - self._measured_at, timedelta(0))
        return spent

    def refresh_clocks(self, now: datetime | None = None) -> None:
        self._render(now)

    def _render(self, now: datetime | None = None) -> None:
        current = self._current
        for phase, button in self.buttons.items():
            spent = self.elapsed(phase, now)
            visited = spent is not None and spent > timedelta(0)
            clock = format_duration(spent) if visited and spent is not None else "–"
            button.setText(f"{phase.label}\n{clock}")
            state = (
                "current"
                if phase is current
                else "past"
                if current is not None and phase.order < current.order
                else "future"
            )
            if button.property("state") != state:
                button.setProperty("state", state)
                button.style().unpolish(button)
                button.style().polish(button)
            button.setToolTip(
                f"{phase.label}: the current phase"
                if phase is current
                else f"Move the incident {'back ' if state == 'past' else ''}to {phase.label}"
            )

    def _clicked(self, phase: Phase) -> None:
        if phase is not self._current:
            self.phase_requested.emit(phase)
