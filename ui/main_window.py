"""The commander's window: incident list on the left, the open incident on the right.

The window only assembles: it makes the application context (settings, the
writer and reader workers, the store, the open incident, the change
announcement), implements the shell the features install into, opens the
store, runs the live feed and keeps the incident list current. What the open
incident shows comes from the features in ``FEATURES``, each installed the same
way: ``install(context, shell)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commander.domain.changes import Aspect
from commander.errors import CommanderError, NoStoreError
from commander.settings import Settings, save_settings
from commander.store.location import names_explicit_store
from ui.alerts import install as install_alerts
from ui.capture import install as install_capture
from ui.common.bring_forward import bring_forward
from ui.common.error_dialog import show_problem
from ui.common.named import named
from ui.comms import install as install_comms
from ui.connection import install as install_connection
from ui.context import AppContext
from ui.health import install as install_health
from ui.incidents import store_calls
from ui.incidents.list_model import IncidentListModel
from ui.incidents.list_view import IncidentListView
from ui.incidents.new_store import confirm_new_store
from ui.incidents.opener import IncidentOpener
from ui.live import LiveFeed
from ui.memory import install as install_memory
from ui.offline import install as install_offline
from ui.postmortem import install as install_postmortem
from ui.presence import install as install_presence
from ui.reports import install as install_reports
from ui.response import install as install_response
from ui.shell import CloseGuard
from ui.timeline import install as install_timeline
from ui.window_memory import (
    remember_incident,
    remembered_incident,
    remembered_sizes,
    restore_geometry,
    save_geometry,
    save_splitter,
)
from ui.workers import Worker

if TYPE_CHECKING:
    from commander.domain import Severity
    from commander.store.engine import Store
    from commander.views.changes import Changes
    from commander.views.incidents import IncidentDetail, IncidentSummary

log = logging.getLogger(__name__)

# Every feature installs itself the same way, in this order (menus appear in it).
Install = Callable[[AppContext, "MainWindow"], None]
FEATURES: tuple[Install, ...] = (
    install_timeline,
    install_response,
    install_health,
    install_presence,
    install_alerts,
    install_postmortem,
    install_reports,
    install_memory,
    install_connection,
    install_offline,  # a server store only: the banner, the journal, writing it back
    install_comms,  # builds itself once the store is open: not needed for the first paint
    install_capture,  # the same: reads chat channels once the store is open
)


# How the timeline and the side panels share the width the window gains or loses.
SIDE_SHARE = (2, 1)


class _HeaderRow(QGridLayout):
    """Header widgets side by side, each at its own height from the top."""

    def addWidget(self, widget: QWidget, row: int, column: int, *rest: object) -> None:  # type: ignore[override]
        # Without an alignment a short widget (the update cadence) would be stretched to
        # the height of the tallest (the incident header).
        # Left as well as top: with only a vertical flag Qt centres a narrow widget in its
        # cell, and on a wide screen the incident header floated to the middle. A widget
        # that asks to expand (the incident header) fills its cell's width instead: any
        # horizontal flag keeps a widget at its preferred width, and the title was cut
        # short in the middle of a 1920-pixel window.
        expands = bool(widget.sizePolicy().expandingDirections() & Qt.Orientation.Horizontal)
        top_left = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        wanted = Qt.AlignmentFlag.AlignTop if expands else top_left
        super().addWidget(widget, row, column, *(rest or (wanted,)))  # type: ignore[call-overload]


class IncidentFrame(QWidget):
    """The open incident's place: header widgets on top, the main view beside side panels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentFrame")
        self.header = named(QWidget(), "headerArea")
        self._header_layout = _HeaderRow(self.header)
        self._header_layout.setContentsMargins(0, 0, 0, 0)
        self._header_layout.setColumnStretch(0, 1)
        self._header_widgets = 0
        # Lines under the header row, each the frame's whole width (add_header_line).
        self._header_lines = QVBoxLayout()
        self._header_lines.setContentsMargins(0, 0, 0, 0)
        self._header_lines.setSpacing(2)
        # Feature panels (checklist, messages, ...) sit beside the timeline as tabs;
        # the area stays hidden until a feature adds one.
        self.side_tabs = named(QTabWidget(), "sidePanels")
        self.side_tabs.hide()
        self.body = named(QSplitter(), "bodySplitter")
        self._main_view: QWidget | None = None
        # The timeline and side panel sizes to start with (the window's remembered ones).
        self.body_sizes = [720, 300]
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(self._header_lines)
        layout.addWidget(self.body, 1)

    @property
    def main_view(self) -> QWidget | None:
        return self._main_view

    def set_main_view(self, widget: QWidget) -> None:
        self._main_view = widget
        self.body.insertWidget(0, widget)
        self.body.setStretchFactor(0, SIDE_SHARE[0])

    def add_side_panel(self, panel: QWidget, title: str) -> None:
        """Show a feature's panel as a tab beside the main view."""
        first = self.side_tabs.count() == 0
        self.side_tabs.addTab(panel, title)
        if first:  # the timeline keeps most of the width; the user can drag the handle
            self.body.addWidget(self.side_tabs)
            self.side_tabs.show()
            # A wider window widens the side panel too (a third of what it gains).
            self.body.setStretchFactor(self.body.indexOf(self.side_tabs), SIDE_SHARE[1])
            self.body.setSizes(self.body_sizes)

    def add_header_widget(self, widget: QWidget) -> None:
        # Counted here: an empty grid already reports one column, which put the first widget
        # (the incident header) in column 1 beside an empty stretching column 0.
        self._header_layout.addWidget(widget, 0, self._header_widgets)
        self._header_widgets += 1

    def add_header_line(self, widget: QWidget) -> None:
        self._header_lines.addWidget(widget)


