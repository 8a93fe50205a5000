"""The response tools: severity and phase controls, phase bar, checklist, roles, runbooks.

Each part reads only what it shows, once per announcement that changes it,
and only for the incident the window shows: the header takes the incident the
window opened (re-read by the window when the header changed) and reads the
phase times; the roles line reads the roles on ROLES; the checklist reads the
checklist on CHECKLIST. Writes go through ``context.write``; what they change
comes back through the same announcement as a change made on another seat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence

from commander.domain import Phase, Severity
from commander.domain.changes import Aspect
from ui.common.latest_read import LatestRead
from ui.response import store_calls
from ui.shell import Shell

if TYPE_CHECKING:
    from commander.domain.roles import Role
    from commander.domain.runbooks import Runbook
    from commander.services.checklist import ChecklistItemView, ChecklistView
    from commander.services.roles import RolesView
    from commander.store.engine import Store
    from commander.views.changes import Changes
    from commander.views.incidents import IncidentDetail
    from ui.context import AppContext
    from ui.response.checklist_panel import ChecklistPanel
    from ui.response.header import IncidentHeader
    from ui.response.runbook_panel import RunbookPanel

T = TypeVar("T")


class ResponseFeature(QObject):
    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(shell.parent_widget())
        self._context = context
        self._shell = shell
        # Built when the first incident opens: the checklist pulls in the services.
        self.header: IncidentHeader | None = None
        self.checklist_panel: ChecklistPanel | None = None
        self.runbook_panel: RunbookPanel | None = None
        # The open incident's roles, with the ref they were read for.
        self.roles: tuple[str, RolesView] | None = None
        self._shown_id: int | None = None
        # Items with a check/uncheck on its way: a second press before the store's
        # answer is shown would ask for the same change again. An item is free once
        # its write failed, or a checklist read that began after its write is shown.
        self._toggling: set[int] = set()
        self._toggled: set[int] = set()
        # On the writer, queued behind the timeline's first page: on the reader they ran
        # beside the page and its paint, and the reader thread's own connection and malloc
        # arena cost about 6 MB (bench/timeline.py: the 100k open took 27-44 ms instead of
        # 12, and +22 MB instead of +17). The phase times and the checklist scan the
        # incident's timeline (some 45 ms each at 100,000 entries), so a write made right
        # after an opening or a header change waits that long.
        report = shell.report_error
        self.phase_times = LatestRead(
            context, store_calls.read_phase_times, self._show_phase_times, report
        )
        self.roles_read = LatestRead(context, store_calls.read_roles, self._show_roles, report)
        self.checklist_read = LatestRead(
            context, store_calls.read_checklist, self._show_checklist, report
        )
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._tick)
        self._add_actions()
        context.incident_opened.connect(self._on_incident_opened)
        context.changed.connect(self._on_changed)
        context.local_time_changed.connect(self._on_local_time_changed)

    def _add_actions(self) -> None:
        entries: list[tuple[str, str | None, Callable[[], None]]] = [
            ("Change &severity…", "Ctrl+Shift+S", self.ask_severity),
            ("&Roles…", "Ctrl+Shift+R", self.ask_roles),
            ("Correct a &time (mitigated, resolved…)…", None, self.ask_milestone),
            ("Show the &checklist", "Ctrl+Shift+K", self.focus_checklist),
            ("Run&books…", "Ctrl+Shift+B", self.focus_runbooks),
        ]
        for text, shortcut, slot in entries:
            action = QAction(text, self._shell.parent_widget())
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            self._shell.add_action("&Response", action)

    def _build(self) -> None:
        from ui.response.checklist_panel import ChecklistPanel
        from ui.response.header import IncidentHeader
        from ui.response.runbook_panel import RunbookPanel

        header = IncidentHeader()
        header.local_time = self._context.settings.show_local_time
        header.severity_requested.connect(self.ask_severity)
        header.roles_requested.connect(self.ask_roles)
        header.phase_bar.phase_requested.connect(self.request_phase)
        self._shell.add_header_widget(header)
        self.header = header
        panel = ChecklistPanel()
        panel.model.local_time = self._context.settings.show_local_time
        panel.toggle_requested.connect(self.toggle_item)
        panel.add_requested.connect(self.add_item)
        panel.not_applicable_requested.connect(self.mark_not_applicable)
        panel.applicable_requested.connect(self.mark_applicable)
        self._shell.add_side_panel(panel, "Checklist")
        self.checklist_panel = panel
        runbooks = RunbookPanel(self._context, self.attach_runbook)
        self._shell.add_side_panel(runbooks, "Runbooks")
        self.runbook_panel = runbooks
        self._clock.start()

    # -- what the context announces -------------------------------------------------------
    def _on_incident_opened(self, incident: IncidentDetail | None) -> None:
        if incident is None:
            return
        if self.header is None:
            self._build()
        assert self.header is not None
        self.header.show_incident(incident)
        self.phase_times.request()
        if incident.id != self._shown_id:  # the same one re-read: its header changed
            self._shown_id = incident.id
            self.roles_read.request()
            self.checklist_read.request()

    def _on_changed(self, changes: Changes) -> None:
        if self.header is None or not self._context.shows(changes):
            return
        if changes.touches(Aspect.ROLES):
            self.roles_read.request()
        if changes.touches(Aspect.CHECKLIST):
            self.checklist_read.request()

    def _on_local_time_changed(self, local: bool) -> None:
        if self.header is not None:
            self.header.set_local_time(local)
        if self.checklist_panel is not None:
            self.checklist_panel.set_local_time(local)

    def _tick(self) -> None:
        if self.header is not None:
            self.header.refresh_clocks()

    # -- showing what was read ------------------------------------------------------------
    def _show_phase_times(self, times: store_calls.PhaseTimes) -> None:
        if self.header is not None:
            self.header.phase_bar.show_times(times.times, times.measured_at, times.running)

    def _show_roles(self, roles: tuple[str, RolesView]) -> None:
        self.roles = roles
        if self.header is not None:
            self.header.show_roles(roles[1].summary())

    def _show_checklist(self, view: ChecklistView) -> None:
        self._toggling -= self._toggled
        self._toggled.clear()
        if self.checklist_panel is not None:
            self.checklist_panel.show_checklist(view)

    # -- severity and phase ---------------------------------------------------------------
    def ask_severity(self) -> None:
        from ui.response.severity_dialog import SeverityDialog

        incident = self._context.incident
        if incident is None:
            return
        dialog = SeverityDialog(incident.severity, self._shell.parent_widget())
        if dialog.exec() == SeverityDialog.DialogCode.Accepted:
            self.change_severity(dialog.severity, dialog.reason)

    def change_severity(self, severity: Severity, reason: str) -> None:
        self._write(
            lambda store, ref, author: store_calls.change_severity(
                store, ref, severity, author, reason
            )
        )

    def request_phase(self, phase: Phase) -> None:
        """Warn about open items of the phase being left (never block), then move."""
        incident = self._context.incident
        if incident is None or self._context.store is None:
            return
        ref = incident.ref
        self._context.read(
            lambda store: store_calls.open_items_left_behind(store, ref),
            lambda items: self._confirm_phase(phase, items),
        )

    def _confirm_phase(self, phase: Phase, open_items: list[ChecklistItemView]) -> None:
        from ui.response import phase_warning

        incident = self._context.incident
        if incident is None or incident.phase is phase:
            return
        texts = [item.text for item in open_items]
        parent = self._shell.parent_widget()
        if texts and not phase_warning.confirm_leaving(parent, incident.phase, phase, texts):
            return
        self._write(lambda store, ref, author: store_calls.change_phase(store, ref, phase, author))

    def ask_milestone(self) -> None:
        from ui.response.milestone_dialog import MilestoneDialog

        incident = self._context.incident
        if incident is None:
            return
        local = self._context.settings.show_local_time
        dialog = MilestoneDialog(incident, local, self._shell.parent_widget())
        if dialog.exec() == MilestoneDialog.DialogCode.Accepted:
            name, moment, reason = dialog.milestone, dialog.moment, dialog.reason
            self._write(
                lambda store, ref, author: store_calls.edit_milestone(
                    store, ref, name, moment, author, reason
                )
            )

    # -- checklist ------------------------------------------------------------------------
    def toggle_item(self, item: ChecklistItemView, checked: bool) -> None:
        if item.id in self._toggling:
            return
        self._toggling.add(item.id)
        item_id = item.id

        def stored(_view: object) -> None:
            # The checklist read the write's announcement asked for frees the item once
            # shown; a write that changed nothing announced nothing: free it now.
            if self.checklist_read.loading:
                self._toggled.add(item_id)
            else:
                self._toggling.discard(item_id)

        def failed(error: BaseException) -> None:
            self._toggling.discard(item_id)
            self._shell.report_error(error)

        self._write(
            lambda store, ref, author: store_calls.set_checked(
                store, ref, item_id, checked, author
            ),
            stored,
            failed,
        )

    def add_item(self, phase: Phase, text: str) -> None:
        self._write(
            lambda store, ref, author: store_calls.add_item(store, ref, phase, text, author)
        )

    def mark_not_applicable(self, item: ChecklistItemView, reason: str) -> None:
        item_id = item.id
        self._write(
            lambda store, ref, author: store_calls.mark_not_applicable(
                store, ref, item_id, reason, author
            )
        )

    def mark_applicable(self, item: ChecklistItemView) -> None:
        item_id = item.id
        self._write(
            lambda store, ref, author: store_calls.mark_applicable(store, ref, item_id, author)
        )

    def attach_runbook(
        self, runbook: Runbook, attached: Callable[[list[ChecklistItemView]], None]
    ) -> None:
        self._write(
            lambda store, ref, author: store_calls.attach_runbook(store, ref, runbook, author),
            attached,
        )

    def focus_checklist(self) -> None:
        if self.checklist_panel is not None:
            self._shell.bring_forward(self.checklist_panel)
            self.checklist_panel.list.setFocus()

    def focus_runbooks(self) -> None:
        if self.runbook_panel is not None:
            self._shell.bring_forward(self.runbook_panel)
            self.runbook_panel.search.setFocus()

    # -- roles ----------------------------------------------------------------------------
    def ask_roles(self) -> None:
        from ui.response.roles_dialog import RolesDialog

        incident = self._context.incident
        # Until the open incident's roles are read, those held are another incident's.
        if self.roles is None or incident is None or self.roles[0] != incident.ref:
            return
        dialog = RolesDialog(self.roles[1], self._shell.parent_widget())
        if dialog.exec() == RolesDialog.DialogCode.Accepted and dialog.wanted():
            self.set_roles(dialog.wanted())

    def set_roles(self, wanted: dict[Role, list[str]]) -> None:
        self._write(lambda store, ref, author: store_calls.set_roles(store, ref, wanted, author))

    # -- plumbing -------------------------------------------------------------------------
    def _write(
        self,
        call: Callable[[Store, str, str], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``call(store, ref, author)`` for the open incident on the writer."""
        incident = self._context.incident
        if incident is None or self._context.store is None:
            return
        ref, author = incident.ref, self._context.author()
        self._context.write(
            lambda store: call(store, ref, author), on_done, on_error or self._shell.report_error
        )


def install(context: AppContext, shell: Shell) -> None:
    ResponseFeature(context, shell)
