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
    "failing": QColor("#b71c1c"),
    "may have been posted": QColor("#8e24aa"),
    "pending": QColor("#e65100"),
    "sending": QColor("#1565c0"),
}


def state_of(delivery: DeliveryView) -> str:
    """The word the State column shows: failing and "may have been posted" are said
    as such, not as pending and failed."""
    if delivery.state == "failed" and delivery.unconfirmed:
        return "may have been posted"
    if delivery.state in ("pending", "sending") and delivery.failing_since is not None:
        return "failing"
    return delivery.state


def history_of(delivery: DeliveryView) -> str:
    """Every attempt, one a line, for the row's tooltip."""
    lines = []
    for attempt in delivery.history:
        when = format_clock(attempt.finished_at, local=False)
        line = f"#{attempt.attempt} {when} {attempt.outcome}"
        if attempt.error:
            line += f": {attempt.error}"
        lines.append(line)
    return "\n".join(lines)


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
            return _STATE_COLOURS.get(state_of(delivery))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == MESSAGE:
                return message.body[:2_000]
            text = self._text(message, delivery, column)
            history = history_of(delivery)
            return f"{text}\n\nAttempts:\n{history}" if history and column != TARGET else text
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
            return state_of(delivery) + attempts
        if delivery.state == "sent":  # with a note where the provider gave one
            return " · ".join(filter(None, (delivery.provider_id, delivery.last_error)))
        if delivery.state == "pending" and delivery.attempts:
            when = format_clock(delivery.next_attempt_at, local=False)
            return f"{delivery.last_error or ''} · attempt {delivery.attempts} · next {when}"
        return delivery.last_error or ""


class MessagesPanel(QWidget):
    retry_requested = Signal(int)  # delivery id: send it again
    mark_sent_requested = Signal(int)  # delivery id: a person checked it was posted
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
        self.retry_button = QPushButton("Send again")
        self.retry_button.setToolTip("Send the selected failed delivery again")
        self.retry_button.clicked.connect(self._retry_selected)
        self.mark_sent_button = QPushButton("It was posted: mark sent")
        self.mark_sent_button.setToolTip(
            "You checked that the selected update did reach its target: record it as sent"
            " (nothing is sent)"
        )
        self.mark_sent_button.clicked.connect(self._mark_sent_selected)
        self.summary = QLabel()
        self.summary.setObjectName("deliverySummary")
        # What the selected delivery is doing and what a person can do about it.
        self.hint = QLabel()
        self.hint.setObjectName("deliveryHint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.compose_button)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        actions = QHBoxLayout()
        actions.addWidget(self.retry_button)
        actions.addWidget(self.mark_sent_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)
        layout.addLayout(actions)
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
        states = [state_of(self.model.delivery_at(r)) for r in range(self.model.rowCount())]
        order = ("sent", "pending", "sending", "failing", "may have been posted", "failed")
        counts = {s: states.count(s) for s in order if s in states}
        self.summary.setText(", ".join(f"{n} {s}" for s, n in counts.items()))

    def _update_buttons(self, *_args: object) -> None:
        delivery = self.selected_delivery()
        self.retry_button.setEnabled(delivery is not None and delivery.can_retry)
        self.mark_sent_button.setEnabled(delivery is not None and delivery.can_mark_sent)
        hint = _hint(delivery) if delivery is not None else ""
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))

    def _retry_selected(self) -> None:
        delivery = self.selected_delivery()
        if delivery is not None and delivery.can_retry:
            self.retry_button.setEnabled(False)
            self.mark_sent_button.setEnabled(False)
            self.retry_requested.emit(delivery.id)

    def _mark_sent_selected(self) -> None:
        delivery = self.selected_delivery()
        if delivery is not None and delivery.can_mark_sent:
            self.retry_button.setEnabled(False)
            self.mark_sent_button.setEnabled(False)
            self.mark_sent_requested.emit(delivery.id)


def _hint(delivery: DeliveryView) -> str:
    target = delivery.target_name
    if delivery.state == "failed" and delivery.unconfirmed:
        return (
            f"This update may have been posted to {target}: look there. If it is there, "
            "“It was posted: mark sent”; if not, “Send again”."
        )
    if delivery.state == "failed":
        return f"Not delivered to {target}: {delivery.last_error or 'failed'}"
    if delivery.state in ("pending", "sending") and delivery.failing_since is not None:
        when = format_clock(delivery.next_attempt_at, local=False)
        return (
            f"Failing since {format_clock(delivery.failing_since, local=False)}, "
            f"{delivery.attempts} attempts: {delivery.last_error or 'failed'}. Next attempt {when}."
        )
    return ""