class MainWindow(QMainWindow):
    store_opened = Signal()
    store_failed = Signal(str)
    incidents_listed = Signal()
    # The window shows this incident (ref), newly opened or re-read after its header changed.
    incident_shown = Signal(str)
    # A new incident was declared from this window (ref); it opens right after.
    incident_declared = Signal(str)
    # Every close guard agreed and everything is shut down: the app ends (ui/app.py).
    closed = Signal()

    def __init__(self, settings: Settings, db_arg: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self._db_arg = db_arg
        self._creating_store = False  # the store being opened may be created
        writer = Worker(on_error=self.report_error, parent=self)
        reader = Worker(on_error=self.report_error, parent=self)
        self.context = AppContext(settings, writer, reader, parent=self)
        self._opener = IncidentOpener(self.context, self.report_error)
        self.live = LiveFeed(self.context)
        self._menus: dict[str, QMenu] = {}
        self._close_guards: list[CloseGuard] = []
        self._closing_steps: list[Callable[[], None]] = []
        self._shut_down = False
        self._listing = False
        self._list_again = False
        # The store's id, once read: what the open incident is remembered by.
        self._store_key: str | None = None
        self.setWindowTitle("Incident Commander")
        self.resize(1200, 760)
        self._build_widgets()
        self._restore_layout()
        self._build_actions()
        for install in FEATURES:
            install(self.context, self)
        self._finish_menus()
        # Connected after the features: when the window says an incident is shown,
        # every feature has taken it.
        self.context.incident_opened.connect(self._on_incident_opened)
        self.context.changed.connect(self._on_changed)

    # -- layout -----------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.incident_model = IncidentListModel(self)
        self.incident_list = IncidentListView(self.incident_model)
        self.incident_list.selectionModel().selectionChanged.connect(self._on_incident_selected)
        self.declare_button = QPushButton("+ Declare incident")
        self.declare_button.setEnabled(False)
        self.declare_button.clicked.connect(self.declare_incident)
        left = named(QWidget(), "incidentPanel")
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(named(QLabel("Incidents"), "panelTitle"))
        left_layout.addWidget(self.incident_list)
        left_layout.addWidget(self.declare_button)

        self.placeholder = QLabel(
            "Opening the incident store…", alignment=Qt.AlignmentFlag.AlignCenter
        )
        self.placeholder.setObjectName("placeholder")
        self.frame = IncidentFrame()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(self.frame)

        splitter = named(QSplitter(), "mainSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        # The list keeps its width when the window grows; the incident takes the rest.
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 920])
        self.main_splitter = splitter
        self.setCentralWidget(splitter)
        self.store_label = QLabel()
        self.statusBar().addPermanentWidget(self.store_label)

    def _build_actions(self) -> None:
        declare = QAction("&Declare incident…", self)
        declare.setShortcut(QKeySequence("Ctrl+N"))
        declare.triggered.connect(self.declare_incident)
        declare.setEnabled(False)
        self.declare_action = declare
        self.add_action("&Incident", declare)
        local_time = QAction("Show &local time", self, checkable=True)
        local_time.setChecked(self.settings.show_local_time)
        local_time.toggled.connect(self.set_local_time)
        self.local_time_action = local_time
        self.add_action("&View", local_time)
        change_name = QAction("Change &my name…", self)
        change_name.triggered.connect(self.change_author)
        self.add_action("&View", change_name)

    def _finish_menus(self) -> None:
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menu("&Incident").addSeparator()
        self.add_action("&Incident", quit_action)

    # -- the shell features install into ------------------------------------------------
    def parent_widget(self) -> QWidget:
        return self

    def menu(self, title: str) -> QMenu:
        if title not in self._menus:
            self._menus[title] = self.menuBar().addMenu(title)
        return self._menus[title]

    def add_action(self, menu_title: str, action: QAction) -> None:
        self.menu(menu_title).addAction(action)
        self.addAction(action)  # its shortcut works wherever the focus is in the window

    def add_side_panel(self, panel: QWidget, title: str) -> None:
        self.frame.add_side_panel(panel, title)

    def bring_forward(self, panel: QWidget) -> None:
        bring_forward(panel)

    def add_header_widget(self, widget: QWidget) -> None:
        self.frame.add_header_widget(widget)

    def add_header_line(self, widget: QWidget) -> None:
        self.frame.add_header_line(widget)

    def set_main_view(self, widget: QWidget) -> None:
        self.frame.set_main_view(widget)

    def show_status(self, text: str, msecs: int = 0) -> None:
        self.statusBar().showMessage(text, msecs)

    def clear_status(self) -> None:
        self.statusBar().clearMessage()

    def add_close_guard(self, guard: CloseGuard) -> None:
        self._close_guards.append(guard)

    def when_closing(self, step: Callable[[], None]) -> None:
        self._closing_steps.append(step)

    def report_error(self, error: BaseException) -> None:
        if isinstance(error, CommanderError):
            show_problem(self, "Incident Commander", str(error))
            return
        from ui.crash import report_crash

        report_crash(type(error), error, error.__traceback__)

    # -- store ------------------------------------------------------------------------
    def open_store(self) -> None:
        """Show the list from a quick read-only peek, then open the store for real.

        The default store is created when missing; a location the user named is
        only created once they said yes (see ``_on_store_failed``).
        """
        db_arg = self._db_arg
        self.context.writer.submit(lambda: store_calls.peek(db_arg), self._on_peeked)
        self._open_listing(create=not names_explicit_store(db_arg))

    def _open_listing(self, *, create: bool) -> None:
        db_arg = self._db_arg
        self._creating_store = create
        self.context.writer.submit(
            lambda: store_calls.open_store_listing(db_arg, create=create),
            self._on_store_opened,
            self._on_store_failed,
        )

    def _on_peeked(self, incidents: list[IncidentSummary] | None) -> None:
        if incidents is not None and self.context.store is None:
            self._show_incidents(incidents)

    def _on_store_opened(self, result: tuple[Store, list[IncidentSummary]]) -> None:
        from ui.gc_settle import settle_after_startup

        settle_after_startup()  # no 100 ms garbage-collection stalls from here on
        store, incidents = result
        self.store_label.setText(f"Store: {store.location}")
        self.declare_button.setEnabled(True)
        self.declare_action.setEnabled(True)
        self.placeholder.setText("No incident open. Declare one with Ctrl+N.")
        self._show_incidents(incidents)
        self.context.set_store(store)  # the live feed starts; a pending choice opens
        self.context.read(store_calls.store_key, self._reopen_remembered)
        self.store_opened.emit()

    def _on_store_failed(self, error: BaseException) -> None:
        if (
            isinstance(error, NoStoreError)
            and not self._creating_store  # a location the user named: ask before making it
            and confirm_new_store(self, error.location)
        ):
            self._open_listing(create=True)
            return
        message = str(error) if isinstance(error, CommanderError) else repr(error)
        self.placeholder.setText(f"Cannot open the incident store:\n{message}")
        self.store_failed.emit(message)
        if not isinstance(error, CommanderError):
            self.report_error(error)

    # -- the incident list ------------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Aspect.INCIDENTS):
            self.reload_incidents()

    def reload_incidents(self) -> None:
        """Read the list again; one read at a time, a request meanwhile reads once more."""
        if self._listing:
            self._list_again = True
            return
        self._listing = True
        self.context.read(store_calls.list_all, self._on_listed, self._on_list_failed)

    def _on_listed(self, incidents: list[IncidentSummary]) -> None:
        self._listing = False
        self._show_incidents(incidents)
        self._list_next()

    def _on_list_failed(self, error: BaseException) -> None:
        self._listing = False
        self.report_error(error)
        self._list_next()

    def _list_next(self) -> None:
        if self._list_again:
            self._list_again = False
            self.reload_incidents()

    def _show_incidents(self, incidents: list[IncidentSummary]) -> None:
        self.incident_model.set_incidents(incidents)
        self._select_open_incident()
        self.incidents_listed.emit()

    def _select_open_incident(self) -> None:
        incident = self.context.incident
        ref = incident.ref if incident is not None else self._opener.pending_ref
        row = self.incident_model.row_of(ref) if ref else -1
        if row >= 0:
            # Following the open incident is not the user choosing one.
            with QSignalBlocker(self.incident_list.selectionModel()):
                self.incident_list.setCurrentIndex(self.incident_model.index(row))

    def _on_incident_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.open_incident(self.incident_model.incident_at(indexes[0].row()).ref)

    # -- incidents --------------------------------------------------------------------
    def open_incident(self, ref: str) -> None:
        self.context.open_incident(ref)

    def _on_incident_opened(self, incident: IncidentDetail | None) -> None:
        if incident is None:
            self.pages.setCurrentWidget(self.placeholder)
            self.setWindowTitle("Incident Commander")
            return
        self.pages.setCurrentWidget(self.frame)
        self.setWindowTitle(f"{incident.ref} {incident.title} — Incident Commander")
        self._select_open_incident()
        self.incident_shown.emit(incident.ref)

    def declare_incident(self) -> None:
        from ui.incidents.declare_dialog import DeclareDialog

        if self.context.store is None:
            return
        dialog = DeclareDialog(self)
        if dialog.exec() != DeclareDialog.DialogCode.Accepted:
            return
        self.submit_declaration(dialog.title, dialog.severity, dialog.summary)

    def submit_declaration(self, title: str, severity: Severity, summary: str) -> None:
        author = self.context.author()
        self.context.write(
            lambda store: store_calls.declare(store, title, severity, author, summary),
            self._on_declared,
        )

    def _on_declared(self, incident: IncidentDetail) -> None:
        self.incident_declared.emit(incident.ref)
        self.open_incident(incident.ref)

    # -- what the window remembers ----------------------------------------------------
    def _restore_layout(self) -> None:
        restore_geometry(self, self.settings)
        sizes = remembered_sizes(self.settings, "incidents", 2)
        if sizes is not None:
            self.main_splitter.setSizes(sizes)
        body = remembered_sizes(self.settings, "body", 2)
        if body is not None:
            self.frame.body_sizes = body

    def _reopen_remembered(self, store_key: str | None) -> None:
        """Open the incident that was open when the window last closed on this store,
        unless the user chose one meanwhile."""
        self._store_key = store_key
        if store_key is None or self.context.incident is not None:
            return
        if self._opener.pending_ref is not None:
            return
        refs = [row.ref for row in self.incident_model.incidents()]
        ref = remembered_incident(self.settings, store_key, refs)
        if ref is not None:
            self.open_incident(ref)

    def _remember_layout(self) -> None:
        save_geometry(self, self.settings)
        save_splitter(self.main_splitter, "incidents", self.settings)
        if self.frame.side_tabs.count():
            save_splitter(self.frame.body, "body", self.settings)
        if self._store_key is not None:
            incident = self.context.incident
            remember_incident(
                self.settings, self._store_key, incident.ref if incident is not None else None
            )
        self._save_settings()

    # -- settings ---------------------------------------------------------------------
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
        self.context.set_local_time(local)
        self._save_settings()

    # -- shutdown ---------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down:
            super().closeEvent(event)
            return
        # Unsaved work is asked about before anything stops: a guard answered "Cancel"
        # leaves the cockpit as it was, feed, workers and timers running.
        if not all(guard() for guard in self._close_guards):
            event.ignore()
            return
        self._shut_down = True
        self._remember_layout()
        # Its own windows (editors, reports) go with it, before the store closes; what
        # they held unsaved has been asked about by the guards.
        for child in self.findChildren(QWidget):
            if child.isWindow() and child.isVisible():
                child.close()
        for step in self._closing_steps:
            step()
        self.live.stop_polling()
        self.context.writer.wait()
        self.context.reader.wait()
        self.live.close()
        if self.context.store is not None:
            self.context.store.close()
        super().closeEvent(event)
        self.closed.emit()
