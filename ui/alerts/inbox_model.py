"""The waiting alert groups as a table: severity, title, alerts, first start, source.

Rows come in the order the core lists them (most recently heard from first); a
group keeps its row's identity by id, so the selection survives a reload.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from commander.domain.alerts import AlertSource
from commander.domain.when import format_clock
from commander.views.alerts import AlertGroupView
from ui.common.severity_colors import severity_colors

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Severity", "Title", "Alerts", "First start", "Source", "Last heard")
SEVERITY, TITLE, ALERTS, FIRST_START, SOURCE, LAST_HEARD = range(len(COLUMNS))
NO_SEVERITY = "—"


def source_label(source: str) -> str:
    try:
        return AlertSource(source).label
    except ValueError:
        return source


def first_start(group: AlertGroupView) -> Any:
    return min((alert.starts_at for alert in group.alerts), default=group.first_received_at)


def text_color_on(background: QColor) -> Qt.GlobalColor:
    """Dark text on a light badge (P2's amber), white on the others, as the badges do."""
    luminance = 0.299 * background.red() + 0.587 * background.green() + 0.114 * background.blue()
    return Qt.GlobalColor.black if luminance > 150 else Qt.GlobalColor.white


def firing_count(group: AlertGroupView) -> int:
    return sum(1 for alert in group.alerts if alert.status == "firing")


class InboxModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.groups: list[AlertGroupView] = []
        self.local_time = False

    def set_groups(self, groups: list[AlertGroupView]) -> None:
        self.beginResetModel()
        self.groups = list(groups)
        self.endResetModel()

    def set_local_time(self, local: bool) -> None:
        self.local_time = local
        if self.groups:
            self.dataChanged.emit(
                self.index(0, FIRST_START), self.index(len(self.groups) - 1, LAST_HEARD)
            )

    def group_at(self, row: int) -> AlertGroupView:
        return self.groups[row]

    def row_of(self, group_id: int) -> int:
        return next((row for row, g in enumerate(self.groups) if g.id == group_id), -1)

    # -- Qt -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.groups)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        group = self.groups[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(group, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(group, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (SEVERITY, ALERTS):
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole and column == SEVERITY and group.severity:
            return QBrush(severity_colors()[group.severity])
        if role == Qt.ItemDataRole.ForegroundRole and column == SEVERITY and group.severity:
            return QBrush(text_color_on(severity_colors()[group.severity]))
        if role == Qt.ItemDataRole.UserRole:
            return group.id
        return None

    def _text(self, group: AlertGroupView, column: int) -> str:
        if column == SEVERITY:
            return group.severity.value if group.severity else NO_SEVERITY
        if column == TITLE:
            return group.title
        if column == ALERTS:
            firing = firing_count(group)
            total = len(group.alerts)
            return str(total) if firing == total else f"{firing}/{total}"
        if column == FIRST_START:
            return format_clock(first_start(group), self.local_time, with_date=True)
        if column == SOURCE:
            return source_label(group.source)
        return format_clock(group.last_received_at, self.local_time, with_date=True)

    def _tooltip(self, group: AlertGroupView, column: int) -> str | None:
        if column == SEVERITY and group.severity is None:
            return "Its labels name no severity: choose one when declaring."
        if column == ALERTS:
            return f"{firing_count(group)} firing of {len(group.alerts)} alerts"
        if column == TITLE:
            return group.title
        return None
