"""Add or edit one action item. The core checks the values; this only collects them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from commander.domain.action_item_choices import ItemStatus, ItemType, Priority
from commander.domain.when import utc_now
from commander.services.action_items import ActionItemFields


class ActionItemDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        item: ActionItemFields | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit action item" if item else "Add action item")
        self.setMinimumWidth(520)
        item = item or ActionItemFields("")
        self.description = QLineEdit(item.description)
        self.description.setObjectName("itemDescription")
        self.description.setPlaceholderText("What must change, stated so that someone can do it")
        self.owner = QLineEdit(item.owner)
        self.owner.setObjectName("itemOwner")
        self.type = self._combo(ItemType, item.type)
        self.priority = self._combo(Priority, item.priority)
        self.status = self._combo(ItemStatus, item.status)
        self.has_due = QCheckBox("Due by")
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        # The app clock's UTC day, the day the core judges "overdue" by.
        start = item.due_on or today or utc_now().date()
        self.due.setDate(QDate(start.year, start.month, start.day))
        self.has_due.setChecked(item.due_on is not None)
        self.due.setEnabled(item.due_on is not None)
        self.has_due.toggled.connect(self.due.setEnabled)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due, 1)
        self.tracker = QLineEdit(item.tracker_url)
        self.tracker.setObjectName("itemTracker")
        self.tracker.setPlaceholderText("https://tracker.example/TICKET-1")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Action", self.description)
        form.addRow("Owner", self.owner)
        form.addRow("Type", self.type)
        form.addRow("Priority", self.priority)
        form.addRow("Due", due_row)
        form.addRow("Status", self.status)
        form.addRow("Tracker link", self.tracker)
        form.addRow(buttons)

    @staticmethod
    def _combo(
        choices: type[ItemType] | type[Priority] | type[ItemStatus], current: object
    ) -> QComboBox:
        combo = QComboBox()
        for choice in choices:
            combo.addItem(choice.label, choice)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        return combo

    def fields(self) -> ActionItemFields:
        due = self.due.date().toPython() if self.has_due.isChecked() else None
        assert due is None or isinstance(due, date)
        return ActionItemFields(
            description=self.description.text(),
            owner=self.owner.text(),
            type=ItemType(self.type.currentData()),
            priority=Priority(self.priority.currentData()),
            due_on=due,
            status=ItemStatus(self.status.currentData()),
            tracker_url=self.tracker.text(),
        )
