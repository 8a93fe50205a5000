"""The timeline feature: the open incident's entries, the quick-entry bar and corrections.

It shows the incident the window opens, merges the entries every change
announcement carries for it, and writes what the bar, the entry dialog and
the context menu ask for through ``context.write``: the entry then arrives
through the announcement like one from another seat, shown once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from commander.domain.changes import Aspect
from commander.errors import CommanderError
from ui.shell import Shell
from ui.timeline import store_calls

if TYPE_CHECKING:
    from commander.domain.quick_entry import LogEntry, QuickEntry
    from commander.services.quick_entry import CarriedOut
    from commander.views.changes import Changes
    from commander.views.incidents import EntryView, IncidentDetail, RevisionView
    from ui.context import AppContext
    from ui.timeline.panel import TimelinePanel


class TimelineShell(Shell, Protocol):
    """A shell with room for the timeline: the open incident's main view."""

    def set_main_view(self, widget: QWidget) -> None:
        """Show ``widget`` between the header and the side panels."""
        ...


class TimelineFeature(QObject):
    # An entry the bar logged, once stored (EntryView; a /sev or /phase gives IncidentDetail).
    entry_logged = Signal(object)
    # An entry corrected, edited, deleted or restored from here, once stored (EntryView).
    entry_changed = Signal(object)

    def __init__(self, context: AppContext, shell: TimelineShell) -> None:
        super().__init__(shell.parent_widget())
        self._context = context
        self._shell = shell
        self._panel: TimelinePanel | None = None  # built when the first incident opens
        log_entry = QAction("&Log entry", shell.parent_widget())
        log_entry.setShortcut(QKeySequence("Ctrl+L"))
        log_entry.triggered.connect(self.focus_entry_bar)
        shell.add_action("&Incident", log_entry)
        context.incident_opened.connect(self._on_incident_opened)
        context.changed.connect(self._on_changed)
        context.local_time_changed.connect(self._on_local_time_changed)

    @property
    def panel(self) -> TimelinePanel:
        if self._panel is None:
            from ui.timeline.panel import TimelinePanel

            panel = TimelinePanel(self._context)
            panel.entry_submitted.connect(self.log_entry)
            panel.edit_submitted.connect(self.correct_entry)
            panel.entry_edit_submitted.connect(self.save_entry_edit)
            panel.delete_requested.connect(self.delete_entry)
            panel.restore_requested.connect(self.restore_entry)
            panel.history_requested.connect(self.show_revisions)
            self._shell.set_main_view(panel)
            self._panel = panel
        return self._panel

    # -- what the context announces ---------------------------------------------------
    def _on_incident_opened(self, incident: IncidentDetail | None) -> None:
        if incident is not None:
            self.panel.show_incident(incident)

    def _on_changed(self, changes: Changes) -> None:
        if self._panel is None or not changes.touches(Aspect.ENTRIES):
            return
        if self._context.shows(changes):
            self._panel.apply_changes(list(changes.entries))

    def _on_local_time_changed(self, local: bool) -> None:
        if self._panel is not None:
            self._panel.timeline_model.set_local_time(local)

    def focus_entry_bar(self) -> None:
        if self._context.incident is not None:
            self.panel.focus_entry_bar()

    # -- writes -----------------------------------------------------------------------
    def log_entry(self, typed: str, parsed: QuickEntry) -> None:
        """Run what the bar parsed on the writer; the bar keeps the text until it is stored."""
        incident = self._context.incident
        if incident is None or self._context.store is None:
            self.panel.entry_failed("the incident store is not open yet")
            return
        ref, author = incident.ref, self._context.author()
        self._context.write(
            lambda store: store_calls.carry_out(store, ref, parsed, author),
            lambda done: self._on_logged(done, typed),
            self._on_entry_failed,
        )

    def _on_logged(self, done: CarriedOut, typed: str) -> None:
        from commander.views.incidents import EntryView

        self.panel.entry_committed(typed)
        if done.warning is not None:
            self.panel.show_hint(done.warning.message)  # the move is made; this only warns
        if isinstance(done.result, EntryView):
            self.panel.show_logged(done.result)
        self.entry_logged.emit(done.result)

    def correct_entry(self, entry_id: int, typed: str, parsed: LogEntry) -> None:
        changes = {
            "text": parsed.text,
            "kind": parsed.kind,
            "pinned": parsed.pinned,
            "occurred_at": parsed.occurred_at,
        }
        author = self._context.author()
        self._context.write(
            lambda store: store_calls.edit(store, entry_id, author, changes),
            lambda entry: self._on_entry_changed(entry, typed),
            self._on_entry_failed,
        )

    def save_entry_edit(self, entry_id: int, changes: dict[str, object]) -> None:
        """Save what the edit dialog changed; the old version goes to the entry's revisions."""
        author = self._context.author()
        self._context.write(
            lambda store: store_calls.edit(store, entry_id, author, changes),
            self._on_entry_changed,
        )

    def delete_entry(self, entry_id: int) -> None:
        author = self._context.author()
        self._context.write(
            lambda store: store_calls.delete(store, entry_id, author), self._on_entry_changed
        )

    def restore_entry(self, entry_id: int) -> None:
        author = self._context.author()
        self._context.write(
            lambda store: store_calls.restore(store, entry_id, author), self._on_entry_changed
        )

    def _on_entry_changed(self, entry: EntryView, typed: str | None = None) -> None:
        if typed is not None:
            self.panel.entry_committed(typed)
        self.entry_changed.emit(entry)

    def _on_entry_failed(self, error: BaseException) -> None:
        if isinstance(error, CommanderError):
            self.panel.entry_failed(str(error))
            return
        self.panel.entry_failed("not saved: an unexpected error (see the details)")
        self._shell.report_error(error)

    def show_revisions(self, entry_id: int) -> None:
        local = self._context.settings.show_local_time
        self._context.read(
            lambda store: store_calls.revisions_of(store, entry_id),
            lambda revisions: self._show_revisions(revisions, local),
        )

    def _show_revisions(self, revisions: list[RevisionView], local: bool) -> None:
        from ui.timeline.revisions_dialog import show_revisions

        show_revisions(self._shell.parent_widget(), revisions, local)


def install(context: AppContext, shell: TimelineShell) -> None:
    TimelineFeature(context, shell)
