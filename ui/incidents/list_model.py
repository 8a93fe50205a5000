"""The incident list: newest first, severity in front."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from commander.views.incidents import IncidentSummary

RefRole = Qt.ItemDataRole.UserRole + 1
SeverityRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


class IncidentListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[IncidentSummary] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.ref}  {row.severity.value}  {row.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.ref} · {row.severity.value} {row.severity.label} · {row.phase.label}"
        if role == RefRole:
            return row.ref
        if role == SeverityRole:
            return row.severity.value
        return None

    def set_incidents(self, incidents: list[IncidentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(incidents)
        self.endResetModel()

    def incidents(self) -> list[IncidentSummary]:
        return list(self._rows)

    def incident_at(self, row: int) -> IncidentSummary:
        return self._rows[row]

    def row_of(self, ref: str) -> int:
        return next((i for i, row in enumerate(self._rows) if row.ref == ref), -1)
