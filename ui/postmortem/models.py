"""Qt models for the postmortem editor: the entry picker and action item tables."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from commander.domain.when import format_clock
from commander.services.action_items import ActionItemView
from commander.services.postmortem import key_entry
from commander.views.incidents import EntryView

_Index = QModelIndex | QPersistentModelIndex
ObjectRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
_CELL_LIMIT = 300


class EntryPickerModel(QAbstractTableModel):
    """Live entries with a check box: which ones the Timeline section shows."""

    COLUMNS = ("Time (UTC)", "Kind", "Author", "Entry")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[EntryView] = []
        self._checked: set[int] = set()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 0:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return format_clock(entry.occurred_at, local=False, with_date=True)
            if column == 1:
                return ("★ " if entry.pinned else "") + entry.kind
            if column == 2:
                return entry.author
            return entry.text.split("\n", 1)[0][:_CELL_LIMIT]
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            checked = entry.id in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return entry.text[:2_000]
        if role == ObjectRole:
            return entry
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        entry_id = self._rows[index.row()].id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(entry_id)
        else:
            self._checked.discard(entry_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_entries(
        self, entries: tuple[EntryView, ...], entry_ids: tuple[int, ...] | None
    ) -> None:
        """Show live entries; ``entry_ids`` None ticks the key entries."""
        self.beginResetModel()
        self._rows = [entry for entry in entries if entry.deleted_at is None]
        if entry_ids is None:
            self._checked = {e.id for e in self._rows if key_entry(e)}
        else:
            self._checked = set(entry_ids) & {e.id for e in self._rows}
        self.endResetModel()

    def select_key_entries(self) -> None:
        self.set_entries(tuple(self._rows), None)

    def checked_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self._checked))

    def is_key_selection(self) -> bool:
        keys = {e.id for e in self._rows if key_entry(e)}
        return self._checked == keys


class ActionItemsModel(QAbstractTableModel):
    """Action items, one incident's or open ones across incidents (``with_incident``)."""

    def __init__(self, with_incident: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._with_incident = with_incident
        self._rows: list[ActionItemView] = []
        self._today = date.min
        self.columns = (("Incident",) if with_incident else ()) + (
            "#",
            "Action",
            "Owner",
            "Type",
            "Priority",
            "Due",
            "Status",
            "Tracker",
        )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        name = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, name)
        if role == SortRole:
            return self._sort_key(item, name)
        overdue = item.is_overdue(self._today)
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return QColor("#b00020")
        if role == Qt.ItemDataRole.FontRole and overdue and name == "Due":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and name in ("Action", "Incident"):
            return item.description if name == "Action" else item.incident_title
        if role == ObjectRole:
            return item
        return None

    def _text(self, item: ActionItemView, name: str) -> str:
        if name == "Incident":
            return f"{item.incident_ref} {item.incident_title}"
        if name == "Due":
            if item.due_on is None:
                return ""
            late = " (overdue)" if item.is_overdue(self._today) else ""
            return item.due_on.isoformat() + late
        values = {
            "#": str(item.id),
            "Action": item.description.split("\n", 1)[0][:_CELL_LIMIT],
            "Owner": item.owner,
            "Type": item.type.label,
            "Priority": item.priority.label,
            "Status": item.status.label,
            "Tracker": item.tracker_url,
        }
        return values[name]

    def _sort_key(self, item: ActionItemView, name: str) -> int | str:
        if name == "#":
            return item.id
        if name == "Due":
            return item.due_on.isoformat() if item.due_on else "9999"
        if name == "Priority":
            return ["high", "medium", "low"].index(item.priority.value)
        return self._text(item, name).lower()

    def set_items(self, items: list[ActionItemView], today: date) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self._today = today
        self.endResetModel()

    def item_at(self, row: int) -> ActionItemView:
        return self._rows[row]

    def items(self) -> list[ActionItemView]:
        return list(self._rows)
