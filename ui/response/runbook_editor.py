"""Write a runbook (from the template or an incident draft) and save it to the user folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from commander.errors import CommanderError
from ui.common.named import named, wrapping


class RunbookEditor(QDialog):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Runbook")
        self.saved_path: Path | None = None
        self.editor = QPlainTextEdit(text)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.problem = wrapping(named(QLabel(), "entryHint"))
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Markdown: # title, ## sections, numbered steps, commands in `code spans`.")
        )
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(640, 560)

    def save(self) -> None:
        """Save to the user folder; on a problem (name taken, no title) say so and stay open."""
        from commander.services.runbooks import save_runbook

        try:
            self.saved_path = save_runbook(self.editor.toPlainText())
        except CommanderError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        self.accept()
