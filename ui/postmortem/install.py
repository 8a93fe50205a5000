"""The postmortem feature: Incident → Postmortem… and Open action items…"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from commander.views.incidents import IncidentDetail
    from ui.context import AppContext
    from ui.postmortem.action_items_view import ActionItemsWindow
    from ui.postmortem.editor import PostmortemEditor
    from ui.shell import Shell

MENU = "&Incident"


def install(context: AppContext, shell: Shell) -> None:
    PostmortemFeature(context, shell)


class PostmortemFeature(QObject):
    """Owns the editors (one per incident) and the action items window."""

    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(context)
        self.context = context
        self.shell = shell
        self.editors: dict[str, PostmortemEditor] = {}
        self.items_window: ActionItemsWindow | None = None
        parent = shell.parent_widget()
        self.postmortem = QAction("&Postmortem…", parent)
        self.postmortem.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.postmortem.setEnabled(False)
        self.postmortem.triggered.connect(self.open_editor)
        self.action_items = QAction("Open &action items…", parent)
        self.action_items.setEnabled(False)
        self.action_items.triggered.connect(self.open_action_items)
        shell.menu(MENU).addSeparator()
        shell.add_action(MENU, self.postmortem)
        shell.add_action(MENU, self.action_items)
        context.incident_opened.connect(self._on_incident_opened)
        context.store_opened.connect(lambda: self.action_items.setEnabled(True))

    def _on_incident_opened(self, incident: IncidentDetail | None) -> None:
        self.postmortem.setEnabled(incident is not None)

    def open_editor(self) -> PostmortemEditor | None:
        from ui.postmortem.editor import PostmortemEditor

        incident = self.context.incident
        if incident is None or self.context.store is None:
            return None
        ref = incident.ref
        editor = self.editors.get(ref)
        if editor is None:
            editor = PostmortemEditor(self.context, self.shell, incident)
            editor.destroyed.connect(lambda _obj=None, r=ref: self.editors.pop(r, None))
            self.editors[ref] = editor
            editor.load()
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def open_action_items(self) -> ActionItemsWindow | None:
        from ui.postmortem.action_items_view import ActionItemsWindow

        if self.context.store is None:
            return None
        if self.items_window is None:
            self.items_window = ActionItemsWindow(self.context, self.shell.parent_widget())
        self.items_window.reload()
        self.items_window.show()
        self.items_window.raise_()
        return self.items_window
