"""The commander's window: incident list on the left, the open incident on the right.

Every store call runs on the worker; the window only shows what comes back.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from commander.domain.quick_entry import DeployEntry, LogEntry, QuickEntry, SeverityChange
from commander.errors import CommanderError
from commander.services.views import EntryView, IncidentDetail, IncidentSummary
from commander.settings import Settings, save_settings
from ui.common.error_dialog import show_problem
from ui.incidents.list_model import IncidentListModel
from ui.workers import Worker

if TYPE_CHECKING:
    from commander.store.engine import Store
    from ui.timeline.page import IncidentPage

log = logging.getLogger(__name__)


def _peek(db_arg: str | None) -> list[IncidentSummary] | None:
    from commander.store.peek import peek_incidents

    return peek_incidents(db_arg)


def _core() -> Any:
    """The services module, imported on first use by a worker thread, not the UI thread."""
    from ui import core

    return core


def _execute(store: Store, ref: str, parsed: QuickEntry, author: str) -> Any:
    """Carry out one quick entry (on the worker thread)."""
    core = _core()
    if isinstance(parsed, LogEntry):
        return core.log_entry(
            store,
            ref,
            parsed.text,
            author=author,
            kind=parsed.kind,
            occurred_at=parsed.occurred_at,
            pinned=parsed.pinned,
        )
    if isinstance(parsed, DeployEntry):
        from commander.services.deploys import record_deploy

        return record_deploy(store, ref, parsed.change, author, occurred_at=parsed.occurred_at)
    if isinstance(parsed, SeverityChange):
        return core.change_severity(
            store, ref, parsed.severity, author=author, reason=parsed.reason
        )
    return core.change_phase(store, ref, parsed.phase, author=author)


POLL_INTERVAL_MS = 500


class MainWindow(QMainWindow):
    store_opened = Signal()
    store_failed = Signal(str)
    incidents_listed = Signal()
    incident_shown = Signal(str)
    entry_logged = Signal(object)
    entry_changed = Signal(object)
    # The open incident's timeline changed (here, in another window or on another
    # seat); every state change logs an entry, so feature panels reload on this.
    timeline_changed = Signal(str)
    # A new incident was declared from this window (ref); it opens right after.
    incident_declared = Signal(str)

    def __init__(self, settings: Settings, db_arg: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self._db_arg = db_arg
        self.store: Store | None = None
        self.current: IncidentDetail | None = None
        # Chosen from the peeked list before the store finished opening.
        self._pending_ref: str | None = None
        self.worker = Worker(on_error=self.report_error, parent=self)
        self.setWindowTitle("Incident Commander")
        self.resize(1200, 760)
        self._build_widgets()
        self._build_actions()
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        # Live view: ask the change feed twice a second whether anyone committed.
        self._feed: Any = None
        self._cursor = 0
        self._polling = False
        self._poll_timer = QTimer(self, interval=POLL_INTERVAL_MS)
        self._poll_timer.timeout.connect(self._poll)

    # -- layout -----------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.incident_model = IncidentListModel(self)
        self.incident_list = QListView(objectName="incidentList")
        self.incident_list.setModel(self.incident_model)
        self.incident_list.setUniformItemSizes(True)
        # A long title ends in "…" (full text in the tooltip) rather than a sideways scroll.
        self.incident_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.incident_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.incident_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.incident_list.selectionModel().selectionChanged.connect(self._on_incident_selected)
        self.declare_button = QPushButton("+ Declare incident")
        self.declare_button.setEnabled(False)
        self.declare_button.clicked.connect(self.declare_incident)
        left = QWidget(objectName="incidentPanel")
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("Incidents", objectName="panelTitle"))
        left_layout.addWidget(self.incident_list)
        left_layout.addWidget(self.declare_button)

        self.placeholder = QLabel(
            "Opening the incident store…", alignment=Qt.AlignmentFlag.AlignCenter
        )
        self.placeholder.setObjectName("placeholder")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        self._page: IncidentPage | None = None  # built when the first incident opens

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 920])
        self.setCentralWidget(splitter)
        self.store_label = QLabel()
        self.statusBar().addPermanentWidget(self.store_label)

    def _build_actions(self) -> None:
        declare = QAction("&Declare incident…", self, shortcut=QKeySequence("Ctrl+N"))
        declare.triggered.connect(self.declare_incident)
        focus_entry = QAction("&Log entry", self, shortcut=QKeySequence("Ctrl+L"))
        focus_entry.triggered.connect(self.focus_entry_bar)
        local_time = QAction("Show &local time", self, checkable=True)
        local_time.setChecked(self.settings.show_local_time)
        local_time.toggled.connect(self.set_local_time)
        change_name = QAction("Change &my name…", self)
        change_name.triggered.connect(self.change_author)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        incident_menu = self.menuBar().addMenu("&Incident")
        incident_menu.addActions([declare, focus_entry])
        self._build_postmortem_actions(incident_menu)
        incident_menu.addSeparator()
        incident_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(local_time)
        view_menu.addAction(change_name)
        self.declare_action = declare
        self.declare_action.setEnabled(False)
        self.local_time_action = local_time
        self.addActions([declare, focus_entry, quit_action])
        self._build_response_actions()
        self._build_history_actions()
        self.comms: Any = None  # installed when the store opens, after the first paint

    def _build_history_actions(self) -> None:
        """Reports and memory across incidents (ui/reports, ui/memory)."""
        from ui.memory.actions import install_memory
        from ui.reports.actions import install_reports

        menu = self.menuBar().addMenu("&History")
        install_reports(self, menu)
        install_memory(self, menu)

    def _build_response_actions(self) -> None:
        """Severity/phase controls, checklist, roles and runbooks (ui/response.py)."""
        from ui.response.feature import ResponseController

        self.response = ResponseController(self)
        self.response.build_actions()

    def _build_postmortem_actions(self, menu: Any) -> None:
        from ui.postmortem.actions import PostmortemActions

        self.postmortem_actions = PostmortemActions(self, menu)

    def _install_comms(self) -> None:
        from ui.comms.install import install_comms

        self.comms = install_comms(self)

    # -- store ------------------------------------------------------------------------
    def open_store(self) -> None:
        """Show the list from a quick read-only peek, then open the store for real."""
        if self.comms is None:
            self._install_comms()  # its menus and runner are not needed for the first paint
        db_arg = self._db_arg
        self.worker.submit(lambda: _peek(db_arg), self._on_peeked)
        self.worker.submit(
            lambda: _core().open_store_listing(db_arg),
            self._on_store_opened,
            self._on_store_failed,
        )

    def _on_peeked(self, incidents: list[IncidentSummary] | None) -> None:
        if incidents is not None and self.store is None:
            self._show_incidents(incidents)

    def _on_feed_opened(self, feed: Any) -> None:
        self._feed = feed
        self._poll_timer.start()

    def _poll(self) -> None:
        if self._polling or self._feed is None or self.store is None:
            return
        self._polling = True
        feed, store, cursor = self._feed, self.store, self._cursor
        incident_id = self.current.id if self.current is not None else None
        self.worker.submit(
            lambda: _core().poll_changes(feed, store, incident_id, cursor),
            self._on_polled,
            self._on_poll_failed,
        )

    def _on_polled(self, result: Any) -> None:
        self._polling = False
        if result is None:
            return
        incident_id, entries, cursor, incidents = result
        if incidents != self.incident_model.incidents():
            self._show_incidents(incidents, select=self._selected_ref())
        if self.current is None or incident_id != self.current.id or not entries:
            return
        self._cursor = max(self._cursor, cursor)
        self.page.apply_changes(entries)
        if any(entry.kind in ("severity", "phase") for entry in entries):
            self.open_incident(self.current.ref)  # another seat changed the header
        self.timeline_changed.emit(self.current.ref)

    def _on_poll_failed(self, error: BaseException) -> None:
        self._polling = False
        log.warning("live update failed: %s", error)  # tried again at the next tick

    def _on_store_opened(self, result: tuple[Store, list[IncidentSummary]]) -> None:
        from ui.gc_settle import settle_after_startup

        settle_after_startup()  # no 100 ms garbage-collection stalls from here on
        self.store, incidents = result
        store = self.store
        self.worker.submit(lambda: _core().ChangeFeed(store), self._on_feed_opened)
        self.store_label.setText(f"Store: {self.store.location}")
        self.declare_button.setEnabled(True)
        self.declare_action.setEnabled(True)
        self.placeholder.setText("No incident open. Declare one with Ctrl+N.")
        pending, self._pending_ref = self._pending_ref, None
        self._show_incidents(incidents, select=pending or self._selected_ref())
        self.store_opened.emit()
        if pending:
            self.open_incident(pending)

    def _on_store_failed(self, error: BaseException) -> None:
        message = str(error) if isinstance(error, CommanderError) else repr(error)
        self.placeholder.setText(f"Cannot open the incident store:\n{message}")
        self.store_failed.emit(message)
        if not isinstance(error, CommanderError):
            self.report_error(error)

    def reload_incidents(self, select_ref: str | None = None) -> None:
        store = self._require_store()
        self.worker.submit(
            lambda: _core().list_incidents(store),
            lambda incidents: self._show_incidents(incidents, select_ref),
        )

    def _show_incidents(self, incidents: list[IncidentSummary], select: str | None = None) -> None:
        self.incident_model.set_incidents(incidents)
        if select:
            row = self.incident_model.row_of(select)
            if row >= 0:
                # Restoring the selection is not the user choosing an incident.
                with QSignalBlocker(self.incident_list.selectionModel()):
                    self.incident_list.setCurrentIndex(self.incident_model.index(row))
        self.incidents_listed.emit()

    def _require_store(self) -> Store:
        if self.store is None:
            raise CommanderError("the incident store is not open yet")
        return self.store

    # -- incidents --------------------------------------------------------------------
    def declare_incident(self) -> None:
        from ui.incidents.declare_dialog import DeclareDialog

        if self.store is None:
            return
        dialog = DeclareDialog(self)
        if dialog.exec() != DeclareDialog.DialogCode.Accepted:
            return
        self.submit_declaration(dialog.title, dialog.severity, dialog.summary)

    def submit_declaration(self, title: str, severity: Any, summary: str) -> None:
        store, author = self._require_store(), self.settings.author_or_default()
        self.worker.submit(
            lambda: _core().declare_incident(
                store, title, severity, author=author, summary=summary
            ),
            self._on_declared,
        )

    def _on_declared(self, incident: IncidentDetail) -> None:
        self.incident_declared.emit(incident.ref)
        self.reload_incidents(select_ref=incident.ref)
        self.open_incident(incident.ref)

    def _on_incident_selected(self, selected: QItemSelection, _deselected: Any) -> None:
        indexes = selected.indexes()
        if indexes:
            self.open_incident(self.incident_model.incident_at(indexes[0].row()).ref)

    def _selected_ref(self) -> str | None:
        index = self.incident_list.currentIndex()
        return self.incident_model.incident_at(index.row()).ref if index.isValid() else None

    def open_incident(self, ref: str) -> None:
        if self.store is None:
            self._pending_ref = ref
            return
        store = self.store
        timeline_filter = self._page.filter_for(ref) if self._page is not None else None
        self.worker.submit(
            lambda: _core().load_incident(store, ref, timeline_filter),
            self._show_incident,
        )

    @property
    def page(self) -> IncidentPage:
        if self._page is None:
            from ui.timeline.page import IncidentPage

            self._page = IncidentPage(
                self.settings.show_local_time, worker=self.worker, store=self.store
            )
            self._page.entry_submitted.connect(self.log_entry)
            self._page.edit_submitted.connect(self.correct_entry)
            self._page.delete_requested.connect(self.delete_entry)
            self._page.restore_requested.connect(self.restore_entry)
            self._page.history_requested.connect(self.show_history)
            self._page.entry_edit_submitted.connect(self.save_entry_edit)
            self.pages.addWidget(self._page)
        return self._page

    def _show_incident(self, loaded: tuple[IncidentDetail, Any]) -> None:
        incident, timeline_page = loaded  # the newest page of its timeline
        self.current = incident
        self.page.show_incident(incident, timeline_page)
        self._cursor = self.page.timeline_model.latest_version()
        self.pages.setCurrentWidget(self.page)
        self.setWindowTitle(f"{incident.ref} {incident.title} — Incident Commander")
        self.incident_shown.emit(incident.ref)

    def _tick(self) -> None:
        if self._page is not None:
            self._page.header.refresh_clocks()

    # -- timeline ---------------------------------------------------------------------
    def focus_entry_bar(self) -> None:
        if self.current is not None:
            self.page.focus_entry_bar()

    def log_entry(self, typed: str, parsed: QuickEntry) -> None:
        """Run what the bar parsed on the worker; the bar keeps the text until it is stored."""
        if self.current is None or self.store is None:
            self.page.entry_failed("the incident store is not open yet")
            return
        store, ref = self.store, self.current.ref
        author = self.settings.author_or_default()
        if not isinstance(parsed, LogEntry | DeployEntry) and parsed.occurred_at is not None:
            self.page.entry_failed("a time prefix cannot backdate /sev or /phase")
            return
        self.worker.submit(
            lambda: _execute(store, ref, parsed, author),
            lambda result: self._on_entry_logged(result, typed),
            self._on_entry_failed,
        )

    def _on_entry_logged(self, result: EntryView | IncidentDetail, typed: str) -> None:
        self.page.entry_committed(typed)
        if isinstance(result, IncidentDetail):
            # Severity or phase changed: the header and the new entry come from a reload.
            self.open_incident(result.ref)
            self.reload_incidents(select_ref=result.ref)
            return
        if self.current is not None and result.incident_id == self.current.id:
            self.page.add_entry(result)
            self.page.remember_logged(result)
            self.timeline_changed.emit(self.current.ref)
        self.entry_logged.emit(result)

    def correct_entry(self, entry_id: int, typed: str, parsed: LogEntry) -> None:
        store, author = self._require_store(), self.settings.author_or_default()
        self.worker.submit(
            lambda: _core().edit_entry(
                store,
                entry_id,
                author,
                text=parsed.text,
                kind=parsed.kind,
                pinned=parsed.pinned,
                occurred_at=parsed.occurred_at,
            ),
            lambda entry: self._on_entry_changed(entry, typed),
            self._on_entry_failed,
        )

    def save_entry_edit(self, entry_id: int, changes: dict[str, Any]) -> None:
        """Save what the edit dialog changed; the old version goes to the entry's history."""
        store, author = self._require_store(), self.settings.author_or_default()
        self.worker.submit(
            lambda: _core().edit_entry(store, entry_id, author, **changes),
            self._on_entry_changed,
        )

    def delete_entry(self, entry_id: int) -> None:
        store, author = self._require_store(), self.settings.author_or_default()
        self.worker.submit(
            lambda: _core().delete_entry(store, entry_id, author), self._on_entry_changed
        )

    def restore_entry(self, entry_id: int) -> None:
        store, author = self._require_store(), self.settings.author_or_default()
        self.worker.submit(
            lambda: _core().restore_entry(store, entry_id, author), self._on_entry_changed
        )

    def show_history(self, entry_id: int) -> None:
        from ui.timeline.revisions_dialog import show_history

        store = self._require_store()
        local = self.settings.show_local_time
        self.worker.submit(
            lambda: _core().entry_history(store, entry_id),
            lambda revisions: show_history(self, revisions, local),
        )

    def _on_entry_changed(self, entry: EntryView, typed: str | None = None) -> None:
        if typed is not None:
            self.page.entry_committed(typed)
        self.page.apply_changes([entry])
        if self.current is not None:
            self.timeline_changed.emit(self.current.ref)
        self.entry_changed.emit(entry)

    def _on_entry_failed(self, error: BaseException) -> None:
        if isinstance(error, CommanderError):
            self.page.entry_failed(str(error))
            return
        self.page.entry_failed("not saved: an unexpected error (see the details)")
        self.report_error(error)

    def change_author(self) -> None:
        from ui.common.author_dialog import ask_author

        if ask_author(self, self.settings):
            self._save_settings()

    def _save_settings(self) -> None:
        try:
            save_settings(self.settings)
        except OSError as exc:
            log.warning("cannot save settings: %s", exc)

    def set_local_time(self, local: bool) -> None:
        self.settings.show_local_time = local
        if self._page is not None:
            self._page.timeline_model.set_local_time(local)
        self._save_settings()

    # -- errors and shutdown ----------------------------------------------------------
    def report_error(self, error: BaseException) -> None:
        if isinstance(error, CommanderError):
            show_problem(self, "Incident Commander", str(error))
            return
        from ui.crash import report_crash

        report_crash(type(error), error, error.__traceback__)

    def closeEvent(self, event: Any) -> None:
        self._clock.stop()
        self._poll_timer.stop()
        self.worker.wait()
        if self._feed is not None:
            self._feed.close()
        if self.store is not None:
            self.store.close()
        super().closeEvent(event)
