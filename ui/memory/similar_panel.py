"""Side panel: past incidents like the open one, so the commander starts from what worked.

Right after a declaration it raises itself with a banner when it found any;
it never blocks or steals focus from the quick-entry bar.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from commander.services.memory import SimilarIncident
from ui.memory.models import RefRole, RichTextRole, SimilarIncidentsModel
from ui.memory.rich_delegate import RichTextDelegate


class SimilarPanel(QWidget):
    open_requested = Signal(str)
    # Someone looks at the panel now (its tab came to the front, the window showed).
    shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = QLabel()
        self.banner.setObjectName("similarBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#similarBanner { background: #fff8e1; border: 1px solid #ffb300;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.banner.hide()
        self.model = SimilarIncidentsModel(self)
        self.view = QListView()
        self.view.setObjectName("similarIncidents")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setItemDelegate(RichTextDelegate(RichTextRole, self.view, wrap=True))
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap when the panel resizes
        self.view.setSpacing(2)
        self.view.activated.connect(self._activated)
        self.empty = QLabel("No similar past incident.")
        self.empty.setObjectName("similarEmpty")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)
        self.ref: str | None = None

    def show_similar(self, ref: str, items: list[SimilarIncident], just_declared: bool) -> None:
        self.ref = ref
        self.model.set_rows(items)
        self.view.setVisible(bool(items))
        self.empty.setVisible(not items)
        if just_declared and items:
            count = len(items)
            self.banner.setText(
                f"<b>{count} similar past incident{'s' if count > 1 else ''}</b>: "
                "see what worked last time. Double-click one to open it."
            )
            self.banner.show()
        else:
            self.banner.hide()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(index.data(RefRole))
