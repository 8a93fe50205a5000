"""The header's health strip: a dot per check (green up, red down, amber slow, grey not
probed yet) with its name, details in the tooltip, and "all green for 12m" in Resolve."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from commander.domain import Phase
from commander.domain.health import HealthState, green_for
from commander.domain.when import format_clock, format_duration, utc_now
from ui.common.named import named

if TYPE_CHECKING:
    from commander.domain.health import ProbeOutcome
    from commander.views.health import HealthCheckView, HealthWatch

COLORS = {
    HealthState.UP: "#2e7d32",
    HealthState.DOWN: "#c62828",
    HealthState.SLOW: "#f9a825",
    HealthState.UNKNOWN: "#9e9e9e",
}
_STYLE = """
QLabel#healthCheck { font-size: 13px; padding: 2px 6px; }
QLabel#allGreen { font-size: 13px; padding: 2px 8px; color: #2e7d32; font-weight: bold;
                  border: 1px solid #a5d6a7; border-radius: 4px; }
"""
REFRESH_MS = 15_000  # the all-green time counts minutes


class HealthStrip(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("healthStrip")
        self.setStyleSheet(_STYLE)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.green = named(QLabel(), "allGreen")
        self.green.hide()
        self._layout.addWidget(self.green)
        self._dots: dict[int, QLabel] = {}
        self._watch: HealthWatch | None = None
        self._latest: dict[int, ProbeOutcome] = {}
        self._phase: Phase | None = None
        self.local_time = False
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.hide()

    # -- what the feature hands in ---------------------------------------------------
    def show_watch(self, watch: HealthWatch | None) -> None:
        """The incident's checks as stored (None: no incident)."""
        if watch is None or self._watch is None or watch.incident_id != self._watch.incident_id:
            self._latest.clear()
        self._watch = watch
        wanted = [check.id for check in watch.checks] if watch else []
        for check_id in [i for i in self._dots if i not in wanted]:
            gone = self._dots.pop(check_id)
            self._layout.removeWidget(gone)
            gone.deleteLater()
        # A check keeps its dot (no flicker on each change); new ones go at the end, in order.
        for check_id in wanted:
            if check_id not in self._dots:
                dot = named(QLabel(), "healthCheck")
                self._dots[check_id] = dot
                self._layout.insertWidget(self._layout.count() - 1, dot)
        self.setVisible(bool(self._dots))
        self.refresh()

    def set_phase(self, phase: Phase | None) -> None:
        self._phase = phase
        self.refresh()

    def show_probe(self, check_id: int, outcome: ProbeOutcome) -> None:
        """The latest probe of a check, for its tooltip (its state comes from the store)."""
        self._latest[check_id] = outcome
        self.refresh()

    def set_local_time(self, local: bool) -> None:
        self.local_time = local
        self.refresh()

    # -- what is shown -----------------------------------------------------------------
    def shown(self) -> list[tuple[str, HealthState]]:
        """(name, state) of each dot, left to right (what a person reads)."""
        watch = self._watch
        if watch is None:
            return []
        return [(c.label, c.state) for c in watch.checks if c.id in self._dots]

    def refresh(self) -> None:
        watch = self._watch
        now = utc_now()
        for check in watch.checks if watch else ():
            dot = self._dots.get(check.id)
            if dot is None:
                continue
            color = COLORS.get(check.state, COLORS[HealthState.UNKNOWN])
            dot.setText(f'<span style="color:{color}">●</span> {escape(check.label)}')
            dot.setProperty("state", check.state.value)
            dot.setToolTip(self._tooltip(check, now))
        green_since = watch.all_green_since if watch else None
        in_resolve = self._phase is Phase.RESOLVE
        if in_resolve and green_since is not None and self._dots:
            self.green.setText(f"all green for {green_for(now - green_since)}")
            self.green.setToolTip(f"every check up since {self._clock(green_since)}")
            self.green.show()
        else:
            self.green.hide()

    def _tooltip(self, check: HealthCheckView, now: datetime) -> str:
        lines = [check.target]
        if check.state is HealthState.UNKNOWN:
            lines.append("not probed yet")
        else:
            since = f"{self._clock(check.since)} ({format_duration(now - check.since)})"
            lines.append(f"{check.state.value} since {since}")
        latest = self._latest.get(check.id)
        if latest is not None:
            lines.append(f"last probe {self._clock(latest.at)}: {_seen(latest)}")
        elif check.probed_at is not None:
            lines.append(f"probe {self._clock(check.probed_at)}: {_stored(check)}")
        lines.append(f"every {check.every_seconds} s, slow over {check.slow_ms} ms")
        # Rich text, escaped: a URL holding "<" must not be read as markup.
        return "<br>".join(escape(line) for line in lines)

    def _clock(self, moment: datetime) -> str:
        return format_clock(moment, self.local_time)


def _seen(outcome: ProbeOutcome) -> str:
    if not outcome.ok:
        return outcome.error or "failed"
    return f"{outcome.latency_ms} ms"


def _stored(check: HealthCheckView) -> str:
    if check.state is HealthState.DOWN:
        return check.error or "failed"
    return f"{check.latency_ms} ms"
