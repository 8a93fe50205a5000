"""Open action items across every incident, overdue ones first and in red."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from commander.domain.when import utc_now
from ui.postmortem.models import ActionItemsModel, ObjectRole, SortRole

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class _OverdueFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.overdue_only = False
        self.setSortRole(SortRole)

    def filterAcceptsRow(self, row: int, parent: Any) -> bool:
        if not self.overdue_only:
            return True
        source = self.sourceModel()
        assert isinstance(source, ActionItemsModel)
        return source.item_at(row).overdue

    def set_overdue_only(self, value: bool) -> None:
        if not hasattr(self, "beginFilterChange"):  # Qt before 6.9
            self.overdue_only = value
            self.invalidateFilter()
            return
        self.beginFilterChange()
        self.overdue_only = value
        self.endFilterChange()


class ActionItemsWindow(QDialog):
    """Opened from Incident → Action items…; reloads whenever any timeline changes."""

    loaded = Signal()
    open_incident = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.window_ = window
        self.setObjectName("actionItemsWindow")
        self.setWindowTitle("Open action items — Incident Commander")
        self.resize(1000, 520)
        self.model = ActionItemsModel(with_incident=True, parent=self)
        self.proxy = _OverdueFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView(objectName="openActionItems")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        # Start in the core's order (overdue first, then by due date) until a header is clicked.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.doubleClicked.connect(self._open)
        self.summary = QLabel("Loading…", objectName="actionItemsSummary")
        self.overdue_only = QCheckBox("Overdue only", objectName="overdueOnly")
        self.overdue_only.toggled.connect(self.proxy.set_overdue_only)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.overdue_only)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(QLabel("Double-click an item to open its incident."))
        window.timeline_changed.connect(lambda _ref: self.reload())

    def reload(self) -> None:
        from commander.services.action_items import open_action_items

        store = self.window_._require_store()
        self.window_.worker.submit(lambda: open_action_items(store), self._show)

    def _show(self, items: list[Any]) -> None:
        self.model.set_items(items, utc_now().date())
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        overdue = sum(1 for item in items if item.overdue)
        self.summary.setText(f"{len(items)} open action items, {overdue} overdue")
        self.loaded.emit()

    def _open(self, index: Any) -> None:
        item = self.proxy.data(index, ObjectRole)
        if item is not None:
            self.window_.open_incident(item.incident_ref)
            self.open_incident.emit(item.incident_ref)
