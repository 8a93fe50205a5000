"""An entry someone else changed while you edited it: both texts, and your choice.

The core refused the edit (``EditConflictError``: nothing was saved) and hands
over what is stored now and what you wrote. Keep theirs saves nothing; use
mine saves your text; edit the right-hand box first and it saves that, merged.
Either save is made against the version the conflict named, so a third writer
in between is caught again.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from commander.errors import EditConflictError


class Choice(Enum):
    KEEP_THEIRS = "keep theirs"
    USE_MINE = "use mine"
    MERGED = "merged"


class ConflictDialog(QDialog):
    def __init__(self, conflict: EditConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entryConflict")
        self.setWindowTitle("Someone else changed this entry")
        self.conflict = conflict
        self.choice = Choice.KEEP_THEIRS
        intro = QLabel(
            "This entry was changed by someone else while you edited it; nothing of yours "
            "was saved yet. Keep their text, use yours, or edit yours into one text and save it."
        )
        intro.setWordWrap(True)
        self.theirs_box = QPlainTextEdit(conflict.theirs)
        self.theirs_box.setReadOnly(True)
        self.theirs_box.setObjectName("theirs")
        self.mine_box = QPlainTextEdit(conflict.yours)
        self.mine_box.setObjectName("mine")
        buttons = QDialogButtonBox()
        self.keep_button = QPushButton("Keep theirs")
        self.mine_button = QPushButton("Use mine")
        self.merged_button = QPushButton("Save edited text")
        self.merged_button.setEnabled(False)
        for button in (self.keep_button, self.mine_button, self.merged_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button.clicked.connect(lambda: self._choose(Choice.KEEP_THEIRS))
        self.mine_button.clicked.connect(lambda: self._choose(Choice.USE_MINE))
        self.merged_button.clicked.connect(lambda: self._choose(Choice.MERGED))
        self.mine_box.textChanged.connect(self._on_mine_edited)
        layout = QGridLayout(self)
        layout.addWidget(intro, 0, 0, 1, 2)
        layout.addWidget(QLabel("Theirs (stored now)"), 1, 0)
        layout.addWidget(QLabel("Yours (edit to merge)"), 1, 1)
        layout.addWidget(self.theirs_box, 2, 0)
        layout.addWidget(self.mine_box, 2, 1)
        layout.addWidget(buttons, 3, 0, 1, 2)

    def _on_mine_edited(self) -> None:
        self.merged_button.setEnabled(self.mine_box.toPlainText() != self.conflict.yours)

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        self.accept()

    def text_to_save(self) -> str | None:
        """The text to save against ``conflict.version``; None keeps theirs."""
        if self.choice is Choice.USE_MINE:
            return self.conflict.yours
        if self.choice is Choice.MERGED:
            return self.mine_box.toPlainText()
        return None
