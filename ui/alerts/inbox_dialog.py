"""Alerts → Alert inbox: the waiting alert groups, what the selected one holds, and what
can be done with it (declare, attach, dismiss), with the receiver's state underneath.

A window of its own beside the main one (not modal): alerts arrive while the
commander works on something else. It only shows and asks; the feature makes the
core calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commander.domain.labels import labels_text
from commander.domain.when import format_clock
from ui.alerts.inbox_model import TITLE, InboxModel, source_label
from ui.common.named import named

if TYPE_CHECKING:
    from commander.views.alerts import AlertGroupView

_STYLE = """
QLabel#inboxEmpty { color: #607d8b; font-size: 14px; }
QLabel#receiverState { color: #37474f; }
QLabel#receiverState[running="failed"] { color: #b71c1c; font-weight: bold; }
QLabel#receiverState[running="listening"] { color: #2e7d32; }
QLabel#receiverRefused { color: #8d6e63; }
"""


class InboxDialog(QDialog):
    declare_requested = Signal(object)  # AlertGroupView
    attach_requested = Signal(object)
    dismiss_requested = Signal(object)
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alert inbox")
        self.setObjectName("alertInbox")
        self.setStyleSheet(_STYLE)
        self.model = InboxModel(self)
        self.table = named(QTableView(), "inboxTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selected)
        self.empty = named(
            QLabel("No alert groups waiting.", alignment=Qt.AlignmentFlag.AlignCenter), "inboxEmpty"
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.table)

        self.details = named(QPlainTextEdit(), "groupDetails")
        self.details.setReadOnly(True)  # plain text: labels come from other machines
        self.details.setPlaceholderText("Select a group to see its alerts.")
        self.declare_button = QPushButton("&Declare as new incident…")
        self.attach_button = QPushButton("&Attach to open incident…")
        self.dismiss_button = QPushButton("Dis&miss")
        self.declare_button.clicked.connect(lambda: self._ask(self.declare_requested))
        self.attach_button.clicked.connect(lambda: self._ask(self.attach_requested))
        self.dismiss_button.clicked.connect(lambda: self._ask(self.dismiss_requested))
        buttons = QHBoxLayout()
        for button in (self.declare_button, self.attach_button, self.dismiss_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.receiver_state = named(QLabel(wordWrap=True), "receiverState")
        self.receiver_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refused = named(QLabel(wordWrap=True), "receiverRefused")
        self.refused.hide()
        self.settings_button = QPushButton("Receiver &settings…")
        self.settings_button.clicked.connect(self.settings_requested)
        receiver = QHBoxLayout()
        receiver.addWidget(self.receiver_state, 1)
        receiver.addWidget(self.settings_button)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.details, 1)
        lower_layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.pages)
        split.addWidget(lower)
        split.setSizes([260, 220])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(receiver)
        layout.addWidget(self.refused)
        self._busy = False
        self._update_buttons()
        self.resize(860, 560)

    # -- what the feature hands in ----------------------------------------------------
    def show_groups(self, groups: list[AlertGroupView]) -> None:
        """The waiting groups; the selected one stays selected while it waits."""
        chosen = self.selected_group()
        self.model.set_groups(groups)
        self.pages.setCurrentWidget(self.table if groups else self.empty)
        row = self.model.row_of(chosen.id) if chosen is not None else -1
        if row < 0 and groups:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show_details(None)
        self._update_buttons()

    def set_local_time(self, local: bool) -> None:
        self.model.set_local_time(local)
        self._show_details(self.selected_group())

    def show_receiver(self, running: str, text: str) -> None:
        self.receiver_state.setText(text)
        self.receiver_state.setProperty("running", running)
        self.receiver_state.style().unpolish(self.receiver_state)
        self.receiver_state.style().polish(self.receiver_state)

    def show_refused(self, text: str) -> None:
        self.refused.setText(text)
        self.refused.setVisible(bool(text))

    def set_busy(self, busy: bool) -> None:
        """While a declare, attach or dismiss is on its way, no second one starts."""
        self._busy = busy
        self._update_buttons()

    def selected_group(self) -> AlertGroupView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.model.groups):
            return None
        return self.model.group_at(rows[0].row())

    # -- inside ---------------------------------------------------------------------
    def _ask(self, signal: SignalInstance) -> None:
        group = self.selected_group()
        if group is not None and not self._busy:
            signal.emit(group)

    def _on_selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_details(self.selected_group())
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected_group() is not None and not self._busy
        for button in (self.declare_button, self.attach_button, self.dismiss_button):
            button.setEnabled(chosen)

    def _show_details(self, group: AlertGroupView | None) -> None:
        self.details.setPlainText("" if group is None else self._describe(group))

    def _describe(self, group: AlertGroupView) -> str:
        local = self.model.local_time
        heard = format_clock(group.first_received_at, local, with_date=True)
        times = "once" if group.notifications == 1 else f"{group.notifications} times"
        lines = [
            group.title,
            f"Group {group.id} from {source_label(group.source)}, {group.status}: "
            f"heard {times}, first at {heard}.",
        ]
        grouped_by = labels_text(group.group_labels.items())
        if grouped_by:
            lines.append(f"Grouped by {grouped_by}")
        for alert in group.alerts:
            summary = alert.annotations.get("summary") or alert.annotations.get("description", "")
            since = format_clock(alert.starts_at, local, with_date=True)
            labels = labels_text((k, v) for k, v in alert.labels.items() if k != "alertname")
            lines += [
                "",
                f"{alert.name}" + (f" — {summary}" if summary else ""),
                f"    {alert.status} since {since}",
            ]
            if labels:
                lines.append(f"    {labels}")
        return "\n".join(lines)
