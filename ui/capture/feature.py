"""Chat capture in the window: the runner for every open incident, and a status line in
the header for the open one (each channel's last pass, or its last error).

Captured messages reach the timeline as any write does: the runner's writes are
announced as this window's own, another seat's come through the change feed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel

from commander.domain.when import format_clock
from ui.capture.runner import CaptureRunner

if TYPE_CHECKING:
    from commander.services.chat_capture import PassResult
    from commander.views.incidents import IncidentDetail
    from ui.context import AppContext
    from ui.shell import Shell

# Closing waits this long for a pass on its way (a request times out within 15 s).
CLOSE_WAIT_MS = 16_000


class CaptureStatus(QLabel):
    """One line: "Chat capture: slack #inc-12-payments read 10:05:03Z" or "… failing"."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("chatCaptureStatus")
        self.setTextFormat(Qt.TextFormat.PlainText)  # a provider's words, shown as text
        self.hide()

    def show_results(self, results: list[PassResult], local_time: bool) -> None:
        shown = [r for r in results if r.channel is not None or r.error is not None]
        if not shown:
            self.clear()
            self.hide()
            return
        parts, details = [], []
        for result in shown:
            when = format_clock(result.at, local_time) if result.at is not None else ""
            if result.error is not None:
                parts.append(f"{result.where} failing")
                details.append(f"{result.where}: {result.error} ({when})")
            else:
                parts.append(f"{result.where} read {when}")
                details.append(f"{result.describe()} ({when})")
        self.setText("Chat capture: " + ", ".join(parts))
        # Plain text in the tooltip too (it would be read as HTML if it looked like it).
        from PySide6.QtGui import Qt as GuiQt

        tooltip = "\n".join(details)
        self.setToolTip(GuiQt.convertFromPlainText(tooltip, GuiQt.WhiteSpaceMode.WhiteSpaceNormal))
        self.show()


class CaptureFeature(QObject):
    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(context)
        self.context = context
        self.status = CaptureStatus()
        shell.add_header_line(self.status)
        # The latest pass per (incident id, target name), for the open incident's line.
        self._latest: dict[tuple[int, str], PassResult] = {}
        self.runner = CaptureRunner(parent=self)
        self.runner.recorded.connect(context.announce)
        self.runner.passed.connect(self._on_passed)
        context.incident_opened.connect(self._on_incident_opened)
        context.local_time_changed.connect(lambda _local: self._show())
        shell.when_closing(self._stop)
        self.runner.start(context.require_store())

    def _on_passed(self, results: list[PassResult]) -> None:
        for result in results:
            self._latest[(result.incident_id, result.target_name)] = result
        self._show()

    def _on_incident_opened(self, incident: IncidentDetail | None) -> None:
        self._show()

    def _show(self) -> None:
        incident = self.context.incident
        results = [
            result
            for (incident_id, _target), result in sorted(self._latest.items())
            if incident is not None and incident_id == incident.id
        ]
        self.status.show_results(results, self.context.settings.show_local_time)

    def _stop(self) -> None:
        """The window closes: no new rounds; a pass on its way finishes its write."""
        self.runner.stop()
        self.runner.wait(CLOSE_WAIT_MS)
