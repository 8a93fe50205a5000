"""The postmortem feature: Incident → Postmortem… and Open action items…

It guards the window's close: an editor with unsaved edits asks Save / Discard /
Cancel before anything closes.
"""

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
        # The person chose Save when the window was closing: close it once saved.
        self._close_window_when_saved = False
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
        shell.add_close_guard(self._may_close_window)

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
            editor.saved.connect(self._on_editor_saved)
            editor.save_failed.connect(self._on_editor_save_failed)
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

    # -- the window's close ------------------------------------------------------------
    def _may_close_window(self) -> bool:
        """Each editor with unsaved edits comes forward and asks; Cancel keeps the
        window open. Save keeps it open until the saves land, then closes it again."""
        from ui.postmortem.editor import Answer, ask_unsaved

        saving = False
        for editor in list(self.editors.values()):
            if editor.is_saving():
                saving = True
                continue
            if not editor.is_dirty():
                continue
            editor.show()
            editor.raise_()
            editor.activateWindow()
            answer = ask_unsaved(editor, editor.ref)
            if answer == Answer.Save:
                editor.save()
                saving = True
            elif answer == Answer.Discard:
                editor.discard()
            else:
                self._close_window_when_saved = False
                return False
        self._close_window_when_saved = saving
        return not saving

    def _on_editor_saved(self, _saved: object) -> None:
        if not self._close_window_when_saved:
            return
        if any(editor.is_saving() for editor in self.editors.values()):
            return
        self._close_window_when_saved = False
        self.shell.parent_widget().close()  # asks every guard again

    def _on_editor_save_failed(self) -> None:
        # Refused (another seat saved first, a bad value): the person sees why and the
        # window stays open with their text.
        self._close_window_when_saved = False
