"""The quick-entry bar: one line for the scribe, and a paste that is never cut.

A ``QLineEdit`` keeps one line and, by default, 32,767 characters: a log pasted
into it lost its line breaks and everything past that limit, silently. Here a
paste that holds a line break or runs long (keyboard, context menu, middle click,
drag and drop) never enters the bar: ``long_text`` hands the bar's text with the
paste in place to the multi-line editor. The bar has no length limit of its own,
and a line break that arrives some other way sends the text on all the same.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import (
    QClipboard,
    QContextMenuEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
)
from PySide6.QtWidgets import QLineEdit, QWidget

# Longer than this, a paste goes to the multi-line editor even on one line: the bar
# shows some 120 characters, so a paste this long cannot be read back before Enter.
LONG_PASTE = 500
_NO_LIMIT = 2**31 - 1  # QLineEdit's own default (32,767) truncates without a word


def is_long(text: str) -> bool:
    return len(text) > LONG_PASTE or "\n" in text or "\r" in text


class QuickEntryBar(QLineEdit):
    # The bar's whole text, with what was pasted in place: for the multi-line editor.
    long_text = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxLength(_NO_LIMIT)
        self.textChanged.connect(self._send_on_line_breaks)

    def paste_text(self, pasted: str) -> None:
        """Insert ``pasted`` at the cursor (over the selection), as a paste does; a long
        or multi-line paste goes to the editor instead, with the bar's text around it."""
        if not is_long(pasted):
            self.insert(pasted)
            return
        start = self.selectionStart() if self.hasSelectedText() else self.cursorPosition()
        end = start + len(self.selectedText())
        text = self.text()
        whole = text[:start] + pasted + text[end:]
        self.clear()
        self.long_text.emit(whole)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_text(QGuiApplication.clipboard().text())
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu()
        for action in menu.actions():
            if action.objectName() == "edit-paste":  # Qt's own name for it
                action.triggered.disconnect()
                action.triggered.connect(
                    lambda: self.paste_text(QGuiApplication.clipboard().text())
                )
        menu.exec(event.globalPos())
        menu.deleteLater()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        clipboard = QGuiApplication.clipboard()
        if event.button() == Qt.MouseButton.MiddleButton and clipboard.supportsSelection():
            self.paste_text(clipboard.text(QClipboard.Mode.Selection))  # X11's middle click
            return
        super().mouseReleaseEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        data: QMimeData = event.mimeData()
        if data.hasText() and is_long(data.text()):
            event.acceptProposedAction()
            self.setCursorPosition(self.cursorPositionAt(event.position().toPoint()))
            self.deselect()
            self.paste_text(data.text())
            return
        super().dropEvent(event)

    def _send_on_line_breaks(self, text: str) -> None:
        """The safety net: a line break set some other way (an input method, a script)
        would be shown as a blank and logged unseen; the editor shows it."""
        if "\n" in text or "\r" in text:
            self.clear()
            self.long_text.emit(text)
