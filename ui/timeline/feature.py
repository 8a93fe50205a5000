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
from commander.errors import CommanderError, EditConflictError, StoreUnreachableError
from ui.shell import Shell
from ui.timeline import store_calls

if TYPE_CHECKING:
    from datetime import datetime

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
    # An edit met someone else's: the dialog showing both texts, before it runs (tests).
    conflict_shown = Signal(object)

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
        context.journal_changed.connect(self._show_waiting)

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
            self._show_waiting()

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
        from commander.domain.quick_entry import LogEntry

        ref, author = incident.ref, self._context.author()
        if isinstance(parsed, LogEntry):
            self._log_or_keep(incident, typed, parsed, author)
            return
        self._context.write(
            lambda store: store_calls.carry_out(store, ref, parsed, author),
            lambda done: self._on_logged(done, typed),
            self._on_entry_failed,
        )

    def _log_or_keep(
        self, incident: IncidentDetail, typed: str, parsed: LogEntry, author: str
    ) -> None:
        """The entry gets an idempotency key and goes to the store, or, on a server store
        while the server is away (or when this write finds it gone), to the journal with
        the same key, so a commit whose answer was lost is not written twice."""
        from uuid import uuid4

        from commander.clock import now

        key, typed_at, ref = str(uuid4()), now(), incident.ref
        journaling = self._context.journal is not None
        if journaling and self._context.server_lost:
            self._keep(incident, typed, parsed, author, key, typed_at)
            return

        def failed(error: BaseException) -> None:
            if journaling and isinstance(error, StoreUnreachableError):
                self._context.set_server_lost(True)
                self._keep(incident, typed, parsed, author, key, typed_at)
                return
            self._on_entry_failed(error)

        self._context.write(
            lambda store: store_calls.carry_out(store, ref, parsed, author, key),
            lambda done: self._on_logged(done, typed),
            failed,
        )

    def _keep(
        self,
        incident: IncidentDetail,
        typed: str,
        parsed: LogEntry,
        author: str,
        key: str,
        typed_at: datetime,
    ) -> None:
        from commander.store.journal import journal_key

        journal, store = self._context.journal, self._context.store
        assert journal is not None and store is not None
        try:
            journal.put(
                journal_key(store),
                incident_id=incident.id,
                incident_ref=incident.ref,
                text=parsed.text,
                kind=parsed.kind,
                pinned=parsed.pinned,
                author=author,
                occurred_at=parsed.occurred_at or typed_at,
                typed_at=typed_at,
                idempotency_key=key,
            )
        except CommanderError as exc:
            self.panel.entry_failed(f"not kept: {exc}")
            return
        self.panel.entry_committed(typed)
        self._context.journal_changed.emit()

    def _show_waiting(self) -> None:
        """The open incident's journaled entries, marked as waiting in the timeline."""
        journal, store, incident = (
            self._context.journal,
            self._context.store,
            self._context.incident,
        )
        if self._panel is None or journal is None or store is None or incident is None:
            return
        from commander.store.journal import journal_key
        from commander.views.incidents import EntryView

        try:
            kept = journal.waiting(journal_key(store), incident.id)
        except CommanderError as exc:
            self._shell.report_error(exc)
            return
        self._panel.set_waiting(
            [
                EntryView.from_columns(
                    -item.id,  # negative: a journal row, not a stored entry (timeline/model.py)
                    item.incident_id,
                    item.occurred_at,
                    item.typed_at,
                    item.author,
                    item.kind.value,
                    item.text,
                    item.pinned,
                    None,
                    None,
                    None,
                    0,
                )
                for item in kept
            ]
        )

    def _on_logged(self, done: CarriedOut, typed: str) -> None:
        from commander.views.incidents import EntryView

        self.panel.entry_committed(typed)
        if done.warning is not None:
            self.panel.show_hint(done.warning.message)  # the move is made; this only warns
        if isinstance(done.result, EntryView):
            self.panel.show_logged(done.result)
        self.entry_logged.emit(done.result)

    def correct_entry(self, entry_id: int, version: int, typed: str, parsed: LogEntry) -> None:
        """Up, retype, Enter: saved against the version Up recalled, so an edit another
        seat made meanwhile is shown beside this one to choose from, never overwritten."""
        changes: dict[str, object] = {
            "text": parsed.text,
            "kind": parsed.kind,
            "pinned": parsed.pinned,
            "occurred_at": parsed.occurred_at,
            "expected_version": version,
        }
        author = self._context.author()
        self._context.write(
            lambda store: store_calls.edit(store, entry_id, author, changes),
            lambda entry: self._on_entry_changed(entry, typed),
            lambda error: self._on_correction_failed(error, entry_id, changes, typed),
        )

    def _on_correction_failed(
        self, error: BaseException, entry_id: int, changes: dict[str, object], typed: str
    ) -> None:
        if isinstance(error, EditConflictError):
            self._on_edit_failed(error, entry_id, changes)  # both texts: the person chooses
            self.panel.entry_committed(typed)  # chosen (and saved): the correction is done
            return
        self._on_entry_failed(error)

    def save_entry_edit(self, entry_id: int, changes: dict[str, object]) -> None:
        """Save what the edit dialog changed; the old version goes to the entry's revisions.

        Saved from the version the dialog showed (``expected_version``): when someone else
        changed the entry meanwhile, the person sees both texts and chooses."""
        author = self._context.author()
        self._context.write(
            lambda store: store_calls.edit(store, entry_id, author, changes),
            self._on_entry_changed,
            lambda error: self._on_edit_failed(error, entry_id, changes),
        )

    def _on_edit_failed(
        self, error: BaseException, entry_id: int, changes: dict[str, object]
    ) -> None:
        if not isinstance(error, EditConflictError):
            self._shell.report_error(error)
            return
        from ui.timeline.conflict_dialog import ConflictDialog

        dialog = ConflictDialog(error, self._shell.parent_widget())
        self.conflict_shown.emit(dialog)
        dialog.exec()
        text = dialog.text_to_save()
        if text is not None:
            again = {**changes, "text": text, "expected_version": error.version}
            self.save_entry_edit(entry_id, again)

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
