"""Detect → Triage → Mitigate → Resolve → Postmortem: where the incident is, time in each.

Clicking a phase other than the current one asks to move there (forward or
back); the window decides what happens (warning, then the core call). Once the
incident is resolved its times stand still (the core measures up to the
resolution). Each step is as wide as its widest text, so a ticking clock never
moves the steps or the window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from commander.domain import Phase
from commander.domain.durations import human_duration
from commander.domain.when import utc_now
from ui.common.named import named


class PhaseBar(QWidget):
    phase_requested = Signal(object)  # Phase

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phaseBar")
        self._current: Phase | None = None
        self._times: dict[Phase, timedelta] = {}
        self._measured_at: datetime | None = None
        self._running = True
        # "✓ 10:25Z" on the Resolve step once the incident is resolved.
        self._resolution: str | None = None
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
        self._fix_widths()
        self._render()

    def _fix_widths(self) -> None:
        # "11m 35s" and "22h 59m" are the widest a step's clock reads (human_duration).
        for phase, button in self.buttons.items():
            button.ensurePolished()
            widest = 0
            for clock in ("–", "11m 35s", "22h 59m", "30d 23h", "✓ 23:59Z"):
                button.setText(f"{phase.label}\n{clock}")
                widest = max(widest, button.sizeHint().width())
            # The current step is bold: room for that too.
            button.setFixedWidth(widest + widest // 8)

    def current_phase(self) -> Phase | None:
        return self._current

    def show_phase(self, phase: Phase) -> None:
        self._current = phase
        self._render()

    def show_times(
        self, times: dict[Phase, timedelta], measured_at: datetime, running: bool = True
    ) -> None:
        """Totals per phase as of ``measured_at``; the current phase keeps counting
        while ``running`` (not once the incident is resolved)."""
        self._times, self._measured_at, self._running = dict(times), measured_at, running
        self._render()

    def show_resolution(self, clock: str | None) -> None:
        """When the incident was resolved ("10:25Z"), shown on the Resolve step; None: not."""
        if clock != self._resolution:
            self._resolution = clock
            self._render()

    def elapsed(self, phase: Phase, now: datetime | None = None) -> timedelta | None:
        if phase not in self._times or self._measured_at is None:
            return None
        spent = self._times[phase]
        if phase is self._current and self._running:
            spent += max((now or utc_now()) - self._measured_at, timedelta(0))
        return spent

    def refresh_clocks(self, now: datetime | None = None) -> None:
        self._render(now)

    def _render(self, now: datetime | None = None) -> None:
        current = self._current
        for phase, button in self.buttons.items():
            spent = self.elapsed(phase, now)
            visited = spent is not None and spent > timedelta(0)
            clock = human_duration(spent) if visited and spent is not None else "–"
            if phase is Phase.RESOLVE and self._resolution is not None:
                clock = f"✓ {self._resolution}"
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
