"""The response tools in the window: severity and phase controls, checklist, roles, runbooks.

One controller wires the header, the checklist panel and the runbook panel to
the core. Every store call runs on the window's worker; after a change the
panels reload from the store (on ``timeline_changed`` and ``incident_shown``),
so a change made on another seat shows up the same way as one made here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from commander.domain import Phase, Severity

if TYPE_CHECKING:
    from commander.services.checklist import ChecklistItemView
    from commander.services.response import ResponseState
    from ui.main_window import MainWindow
    from ui.widgets.checklist_panel import ChecklistPanel
    from ui.widgets.runbook_panel import RunbookPanel


def _services() -> Any:
    """The response services, imported on the worker thread (they pull in SQLAlchemy)."""
    from types import SimpleNamespace

    from commander.services import checklist, incidents, milestones, roles, runbooks
    from commander.services.response import response_state

    return SimpleNamespace(
        response_state=response_state,
        change_severity=incidents.change_severity,
        change_phase=incidents.change_phase,
        phase_warnings=checklist.phase_warnings,
        check_item=checklist.check_item,
        uncheck_item=checklist.uncheck_item,
        add_item=checklist.add_item,
        mark_not_applicable=checklist.mark_not_applicable,
        mark_applicable=checklist.mark_applicable,
        set_roles=roles.set_roles,
        edit_milestone=milestones.edit_milestone,
        attach_runbook=runbooks.attach_runbook,
    )


class ResponseController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.state: ResponseState | None = None
        self.checklist_panel: ChecklistPanel | None = None
        self.runbook_panel: RunbookPanel | None = None
        self._loading = False
        self._reload_again = False
        # Items with a check/uncheck on its way: a second press before the store's
        # answer is shown would ask for the same change again. An item is free once
        # its write failed, or a load that began after its write has been shown.
        self._toggling: set[int] = set()
        self._toggled: set[int] = set()
        window.incident_shown.connect(self._on_incident_shown)
        window.timeline_changed.connect(self.reload)

    def build_actions(self) -> None:
        menu = self.window.menuBar().addMenu("&Response")
        entries: list[tuple[str, str | None, Callable[[], None]]] = [
            ("Change &severity…", "Ctrl+Shift+S", self.ask_severity),
            ("&Roles…", "Ctrl+Shift+R", self.ask_roles),
            ("Correct a &time (mitigated, resolved…)…", None, self.ask_milestone),
            ("Show the &checklist", "Ctrl+Shift+K", self.focus_checklist),
            ("Run&books…", "Ctrl+Shift+B", self.focus_runbooks),
        ]
        for text, shortcut, slot in entries:
            action = QAction(text, self.window)
            if shortcut:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
            self.window.addAction(action)

    # -- wiring -----------------------------------------------------------------------
    def _on_incident_shown(self, ref: str) -> None:
        if self.checklist_panel is None:
            self._attach_to_page()
        self.reload(ref)

    def _attach_to_page(self) -> None:
        from ui.widgets.checklist_panel import ChecklistPanel
        from ui.widgets.runbook_panel import RunbookPanel

        page = self.window.page
        page.header.severity_requested.connect(self.ask_severity)
        page.header.roles_requested.connect(self.ask_roles)
        page.header.phase_bar.phase_requested.connect(self.request_phase)
        panel = ChecklistPanel()
        panel.model.local_time = self.window.settings.show_local_time
        panel.toggle_requested.connect(self.toggle_item)
        panel.add_requested.connect(self.add_item)
        panel.not_applicable_requested.connect(self.mark_not_applicable)
        panel.applicable_requested.connect(self.mark_applicable)
        self.window.local_time_action.toggled.connect(panel.set_local_time)
        page.add_side_panel(panel, "Checklist")
        self.checklist_panel = panel
        runbooks = RunbookPanel(self)
        page.add_side_panel(runbooks, "Runbooks")
        self.runbook_panel = runbooks

    def reload(self, ref: str | None = None) -> None:
        """Fetch roles, checklist and phase times; one fetch at a time, the last one wins."""
        store, current = self.window.store, self.window.current
        if store is None or current is None or (ref is not None and ref != current.ref):
            return
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        ref = current.ref
        self.window.worker.submit(
            lambda: _services().response_state(store, ref), self._on_loaded, self._on_load_failed
        )

    def _on_loaded(self, state: ResponseState) -> None:
        self._loading = False
        current = self.window.current
        if current is not None and state.ref == current.ref:
            self.state = state
            self._toggling -= self._toggled
            self._toggled.clear()
            header = self.window.page.header
            header.show_roles(state.roles.summary())
            header.phase_bar.show_phase(state.checklist.phase)
            header.phase_bar.show_times(state.phase_times, state.measured_at)
            if self.checklist_panel is not None:
                self.checklist_panel.show_checklist(state.checklist)
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _on_load_failed(self, error: BaseException) -> None:
        self._loading = False
        self.window.report_error(error)
        # A change that arrived meanwhile still needs showing; the next try may work.
        if self._reload_again:
            self._reload_again = False
            self.reload()

    # -- severity and phase -----------------------------------------------------------
    def ask_severity(self) -> None:
        from ui.dialogs.severity_dialog import SeverityDialog

        current = self.window.current
        if current is None:
            return
        dialog = SeverityDialog(current.severity, self.window)
        if dialog.exec() == SeverityDialog.DialogCode.Accepted:
            self.change_severity(dialog.severity, dialog.reason)

    def change_severity(self, severity: Severity, reason: str) -> None:
        self.write(
            lambda s, store, ref, author: s.change_severity(
                store, ref, severity, author=author, reason=reason
            ),
            reopen=True,
        )

    def request_phase(self, phase: Phase) -> None:
        """Warn about open items of the phase being left (never block), then move."""
        store, current = self.window.store, self.window.current
        if store is None or current is None:
            return
        ref = current.ref
        self.window.worker.submit(
            lambda: _services().phase_warnings(store, ref),
            lambda items: self._confirm_phase(phase, items),
        )

    def _confirm_phase(self, phase: Phase, open_items: list[ChecklistItemView]) -> None:
        from ui.dialogs import phase_warning

        current = self.window.current
        if current is None or current.phase is phase:
            return
        texts = [item.text for item in open_items]
        if texts and not phase_warning.confirm_leaving(self.window, current.phase, phase, texts):
            return
        self.write(
            lambda s, store, ref, author: s.change_phase(store, ref, phase, author=author),
            reopen=True,
        )

    # -- checklist ----------------------------------------------------------------------
    def toggle_item(self, item: ChecklistItemView, checked: bool) -> None:
        if item.id in self._toggling:
            return
        self._toggling.add(item.id)

        def failed(error: BaseException) -> None:
            self._toggling.discard(item.id)
            self.window.report_error(error)

        self.write(
            lambda s, store, ref, author: (s.check_item if checked else s.uncheck_item)(
                store, ref, item.id, author=author
            ),
            # Runs before the reload the write asks for, which then frees the item.
            on_done=lambda _view: self._toggled.add(item.id),
            on_error=failed,
        )

    def add_item(self, phase: Phase, text: str) -> None:
        self.write(
            lambda s, store, ref, author: s.add_item(store, ref, text, author=author, phase=phase)
        )

    def mark_not_applicable(self, item: ChecklistItemView, reason: str) -> None:
        self.write(
            lambda s, store, ref, author: s.mark_not_applicable(
                store, ref, item.id, reason, author=author
            )
        )

    def mark_applicable(self, item: ChecklistItemView) -> None:
        self.write(
            lambda s, store, ref, author: s.mark_applicable(store, ref, item.id, author=author)
        )

    def focus_checklist(self) -> None:
        if self.checklist_panel is not None:
            self.window.page.side_tabs.setCurrentWidget(self.checklist_panel)
            self.checklist_panel.list.setFocus()

    def focus_runbooks(self) -> None:
        if self.runbook_panel is not None:
            self.window.page.side_tabs.setCurrentWidget(self.runbook_panel)
            self.runbook_panel.search.setFocus()

    def ask_milestone(self) -> None:
        from ui.dialogs.milestone_dialog import MilestoneDialog

        current = self.window.current
        if current is None:
            return
        dialog = MilestoneDialog(current, self.window.settings.show_local_time, self.window)
        if dialog.exec() == MilestoneDialog.DialogCode.Accepted:
            name, moment, reason = dialog.milestone, dialog.moment, dialog.reason
            self.write(
                lambda s, store, ref, author: s.edit_milestone(
                    store, ref, name, moment, author=author, reason=reason
                ),
                reopen=True,
            )

    # -- roles --------------------------------------------------------------------------
    def ask_roles(self) -> None:
        from ui.dialogs.roles_dialog import RolesDialog

        current = self.window.current
        # Until the open incident's roles are loaded, the state is another incident's.
        if self.state is None or current is None or self.state.ref != current.ref:
            return
        dialog = RolesDialog(self.state.roles, self.window)
        if dialog.exec() == RolesDialog.DialogCode.Accepted and dialog.wanted():
            self.set_roles(dialog.wanted())

    def set_roles(self, wanted: dict[Any, list[str]]) -> None:
        self.write(lambda s, store, ref, author: s.set_roles(store, ref, wanted, author=author))

    # -- plumbing -----------------------------------------------------------------------
    def write(
        self,
        call: Callable[[Any, Any, str, str], Any],
        reopen: bool = False,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``call(services, store, ref, author)`` on the worker, then show the result.

        Changes to the incident row (severity, phase) reopen the incident like the
        quick-entry bar does; the rest reload the panels and the timeline follows
        through the live feed.
        """
        store, current = self.window.store, self.window.current
        if store is None or current is None:
            return
        ref, author = current.ref, self.window.settings.author_or_default()

        def done(result: Any) -> None:
            if on_done is not None:
                on_done(result)
            if reopen:
                self.window.open_incident(ref)
                self.window.reload_incidents(select_ref=ref)
            else:
                self.reload(ref)

        self.window.worker.submit(lambda: call(_services(), store, ref, author), done, on_error)
