"""The window's menu entries for postmortems: Incident → Postmortem… and Action items…"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.postmortem.action_items_view import ActionItemsWindow
    from ui.postmortem.editor import PostmortemEditor


class PostmortemActions:
    """Owns the editors (one per incident) and the action items window."""

    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        self.window = window
        self.editors: dict[str, PostmortemEditor] = {}
        self.items_window: ActionItemsWindow | None = None
        self.postmortem = QAction("&Postmortem…", window, shortcut=QKeySequence("Ctrl+Shift+P"))
        self.postmortem.setEnabled(False)
        self.postmortem.triggered.connect(self.open_editor)
        self.action_items = QAction("Open &action items…", window)
        self.action_items.setEnabled(False)
        self.action_items.triggered.connect(self.open_action_items)
        menu.addSeparator()
        menu.addActions([self.postmortem, self.action_items])
        window.addActions([self.postmortem])
        window.incident_shown.connect(lambda _ref: self.postmortem.setEnabled(True))
        window.store_opened.connect(lambda: self.action_items.setEnabled(True))

    def open_editor(self) -> PostmortemEditor | None:
        from ui.postmortem.editor import PostmortemEditor

        if self.window.current is None or self.window.store is None:
            return None
        ref = self.window.current.ref
        editor = self.editors.get(ref)
        if editor is None:
            editor = PostmortemEditor(self.window, ref)
            editor.destroyed.connect(lambda _obj=None, r=ref: self.editors.pop(r, None))
            self.editors[ref] = editor
            editor.load()
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def open_action_items(self) -> ActionItemsWindow | None:
        from ui.postmortem.action_items_view import ActionItemsWindow

        if self.window.store is None:
            return None
        if self.items_window is None:
            self.items_window = ActionItemsWindow(self.window)
        self.items_window.reload()
        self.items_window.show()
        self.items_window.raise_()
        return self.items_window
