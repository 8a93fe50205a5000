"""TEMPORARY: plugs the comms, postmortem, reports and memory features into today's window.

The features install through ``install(context, shell)``. Until the window builds
its own ``AppContext`` and implements ``Shell`` (stream F), this makes both from
the window's signals and widgets. Delete this module when the window calls the
features' ``install`` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ui.context import AppContext
from ui.workers import Worker

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QWidget

    from ui.main_window import MainWindow


class _WindowShell:
    """``ui.shell.Shell`` over today's main window."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def parent_widget(self) -> QWidget:
        return self._window

    def menu(self, title: str) -> QMenu:
        from PySide6.QtWidgets import QMenu

        for action in self._window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and action.text() == title:
                return menu
        return self._window.menuBar().addMenu(title)

    def add_action(self, menu_title: str, action: QAction) -> None:
        self.menu(menu_title).addAction(action)
        self._window.addAction(action)

    def add_side_panel(self, panel: QWidget, title: str) -> None:
        self._window.page.add_side_panel(panel, title)

    def add_header_widget(self, widget: QWidget) -> None:
        from PySide6.QtWidgets import QGridLayout

        layout = self._window.page.header.layout()
        assert isinstance(layout, QGridLayout)
        layout.addWidget(widget, 0, layout.columnCount())

    def show_status(self, text: str, msecs: int = 0) -> None:
        self._window.statusBar().showMessage(text, msecs)

    def clear_status(self) -> None:
        self._window.statusBar().clearMessage()

    def report_error(self, error: BaseException) -> None:
        self._window.report_error(error)


class _WaitOnClose(QObject):
    """Lets running reads finish before the window closes the store under them."""

    def __init__(self, reader: Worker) -> None:
        super().__init__(reader)
        self._reader = reader

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Imported here: QEvent builds its 180-member enum on first use (about 8 ms).
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.Close:
            self._reader.wait()
        return False


def install_features(window: MainWindow) -> AppContext:
    from commander.domain.changes import Aspect
    from ui import comms, memory, postmortem, reports

    reader = Worker(on_error=window.report_error, parent=window)
    window.installEventFilter(_WaitOnClose(reader))
    context = AppContext(window.settings, window.worker, reader, parent=window)
    shell = _WindowShell(window)
    declared: list[str] = []

    def opened(ref: str) -> None:
        from commander.views.changes import changes_of_entries

        current = window.current
        if current is None:
            return
        if ref in declared:  # announce the declaration as the new window will
            declared.remove(ref)
            for changes in changes_of_entries(e for e in current.timeline if e.kind == "declared"):
                context.changed.emit(changes)
        context.set_incident(current)

    def timeline_changed(_ref: str) -> None:
        from commander.views.changes import Changes

        if window.current is not None:  # this window says only "something changed"
            context.changed.emit(Changes(window.current.id, frozenset(Aspect)))

    def requested(ref: str) -> None:
        from PySide6.QtCore import QSignalBlocker

        row = window.incident_model.row_of(ref)
        if row >= 0:
            with QSignalBlocker(window.incident_list.selectionModel()):
                window.incident_list.setCurrentIndex(window.incident_model.index(row))
        window.open_incident(ref)

    window.store_opened.connect(lambda: context.set_store(window._require_store()))
    window.incident_declared.connect(declared.append)
    window.incident_shown.connect(opened)
    window.timeline_changed.connect(timeline_changed)
    context.incident_requested.connect(requested)
    for feature in (postmortem, comms, reports, memory):
        feature.install(context, shell)
    return context
