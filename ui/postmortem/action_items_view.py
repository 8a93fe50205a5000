"""Open action items across every incident, overdue ones first and in red."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
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
    QWidget,
)

from commander.domain.changes import Aspect
from commander.domain.when import utc_now
from ui.postmortem.models import ActionItemsModel, ObjectRole, SortRole

if TYPE_CHECKING:
    from commander.services.action_items import ActionItemView
    from commander.store.engine import Store
    from commander.views.changes import Changes
    from ui.context import AppContext


def _open_items(store: Store) -> list[ActionItemView]:
    from commander.services.action_items import open_action_items

    return open_action_items(store)


class _OverdueFilter(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.overdue_only = False
        self.setSortRole(SortRole)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
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
    """Opened from Incident → Open action items…; reloads whenever any incident's
    action items change (here or on another seat)."""

    loaded = Signal()
    open_incident = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.context = context
        self.setObjectName("actionItemsWindow")
        self.setWindowTitle("Open action items — Incident Commander")
        self.resize(1000, 520)
        self.model = ActionItemsModel(with_incident=True, parent=self)
        self.proxy = _OverdueFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setObjectName("openActionItems")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        # Start in the core's order (overdue first, then by due date) until a header is clicked.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.doubleClicked.connect(self._open)
        self.summary = QLabel("Loading…")
        self.summary.setObjectName("actionItemsSummary")
        self.overdue_only = QCheckBox("Overdue only")
        self.overdue_only.setObjectName("overdueOnly")
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
        context.changed.connect(self._on_changed)

    def _on_changed(self, changes: Changes) -> None:
        # Items of every incident are listed, not only the open one's; a closed window
        # reads them again when it is opened.
        if changes.touches(Aspect.POSTMORTEM) and self.isVisible():
            self.reload()

    def reload(self) -> None:
        self.context.read(_open_items, self._show)

    def _show(self, items: list[ActionItemView]) -> None:
        self.model.set_items(items, utc_now().date())
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        overdue = sum(1 for item in items if item.overdue)
        self.summary.setText(f"{len(items)} open action items, {overdue} overdue")
        self.loaded.emit()

    def _open(self, index: QModelIndex) -> None:
        item = self.proxy.data(index, ObjectRole)
        if item is not None:
            self.context.open_incident(item.incident_ref)
            self.open_incident.emit(item.incident_ref)
