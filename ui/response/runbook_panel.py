"""Runbooks beside the timeline: search, read (Markdown), copy a command, attach, write.

The library is read on the worker; the user's folder is watched, so a runbook
saved from here or dropped in by hand appears without a restart.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QFileSystemWatcher,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from commander.domain.runbooks import Runbook
from ui.common.named import named, wrapping
from ui.response import store_calls

if TYPE_CHECKING:
    from commander.services.checklist import ChecklistItemView
    from commander.services.runbooks import RunbookLibrary
    from ui.context import AppContext

# Attach a runbook to the open incident, then call back with the checklist items it added.
Attach = Callable[[Runbook, Callable[[list["ChecklistItemView"]], None]], None]

_Index = QModelIndex | QPersistentModelIndex
COPY_HINT = "Click a command to copy it."
# An inline code span in markdown's HTML (code blocks are <pre><code>, left alone).
_INLINE_CODE = re.compile(r"(?<!<pre>)<code>(.*?)</code>", re.DOTALL)


def render_runbook(text: str) -> tuple[str, list[str]]:
    """Markdown to HTML in which each inline code span is a copy link; and the commands.

    A runbook is a file anyone may drop in the user folder, so it goes through the
    core's sanitiser: its raw HTML is shown as text and its own links keep an
    address only when it is a web page. The copy links are added after that, so a
    ``copy:`` link written by the author (which could put a different command on
    the clipboard than the one the reader sees) has already lost its address.
    """
    # Imported on first view, not at start-up (it pulls in markdown and nh3).
    from commander.safe_html import WEB_SCHEMES, markdown_to_html

    commands: list[str] = []

    def linked(match: re.Match[str]) -> str:
        commands.append(html.unescape(match.group(1)))
        number = len(commands) - 1
        return f'<a href="copy:{number}" title="Copy"><code>{match.group(1)}</code></a>'

    body = markdown_to_html(text, link_schemes=WEB_SCHEMES)
    return _INLINE_CODE.sub(linked, body), commands


class RunbookListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._runbooks: list[Runbook] = []

    def set_runbooks(self, runbooks: list[Runbook]) -> None:
        self.beginResetModel()
        self._runbooks = list(runbooks)
        self.endResetModel()

    def runbook_at(self, row: int) -> Runbook:
        return self._runbooks[row]

    def row_of(self, name: str) -> int:
        names = [runbook.name for runbook in self._runbooks]
        return names.index(name) if name in names else -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._runbooks)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._runbooks):
            return None
        runbook = self._runbooks[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return runbook.title + ("  (yours)" if runbook.user else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{runbook.name}.md · {len(runbook.steps)} numbered steps"
        return None


class RunbookPanel(QWidget):
    def __init__(self, context: AppContext, attach: Attach, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runbookPanel")
        self._context = context
        self._attach = attach
        self.library: RunbookLibrary | None = None
        self.commands: list[str] = []
        self.search = QLineEdit(placeholderText="Search runbooks (every word)…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._filter())
        self.model = RunbookListModel(self)
        self.list = named(QListView(), "runbookList")
        self.list.setModel(self.model)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._show_selected())
        self.viewer = named(QTextBrowser(), "runbookViewer")
        self.viewer.setOpenLinks(False)
        self.viewer.anchorClicked.connect(self._on_link)
        self.status = wrapping(named(QLabel(), "runbookStatus"))
        self.attach_button = QPushButton("Attach to incident")
        self.attach_button.setToolTip("Numbered steps become checklist items of the current phase")
        self.attach_button.clicked.connect(self.attach_selected)
        self.new_button = QPushButton("New runbook…")
        self.new_button.clicked.connect(self.ask_new_runbook)
        self.draft_button = QPushButton("Draft from incident…")
        self.draft_button.setToolTip("A runbook whose steps are this incident's actions and fixes")
        self.draft_button.clicked.connect(self.draft_from_incident)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(self.viewer)
        split.setSizes([140, 400])
        # Attach on its own row: three buttons side by side made the dock too wide for the
        # timeline on a 1280-pixel screen.
        buttons = QGridLayout()
        buttons.addWidget(self.attach_button, 0, 0, 1, 2)
        buttons.addWidget(self.new_button, 1, 0)
        buttons.addWidget(self.draft_button, 1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _path: self.reload())
        self.watcher.fileChanged.connect(lambda _path: self.reload())
        self.reload()

    # -- the library --------------------------------------------------------------------
    def reload(self) -> None:
        # Files, not the store: the reader, so a slow disk never holds up a write.
        self._context.reader.submit(store_calls.load_runbooks, self._on_loaded)

    def _on_loaded(self, result: tuple[RunbookLibrary, str]) -> None:
        self.library, folder = result
        if folder not in self.watcher.directories():
            self.watcher.addPath(folder)
        files = [str(p) for p in _user_files(folder)]
        stale = [f for f in self.watcher.files() if f not in files]
        if stale:
            self.watcher.removePaths(stale)
        # Watch each file too: an edit in place does not change the folder.
        unwatched = [f for f in files if f not in self.watcher.files()]
        if unwatched:
            self.watcher.addPaths(unwatched)
        problems = "; ".join(self.library.problems)
        self.status.setText(f"Skipped: {problems}" if problems else COPY_HINT)
        self._filter()

    def _filter(self) -> None:
        if self.library is None:
            return
        selected = self.selected_runbook()
        self.model.set_runbooks(self.library.search(self.search.text()))
        row = self.model.row_of(selected.name) if selected else -1
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(max(row, 0)))
        else:
            self.viewer.setHtml("<p>No runbook contains every word.</p>")
        self._show_selected()

    def selected_runbook(self) -> Runbook | None:
        index = self.list.currentIndex()
        return self.model.runbook_at(index.row()) if index.isValid() else None

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))

    def _show_selected(self) -> None:
        runbook = self.selected_runbook()
        self.attach_button.setEnabled(runbook is not None and bool(runbook.steps))
        if runbook is None:
            return
        body, self.commands = render_runbook(runbook.text)
        self.viewer.setHtml(body)

    # -- actions ------------------------------------------------------------------------
    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "copy":
            number = url.path()
            if number.isascii() and number.isdigit() and int(number) < len(self.commands):
                command = self.commands[int(number)]
                QGuiApplication.clipboard().setText(command)
                self.status.setText(f"Copied: {command}")
        elif url.scheme() in ("http", "https"):  # what commander.safe_html.WEB_SCHEMES keeps
            QDesktopServices.openUrl(url)

    def attach_selected(self) -> None:
        runbook = self.selected_runbook()
        if runbook is None:
            return

        def attached(items: list[ChecklistItemView]) -> None:
            phase = items[0].phase.label if items else "the current phase"
            self.status.setText(f"Attached “{runbook.title}”: {len(items)} steps added to {phase}")

        self._attach(runbook, attached)
        self.status.setText(f"Attaching “{runbook.title}” to the current phase…")

    def ask_new_runbook(self) -> None:
        from commander.domain.runbooks import new_runbook_text

        title, ok = QInputDialog.getText(self, "New runbook", "Title:")
        if ok and title.strip():
            self.edit_and_save(new_runbook_text(title))

    def draft_from_incident(self) -> None:
        incident = self._context.incident
        if incident is None or self._context.store is None:
            return
        ref = incident.ref
        self._context.read(lambda store: store_calls.draft_runbook(store, ref), self.edit_and_save)

    def edit_and_save(self, text: str) -> None:
        from ui.response.runbook_editor import RunbookEditor

        editor = RunbookEditor(text, self)
        if editor.exec() == RunbookEditor.DialogCode.Accepted and editor.saved_path:
            self.status.setText(f"Saved {editor.saved_path}")
            self.reload()


def _user_files(folder: str) -> list[Path]:
    return sorted(Path(folder).glob("*.md"))
