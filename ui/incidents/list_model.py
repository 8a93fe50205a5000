"""The incident list's rows: active incidents first, then the recently resolved.

The order, the age or duration and the overdue-update rule are the core's
(``views.incidents``: ``in_list_order``, ``IncidentSummary.running_time``,
``update_overdue``); this model only words them for ``list_view.IncidentDelegate``.
Times are read at paint time from the one clock, so a repaint is enough to keep
ages and overdue marks current.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from commander.domain.durations import human_duration
from commander.domain.when import utc_now
from commander.views.incidents import IncidentSummary
from ui.common.elide import shared_leading_words

RefRole = Qt.ItemDataRole.UserRole + 1
SeverityRole = Qt.ItemDataRole.UserRole + 2
SummaryRole = Qt.ItemDataRole.UserRole + 3
# How many leading words the title shares with another row's (elide_title).
SharedWordsRole = Qt.ItemDataRole.UserRole + 4
# The second line: phase and age, or how long it lasted.
StatusRole = Qt.ItemDataRole.UserRole + 5
OverdueRole = Qt.ItemDataRole.UserRole + 6
# The first resolved row, below the active ones (the delegate draws a line above it).
FirstResolvedRole = Qt.ItemDataRole.UserRole + 7

_Index = QModelIndex | QPersistentModelIndex


def list_duration(span: timedelta) -> str:
    """Minutes are enough in a list: "47m", "1h 12m", "3d 4h" ("40s" in the first minute)."""
    if span >= timedelta(minutes=1):
        span -= timedelta(seconds=span.total_seconds() % 60)
    return human_duration(span)


def status_line(row: IncidentSummary, now: datetime) -> str:
    spent = list_duration(row.running_time(now))
    if row.active:
        return f"{row.phase.label} · {spent}"
    return f"Resolved · lasted {spent}"


class IncidentListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[IncidentSummary] = []
        self._shared: list[int] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.ref}  {row.severity.value}  {row.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, utc_now())
        if role == RefRole:
            return row.ref
        if role == SeverityRole:
            return row.severity.value
        if role == SummaryRole:
            return row
        if role == SharedWordsRole:
            return self._shared[index.row()]
        if role == StatusRole:
            return status_line(row, utc_now())
        if role == OverdueRole:
            return row.update_overdue(utc_now())
        if role == FirstResolvedRole:
            number = index.row()
            return not row.active and number > 0 and self._rows[number - 1].active
        return None

    def _tooltip(self, row: IncidentSummary, now: datetime) -> str:
        lines = [
            f"{row.ref} · {row.severity.value} {row.severity.label} · {row.phase.label}",
            row.title,
        ]
        since = "impact start" if row.impact_started_at is not None else "declared"
        spent = human_duration(row.running_time(now))
        lines.append(
            f"Open {spent} since {since}" if row.active else f"Lasted {spent} ({since} → resolved)"
        )
        if row.update_overdue(now):
            assert row.update_due_at is not None
            late = human_duration(now - row.update_due_at)
            lines.append(f"Status update overdue by {late}")
        elif row.update_due_at is not None:
            lines.append(f"Next status update in {human_duration(row.update_due_at - now)}")
        return "\n".join(lines)

    def set_incidents(self, incidents: list[IncidentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(incidents)
        self._shared = shared_leading_words([row.title for row in self._rows])
        self.endResetModel()

    def incidents(self) -> list[IncidentSummary]:
        return list(self._rows)

    def incident_at(self, row: int) -> IncidentSummary:
        return self._rows[row]

    def row_of(self, ref: str) -> int:
        return next((i for i, row in enumerate(self._rows) if row.ref == ref), -1)
