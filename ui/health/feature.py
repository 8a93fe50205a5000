"""Health checks in the window: the header's strip, probing while an incident is open.

The strip shows the open incident's checks as the store has them; it re-reads
them on a HEALTH change (a check added or removed, a state changed, here or on
another seat). The prober probes them on their intervals off the UI thread; a
probe whose state differs from the stored one is written through
``context.write`` (one transaction: the state and its ``health`` entry), and the
announcement brings the strip up to date. Probes that find the stored state
write nothing. A closed incident (in Postmortem) is not probed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from commander.domain.changes import Aspect
from commander.domain.health import HealthState, next_state
from ui.common.latest_read import LatestRead
from ui.health import store_calls
from ui.health.prober import HealthProber

if TYPE_CHECKING:
    from commander.domain.health import ProbeOutcome
    from commander.views.changes import Changes
    from commander.views.health import HealthWatch
    from commander.views.incidents import IncidentDetail
    from ui.context import AppContext
    from ui.health.dialog import HealthChecksDialog
    from ui.health.strip import HealthStrip
    from ui.shell import Shell

log = logging.getLogger(__name__)

MENU = "&Response"
# Closing waits this long for probes on their way (a probe times out within 10 s).
CLOSE_WAIT_MS = 11_000


class HealthFeature(QObject):
    # The checks of the open incident, as read and shown (HealthWatch).
    reloaded = Signal(object)

    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(context)
        self.context = context
        self.shell = shell
        self.strip: HealthStrip | None = None  # built when the first incident opens
        self.watch: HealthWatch | None = None
        self.prober = HealthProber(parent=self)
        self.prober.probed.connect(self._on_probed)
        # The state each check is in as far as this window knows: the stored one, or the
        # one a write on its way will store (a second probe seeing it writes nothing).
        self._known: dict[int, HealthState] = {}
        self._shown_id: int | None = None
        self.read = LatestRead(context, store_calls.read_watch, self._show, shell.report_error)
        self.checks_action = QAction("Health &checks…", shell.parent_widget())
        self.checks_action.triggered.connect(self.edit_checks)
        shell.add_action(MENU, self.checks_action)
        context.incident_opened.connect(self._on_incident_opened)
        context.changed.connect(self._on_changed)
        context.local_time_changed.connect(self._on_local_time_changed)
        shell.when_closing(self._stop_probing)

    # -- following the open incident -------------------------------------------------------
    def _on_incident_opened(self, incident: IncidentDetail | None) -> None:
        if incident is None:
            self._shown_id = None
            self._show_nothing()
            return
        strip = self._ensure_strip()
        strip.set_phase(incident.phase)
        if incident.id == self._shown_id:
            # Re-read after a header change: the phase (shown above) or a closing.
            if incident.closed_at is not None:
                self.prober.watch(())
            return
        self._shown_id = incident.id
        self._show_nothing()
        self.read.request()

    def _ensure_strip(self) -> HealthStrip:
        from ui.health.strip import HealthStrip

        if self.strip is None:
            self.strip = HealthStrip()
            self.strip.set_local_time(self.context.settings.show_local_time)
            self.shell.add_header_widget(self.strip)
        return self.strip

    def _show_nothing(self) -> None:
        self.watch = None
        self._known = {}
        self.prober.watch(())
        if self.strip is not None:
            self.strip.show_watch(None)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Aspect.HEALTH) and self.context.shows(changes):
            self.read.request()

    def _on_local_time_changed(self, local: bool) -> None:
        if self.strip is not None:
            self.strip.set_local_time(local)

    def _show(self, watch: HealthWatch) -> None:
        self.watch = watch
        self._known = {check.id: check.state for check in watch.checks}
        if self.strip is not None:
            self.strip.show_watch(watch)
        incident = self.context.incident
        closed = watch.closed or (incident is not None and incident.closed_at is not None)
        self.prober.watch(() if closed else watch.checks)
        self.reloaded.emit(watch)

    # -- probes ----------------------------------------------------------------------------
    def _on_probed(self, check_id: int, outcome: ProbeOutcome) -> None:
        watch = self.watch
        check = watch.check(check_id) if watch is not None else None
        if check is None:
            return  # removed, or another incident opened, while it was probed
        if self.strip is not None:
            self.strip.show_probe(check_id, outcome)
        new = next_state(self._known.get(check_id, check.state), outcome, check.slow_ms)
        if new is None:
            return  # the state it is in: nothing to write
        self._known[check_id] = new
        author = self.context.author()
        self.context.write(
            lambda store: store_calls.record_probe(store, check_id, outcome, author),
            on_error=lambda error: self._record_failed(check_id, error),
        )

    def _record_failed(self, check_id: int, error: BaseException) -> None:
        # The next probe tries again; one dialog per interval would bury the scribe.
        self._known.pop(check_id, None)
        log.warning("could not record health check %s: %s", check_id, error)
        self.shell.show_status(f"Could not record a health check's change: {error}", 30_000)

    # -- the dialog ------------------------------------------------------------------------
    def edit_checks(self) -> HealthChecksDialog | None:
        from ui.health.dialog import HealthChecksDialog

        incident = self.context.incident
        if self.context.store is None or incident is None:
            return None
        dialog = HealthChecksDialog(
            self.context, incident.ref, self.shell.report_error, self.shell.parent_widget()
        )
        dialog.show_watch(self.watch)
        self.reloaded.connect(dialog.show_watch)
        dialog.open()
        return dialog

    def _stop_probing(self) -> None:
        """The window closes (nobody cancelled it): probes on their way may record."""
        self.prober.stop()
        self.prober.wait(CLOSE_WAIT_MS)
