"""The timeline table: one row per entry, in the order things happened."""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from commander.domain.when import format_clock
from commander.services.views import EntryView

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Time", "Author", "Kind", "Entry")
TIME, AUTHOR, KIND, TEXT = range(len(COLUMNS))
EntryRole = Qt.ItemDataRole.UserRole + 1
# Long pastes stay whole in the store; a table cell shows the first line only.
_CELL_LIMIT = 500


class TimelineModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[EntryView] = []
        self._local_time = False

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == TIME:
                return "Time (local)" if self._local_time else "Time (UTC)"
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == TIME:
                return format_clock(entry.occurred_at, self._local_time)
            if column == AUTHOR:
                return entry.author
            if column == KIND:
                return ("★ " if entry.pinned else "") + entry.kind
            if column == TEXT:
                first_line = entry.text.split("\n", 1)[0]
                return first_line[:_CELL_LIMIT]
        if role == Qt.ItemDataRole.ToolTipRole and column == TEXT:
            return entry.text[:2_000]
        if role == Qt.ItemDataRole.FontRole and entry.deleted_at is not None:
            font = QFont()
            font.setStrikeOut(True)  # deleted entries stay visible, struck through
            return font
        if role == Qt.ItemDataRole.ForegroundRole and entry.deleted_at is not None:
            return QColor("#9e9e9e")
        if role == EntryRole:
            return entry
        return None

    def set_entries(self, entries: list[EntryView] | tuple[EntryView, ...]) -> None:
        self.beginResetModel()
        self._rows = list(entries)
        self.endResetModel()

    def add_entry(self, entry: EntryView) -> int:
        """Insert where it belongs in time (a backdated entry lands mid-list).

        An entry already shown (our own write echoed back by the feed) is replaced.
        """
        existing = self.row_of(entry.id)
        if existing >= 0:
            self._rows[existing] = entry
            self.dataChanged.emit(self.index(existing, 0), self.index(existing, len(COLUMNS) - 1))
            return existing
        position = bisect.bisect_right(
            self._rows, (entry.occurred_at, entry.id), key=lambda row: (row.occurred_at, row.id)
        )
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, entry)
        self.endInsertRows()
        return position

    def apply_changes(self, entries: list[EntryView]) -> None:
        """Merge entries written, edited, deleted or restored elsewhere (or echoed back)."""
        for entry in entries:
            row = self.row_of(entry.id)
            if row < 0:
                self.add_entry(entry)
            elif self._rows[row].occurred_at == entry.occurred_at:
                self._rows[row] = entry
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            else:  # its time was corrected: it moves
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
                self.add_entry(entry)

    def row_of(self, entry_id: int) -> int:
        return next((i for i, row in enumerate(self._rows) if row.id == entry_id), -1)

    def latest_version(self) -> int:
        return max((row.version for row in self._rows), default=0)

    def set_local_time(self, local: bool) -> None:
        self._local_time = local
        if self._rows:
            self.dataChanged.emit(self.index(0, TIME), self.index(len(self._rows) - 1, TIME))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, TIME, TIME)

    def entry_at(self, row: int) -> EntryView:
        return self._rows[row]
