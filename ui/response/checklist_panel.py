"""The phase checklist beside the timeline: check with Space or a click, add, set aside.

The model never changes an item by itself: a check asks (through a signal) for
the core call, and the panel shows what the store says after it. An item the app
ticked says so ("✓ (auto: rollback recorded)"), and one that replaced another
when the severity changed names it in its tooltip.

Items left open in earlier phases stay in sight: under the current phase's own
items, a heading per earlier phase ("Carried over from Detect: 2 open") and its
open items, checkable in place; the phase picker counts them too.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class CarriedOver:
    """The heading above the open items an earlier phase left behind."""

    phase: Phase
    count: int

    @property
    def text(self) -> str:
        return f"Carried over from {self.phase.label}: {self.count} open"


Row = ChecklistItemView | CarriedOver


class ChecklistModel(QAbstractListModel):
    # (item, wanted checked state)
    toggle_requested = Signal(object, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[Row] = []
        self._replaced: dict[int, list[ChecklistItemView]] = {}
        self.local_time = False

    def set_items(
        self,
        items: list[ChecklistItemView],
        carried_over: dict[Phase, list[ChecklistItemView]] | None = None,
        replaced: dict[int, list[ChecklistItemView]] | None = None,
    ) -> None:
        """The shown phase's items, then each earlier phase's open ones under a heading;
        ``replaced``: by item id, the items it took the place of."""
        rows: list[Row] = list(items)
        for phase, left in (carried_over or {}).items():
            rows.append(CarriedOver(phase, len(left)))
            rows.extend(left)
        self.beginResetModel()
        self._items = rows
        self._replaced = dict(replaced or {})
        self.endResetModel()

    def item_at(self, row: int) -> ChecklistItemView:
        item = self._items[row]
        if isinstance(item, CarriedOver):
            raise IndexError(f"row {row} is a heading, not an item")
        return item

    def is_heading(self, row: int) -> bool:
        return isinstance(self._items[row], CarriedOver)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        item = self._items[index.row()]
        if isinstance(item, CarriedOver):
            # Neither selectable nor enabled: arrow keys and Space pass it by.
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not item.not_applicable:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if isinstance(item, CarriedOver):
            return self._heading_data(item, role)
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

    @staticmethod
    def _heading_data(heading: CarriedOver, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return heading.text
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#bf360c")
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{heading.phase.label} was left with {heading.count} item(s) open; "
                "they are still to do"
            )
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
        if isinstance(item, CarriedOver):
            return False
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
        view = self._view
        if view is None:
            return
        current_row = self.list.currentIndex().row()
        shown = self.shown_phase()
        items = view.of_phase(shown)
        # What earlier phases left open shows under the incident's current phase.
        carried = view.carried_over() if shown is view.phase else {}
        listed = [*items, *(item for left in carried.values() for item in left)]
        self.model.set_items(items, carried, {item.id: view.replaced_by(item) for item in listed})
        self._count_left_open(view.carried_over())
        done = sum(1 for item in items if not item.open)
        self.progress.setText(f"{done}/{len(items)} done")
        rows = self.model.rowCount()
        if rows:
            row = min(max(current_row, 0), rows - 1)
            while row > 0 and self.model.is_heading(row):
                row -= 1
            if not self.model.is_heading(row):
                self.list.setCurrentIndex(self.model.index(row))
        self._update_buttons()

    def _count_left_open(self, left_open: dict[Phase, list[ChecklistItemView]]) -> None:
        """ "Detect (2 open)" in the phase picker for each phase left with open items."""
        for index in range(self.phase_combo.count()):
            phase = Phase(self.phase_combo.itemData(index))
            count = len(left_open.get(phase, ()))
            label = f"{phase.label} ({count} open)" if count else phase.label
            if self.phase_combo.itemText(index) != label:
                self.phase_combo.setItemText(index, label)

    def selected_item(self) -> ChecklistItemView | None:
        index = self.list.currentIndex()
        if not index.isValid() or self.model.is_heading(index.row()):
            return None
        return self.model.item_at(index.row())

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
