"""The bar above the timeline: search box, kind chips, pinned only, author, and what is shown.

It only gathers what the reader wants to see (a ``TimelineFilter``); the page
asks the core for matching entries. Every control is reachable with Tab and
works with Space; Esc in the search box clears it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from commander.domain import USER_KINDS, EntryKind
from commander.views.timeline import NO_FILTER, TimelineFilter
from ui.common.named import named

ANY_AUTHOR = "Any author"
# Typing pauses this long before the search runs: one query per burst of keys.
SEARCH_DELAY_MS = 250


def shown_text(shown: int, total: int, filtering: bool) -> str:
    if not filtering:
        return f"{total:,} entries" if total != 1 else "1 entry"
    return f"{shown:,} of {total:,} entries shown"


class TimelineFilterBar(QWidget):
    filter_changed = Signal(object)  # TimelineFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineFilter")
        self.search = named(QLineEdit(), "timelineSearch")
        self.search.setPlaceholderText("Search the timeline (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._emit)  # no need to wait for the pause
        self.kind_buttons: dict[str, QToolButton] = {}
        # Two rows, so the chips never squeeze the search box when side panels take room.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(4)
        search_row, layout = QHBoxLayout(), QHBoxLayout()
        rows.addLayout(search_row)
        rows.addLayout(layout)
        search_row.addWidget(self.search, 1)
        for kind in USER_KINDS:
            button = QToolButton()
            button.setText(kind.value)
            button.setCheckable(True)
            button.setToolTip(f"Show {kind.value} entries (several kinds can be on)")
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.toggled.connect(self._emit)
            self.kind_buttons[kind.value] = button
            layout.addWidget(button)
        # The kinds the app writes (severity, phase, checklist, ...) sit in one menu, so the
        # bar stays narrow enough for a 1280-pixel screen with the side panels open.
        self.other_kinds_button = QToolButton()
        self.other_kinds_button.setText("Other kinds")
        self.other_kinds_button.setToolTip("Show entries the app wrote, by kind")
        self.other_kinds_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.other_kinds_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.other_kinds_button)
        self.other_kinds: dict[str, QAction] = {}
        for kind in EntryKind:
            if kind in USER_KINDS:
                continue
            action = menu.addAction(kind.value)
            action.setCheckable(True)
            action.toggled.connect(self._emit)
            self.other_kinds[kind.value] = action
        self.other_kinds_button.setMenu(menu)
        layout.addWidget(self.other_kinds_button)
        self.pinned_button = QToolButton()
        self.pinned_button.setText("★ pinned")
        self.pinned_button.setCheckable(True)
        self.pinned_button.setToolTip("Show pinned entries only")
        self.pinned_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pinned_button.toggled.connect(self._emit)
        layout.addWidget(self.pinned_button)
        self.author_combo = named(QComboBox(), "authorFilter")
        self.author_combo.addItem(ANY_AUTHOR)
        self.author_combo.currentIndexChanged.connect(self._emit)
        layout.addWidget(self.author_combo)
        layout.addStretch(1)
        self.shown_label = named(QLabel(), "shownCount")
        search_row.addWidget(self.shown_label)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setToolTip("Show the whole timeline again")
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.hide()
        search_row.addWidget(self.clear_button)
        self._emitted = NO_FILTER
        self._quiet = False

    @property
    def applied(self) -> TimelineFilter:
        """The filter last asked for: what the rows reflect (typing may be ahead of it)."""
        return self._emitted

    def current_filter(self) -> TimelineFilter:
        author = self.author_combo.currentText()
        return TimelineFilter(
            kinds=frozenset(
                [k for k, b in self.kind_buttons.items() if b.isChecked()]
                + [k for k, a in self.other_kinds.items() if a.isChecked()]
            ),
            pinned_only=self.pinned_button.isChecked(),
            author=None if self.author_combo.currentIndex() <= 0 else author,
            query=self.search.text().strip(),
        )

    def set_authors(self, authors: tuple[str, ...]) -> None:
        """Offer these authors, keeping the one chosen if it is still there."""
        chosen = self.author_combo.currentText()
        self._quiet = True
        try:
            self.author_combo.clear()
            self.author_combo.addItems([ANY_AUTHOR, *authors])
            self.author_combo.setCurrentIndex(max(0, self.author_combo.findText(chosen)))
        finally:
            self._quiet = False
        self._emit()  # only emits if the chosen author disappeared

    def set_counts(self, shown: int, total: int) -> None:
        self.shown_label.setText(shown_text(shown, total, self._emitted.active))

    def clear(self) -> None:
        """Back to the whole timeline, in one go (one reload, not one per control)."""
        self._reset_controls()
        self._emit()

    def reset_silently(self) -> None:
        """A different incident opened: start unfiltered without asking for a reload."""
        self._reset_controls()
        self._emitted = NO_FILTER
        self.clear_button.hide()

    def _reset_controls(self) -> None:
        self._quiet = True
        try:
            self.search.clear()
            for button in [*self.kind_buttons.values(), self.pinned_button]:
                button.setChecked(False)
            for action in self.other_kinds.values():
                action.setChecked(False)
            self.author_combo.setCurrentIndex(0)
        finally:
            self._quiet = False
        self._search_timer.stop()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _emit(self) -> None:
        if self._quiet:
            return
        wanted = self.current_filter()
        if wanted == self._emitted:
            return
        self._emitted = wanted
        self.clear_button.setVisible(wanted.active)
        others = sum(action.isChecked() for action in self.other_kinds.values())
        self.other_kinds_button.setText(f"Other kinds ({others})" if others else "Other kinds")
        self.filter_changed.emit(wanted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape  # type: ignore[attr-defined]
            and self.search.text()
        ):
            self.search.clear()
            self._search_timer.stop()
            self._emit()
            return True
        return False
