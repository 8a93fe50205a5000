"""The phase checklist beside the timeline: check with Space or a click, add, set aside.

The model never changes an item by itself: a check asks (through a signal) for
the core call, and the panel shows what the store says after it. An item the app
ticked says so ("✓ (auto: rollback recorded)"), and one that replaced another
when the severity changed names it in its tooltip.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commander.domain import Phase
from commander.domain.when import format_clock
from commander.services.checklist import ChecklistItemView, ChecklistView
from ui.common.named import named, wrapping

_Index = QModelIndex | QPersistentModelIndex
ItemRole = Qt.ItemDataRole.UserRole + 1


class ChecklistModel(QAbstractListModel):
    # (item, wanted checked state)
    toggle_requested = Signal(object, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[ChecklistItemView] = []
        self._replaced: dict[int, list[ChecklistItemView]] = {}
        self.local_time = False

    def set_items(
        self,
        items: list[ChecklistItemView],
        replaced: dict[int, list[ChecklistItemView]] | None = None,
    ) -> None:
        """The items to show; ``replaced``: by item id, the items it took the place of."""
        self.beginResetModel()
        self._items = list(items)
        self._replaced = dict(replaced or {})
        self.endResetModel()

    def item_at(self, row: int) -> ChecklistItemView:
        return self._items[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and not self._items[index.row()].not_applicable:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if item.not_applicable:
                return f"{item.text}  (n/a: {item.not_applicable_reason})"
            if item.checked and item.checked_at is not None:
                when = format_clock(item.checked_at, self.local_time)
                return f"{item.text}  {item.auto_mark or f'✓ {item.checked_by}'} {when}"
            return item.text
        if role == Qt.ItemDataRole.CheckStateRole:
            if item.not_applicable:
                return None
            return Qt.CheckState.Checked if item.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.FontRole and item.not_applicable:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and (item.not_applicable or item.checked):
            return QColor("#78909c")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item)
        if role == ItemRole:
            return item
        return None

    def _tooltip(self, item: ChecklistItemView) -> str:
        lines = [item.text]
        origin = {"added": "Added by hand", "runbook": "From a runbook"}.get(item.origin)
        if origin:
            lines.append(origin)
        if item.checked_at is not None and item.auto_reason is not None:
            when = format_clock(item.checked_at, self.local_time, with_date=True)
            lines.append(f"Ticked by the app at {when}: {item.auto_reason}")
            lines.append("Untick it if it is not done: the same event will not tick it again")
        elif item.checked_at is not None:
            when = format_clock(item.checked_at, self.local_time, with_date=True)
            lines.append(f"Checked by {item.checked_by} at {when}")
        for old in self._replaced.get(item.id, []):
            done = f", checked by {old.checked_by}" if old.checked else ""
            lines.append(f"Replaces “{old.text}”{done}")
        if item.not_applicable_at is not None:
            when = format_clock(item.not_applicable_at, self.local_time, with_date=True)
            lines.append(
                f"Not applicable ({item.not_applicable_by}, {when}): {item.not_applicable_reason}"
            )
        else:
            lines.append("Space or click: check / uncheck")
        return "\n".join(lines)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked
        item = self._items[index.row()]
        if wanted != item.checked:
            self.toggle_requested.emit(item, wanted)
        return False  # the store's answer, not the click, changes the row


class ChecklistPanel(QWidget):
    toggle_requested = Signal(object, bool)  # (ChecklistItemView, checked)
    add_requested = Signal(object, str)  # (Phase, text)
    not_applicable_requested = Signal(object, str)  # (ChecklistItemView, reason)
    applicable_requested = Signal(object)  # ChecklistItemView

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistPanel")
        self._view: ChecklistView | None = None
        self._followed: tuple[str, Phase] | None = None
        self.phase_combo = named(QComboBox(), "checklistPhase")
        for phase in Phase:
            self.phase_combo.addItem(phase.label, phase.value)
        self.phase_combo.currentIndexChanged.connect(lambda _i: self._fill())
        self.progress = named(QLabel(), "checklistProgress")
        self.problem = wrapping(named(QLabel(), "checklistProblem"))
        self.problem.hide()
        self.model = ChecklistModel(self)
        self.model.toggle_requested.connect(self.toggle_requested)
        self.list = named(QListView(), "checklist")
        self.list.setModel(self.model)
        # Items wrap to the panel's width (runbook steps run long); a phase holds a
        # few dozen items at most, so rows of their own height cost nothing.
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.add_button = QPushButton("Add item…")
        self.add_button.clicked.connect(self.ask_new_item)
        self.na_button = QPushButton("Not applicable…")
        self.na_button.clicked.connect(self.ask_not_applicable)
        top = QHBoxLayout()
        top.addWidget(QLabel("Phase"))
        top.addWidget(self.phase_combo, 1)
        top.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.na_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def set_local_time(self, local: bool) -> None:
        self.model.local_time = local
        self._fill()

    def shown_phase(self) -> Phase:
        return Phase(self.phase_combo.currentData())

    def show_checklist(self, view: ChecklistView) -> None:
        """Show the store's checklist; follow the incident into a new phase."""
        self._view = view
        # Follow the incident into a new phase, or to another incident; otherwise
        # keep the phase the reader picked.
        if (view.ref, view.phase) != self._followed:
            self._followed = (view.ref, view.phase)
            self.phase_combo.setCurrentIndex(view.phase.order)  # fills via the signal
        self.problem.setText(f"Checklist file ignored: {view.template_problem}")
        self.problem.setVisible(bool(view.template_problem))
        self._fill()

    def _fill(self) -> None:
        if self._view is None:
            return
        current_row = self.list.currentIndex().row()
        view = self._view
        items = view.of_phase(self.shown_phase())
        self.model.set_items(items, {item.id: view.replaced_by(item) for item in items})
        done = sum(1 for item in items if not item.open)
        self.progress.setText(f"{done}/{len(items)} done")
        if items:
            row = min(max(current_row, 0), len(items) - 1)
            self.list.setCurrentIndex(self.model.index(row))
        self._update_buttons()

    def selected_item(self) -> ChecklistItemView | None:
        index = self.list.currentIndex()
        return self.model.item_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        item = self.selected_item()
        self.na_button.setEnabled(item is not None and not item.checked)
        self.na_button.setText(
            "Applicable again" if item is not None and item.not_applicable else "Not applicable…"
        )

    def ask_new_item(self) -> None:
        phase = self.shown_phase()
        text, ok = QInputDialog.getText(self, "Add checklist item", f"New item for {phase.label}:")
        if ok and text.strip():
            self.add_requested.emit(phase, text.strip())

    def ask_not_applicable(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        if item.not_applicable:
            self.applicable_requested.emit(item)
            return
        reason, ok = QInputDialog.getText(
            self, "Not applicable", f"Why does “{item.text}” not apply here?"
        )
        if ok and reason.strip():
            self.not_applicable_requested.emit(item, reason.strip())
