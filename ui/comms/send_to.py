"""The composer's "Send to": the targets grouped by who reads them, each ticked or not."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from commander.domain.audiences import Audience
from commander.views.comms import TargetView

_TARGET = Qt.ItemDataRole.UserRole


class SendToTree(QTreeWidget):
    changed = Signal()  # a target was ticked or unticked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerTargets")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self._groups: list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]] = []
        self.itemChanged.connect(lambda _item, _column: self.changed.emit())

    def set_targets(self, targets: list[TargetView]) -> None:
        """One group per audience with targets, in the usual order; every target ticked:
        each gets its own audience's text."""
        self.blockSignals(True)
        try:
            self.clear()
            self._groups = []
            for audience in Audience:
                members = [t for t in targets if t.audience == audience.value]
                if not members:
                    continue
                group = QTreeWidgetItem(self, [audience.label])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = QFont(group.font(0))
                font.setBold(True)
                group.setFont(0, font)
                items = []
                for target in members:
                    item = QTreeWidgetItem(group, [f"{target.name} ({target.kind})"])
                    item.setData(0, _TARGET, target)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(0, Qt.CheckState.Checked)
                    items.append(item)
                self._groups.append((group, items))
            self.expandAll()
        finally:
            self.blockSignals(False)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """As tall as its rows (up to ten), so the previews below get the rest."""
        rows = sum(1 + len(items) for _group, items in self._groups)
        row_height = max(self.sizeHintForRow(0), self.fontMetrics().height() + 4)
        self.setFixedHeight(min(max(rows, 2), 10) * row_height + 2 * self.frameWidth() + 4)

    def groups(self) -> dict[str, list[str]]:
        """Each group's title and its targets' labels, as shown."""
        return {group.text(0): [item.text(0) for item in items] for group, items in self._groups}

    def _items(self) -> list[QTreeWidgetItem]:
        return [item for _group, items in self._groups for item in items]

    def chosen(self) -> list[TargetView]:
        return [
            item.data(0, _TARGET)
            for item in self._items()
            if item.checkState(0) == Qt.CheckState.Checked
        ]

    def set_checked(self, name: str, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for item in self._items():
            if item.data(0, _TARGET).name == name:
                item.setCheckState(0, state)
