"""Every message of the open incident and where each one landed, one row per delivery."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commander.domain.when import format_clock
from commander.views.comms import DeliveryView, MessageView

_Index = QModelIndex | QPersistentModelIndex

# Where and how first: the side panel is narrow, and that is what the commander scans for.
COLUMNS = ("Target", "State", "Sent", "Message", "Detail")
TARGET, STATE, SENT, MESSAGE, DETAIL = range(len(COLUMNS))
DeliveryRole = Qt.ItemDataRole.UserRole + 1
_STATE_COLOURS = {
    "sent": QColor("#2e7d32"),
    "failed": QColor("#b71c1c"),
    "pending": QColor("#e65100"),
    "sending": QColor("#1565c0"),
}


class DeliveriesModel(QAbstractTableModel):
    """Rows are (message, delivery) pairs, newest message first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[MessageView, DeliveryView]] = []

    def set_messages(self, messages: list[MessageView]) -> None:
        self.beginResetModel()
        self._rows = [(m, d) for m in reversed(messages) for d in m.deliveries]
        self.endResetModel()

    def update_delivery(self, delivery: DeliveryView) -> bool:
        """Show one delivery's new state in place; False if it is not shown here."""
        for row, (message, shown) in enumerate(self._rows):
            if shown.id == delivery.id:
                self._rows[row] = (message, delivery)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return True
        return False

    def delivery_at(self, row: int) -> DeliveryView:
        return self._rows[row][1]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        message, delivery = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(message, delivery, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATE:
            return _STATE_COLOURS.get(delivery.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                message.body[:2_000] if column == MESSAGE else self._text(message, delivery, column)
            )
        if role == DeliveryRole:
            return delivery
        return None

    @staticmethod
    def _text(message: MessageView, delivery: DeliveryView, column: int) -> str:
        if column == SENT:
            return format_clock(message.created_at, local=False)
        if column == MESSAGE:
            return f"{message.template}: {message.headline}"
        if column == TARGET:
            return delivery.target_name
        if column == STATE:
            attempts = f" ×{delivery.attempts}" if delivery.attempts > 1 else ""
            return delivery.state + attempts
        if delivery.state == "sent":  # with a note where the provider gave one
            return " · ".join(filter(None, (delivery.provider_id, delivery.last_error)))
        if delivery.state == "pending" and delivery.attempts:
            when = format_clock(delivery.next_attempt_at, local=False)
            return f"{delivery.last_error or ''} · next try {when}"
        return delivery.last_error or ""


class MessagesPanel(QWidget):
    retry_requested = Signal(int)  # delivery id
    compose_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DeliveriesModel(self)
        self.view = QTableView()
        self.view.setObjectName("deliveries")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.horizontalHeader().setSectionResizeMode(DETAIL, QHeaderView.ResizeMode.Stretch)
        for column, width in ((TARGET, 110), (STATE, 75), (SENT, 75), (MESSAGE, 170)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.dataChanged.connect(self._update_buttons)
        self.compose_button = QPushButton("Compose update…")
        self.compose_button.clicked.connect(self.compose_requested)
        self.retry_button = QPushButton("Retry delivery")
        self.retry_button.clicked.connect(self._retry_selected)
        self.summary = QLabel()
        self.summary.setObjectName("deliverySummary")
        buttons = QHBoxLayout()
        buttons.addWidget(self.compose_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self._update_buttons()

    def show_messages(self, messages: list[MessageView]) -> None:
        selected = self.selected_delivery()
        self.model.set_messages(messages)
        if selected is not None:
            for row in range(self.model.rowCount()):
                if self.model.delivery_at(row).id == selected.id:
                    self.view.selectRow(row)
        self._summarise()

    def update_delivery(self, delivery: DeliveryView) -> None:
        if self.model.update_delivery(delivery):
            self._summarise()

    def selected_delivery(self) -> DeliveryView | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().hasSelection():
            return None
        return self.model.delivery_at(index.row())

    def _summarise(self) -> None:
        states = [self.model.delivery_at(r).state for r in range(self.model.rowCount())]
        counts = {
            s: states.count(s) for s in ("sent", "pending", "sending", "failed") if s in states
        }
        self.summary.setText(", ".join(f"{n} {s}" for s, n in counts.items()))

    def _update_buttons(self, *_args: object) -> None:
        delivery = self.selected_delivery()
        self.retry_button.setEnabled(delivery is not None and delivery.state == "failed")

    def _retry_selected(self) -> None:
        delivery = self.selected_delivery()
        if delivery is not None and delivery.state == "failed":
            self.retry_button.setEnabled(False)
            self.retry_requested.emit(delivery.id)
