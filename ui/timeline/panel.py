"""The open incident's timeline: filter bar, rows and the quick-entry bar.

The timeline is read a page at a time through the context: the newest page
when the incident opens or the filter changes, older pages when the reader
reaches the top. Changes announced for the open incident carry their entries,
which are merged in without asking the store; while a filter is on, the core
says which of them pass it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commander import clock
from commander.domain import USER_KINDS
from commander.domain.quick_entry import (
    LogEntry,
    QuickEntry,
    parse_quick_entry,
    recall_text,
    refuse_backdated_change,
)
from commander.domain.when import format_backdate, typing_zone
from commander.errors import InvalidInputError
from commander.views.incidents import EntryView, IncidentDetail
from commander.views.timeline import TimelineFilter, TimelinePage
from ui.common.named import named, wrapping
from ui.timeline import store_calls
from ui.timeline.chat_link import ChatLinks, chat_fact, open_link
from ui.timeline.entry_bar import QuickEntryBar
from ui.timeline.filter_bar import TimelineFilterBar
from ui.timeline.model import AUTHOR, KIND, TEXT, TIME, TimelineModel, waiting

if TYPE_CHECKING:
    from datetime import datetime

    from commander.views.timeline import TimelineCounts
    from ui.context import AppContext
    from ui.timeline.long_entry_dialog import LongEntryDialog

_EDIT_KEYS = (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter)
_TIME_WIDTH = 110


class TimelinePanel(QWidget):
    # (what was typed, the parsed QuickEntry)
    entry_submitted = Signal(str, object)
    # (entry id, what was typed, the parsed LogEntry)
    # A correction: the entry id, the version recalled, what was typed, the parsed entry.
    edit_submitted = Signal(int, int, str, object)
    delete_requested = Signal(int)
    restore_requested = Signal(int)
    history_requested = Signal(int)
    # (entry id, the changed fields as edit_entry keywords) from the edit dialog
    entry_edit_submitted = Signal(int, object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self._context = context
        self.incident_id: int | None = None
        self.incident_ref: str | None = None
        # Bumped whenever the rows are replaced: answers for older rows are dropped.
        self._generation = 0
        self._fetching_older = False
        self._authors_wanted = False
        self._incident_start: datetime | None = None
        self.timeline_model = TimelineModel(self)
        self.timeline_model.set_local_time(context.settings.show_local_time)
        self.timeline_view = named(QTableView(), "timeline")
        self.timeline_view.setModel(self.timeline_model)
        self.timeline_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline_view.setWordWrap(False)
        # "… (149 lines)" ends a long entry's cell: a narrow column cuts its middle instead.
        self.timeline_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.timeline_view.setAlternatingRowColors(True)
        vertical = self.timeline_view.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # fast with many rows
        horizontal = self.timeline_view.horizontalHeader()
        horizontal.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        for column, width in ((TIME, _TIME_WIDTH), (AUTHOR, 120), (KIND, 120)):
            self.timeline_view.setColumnWidth(column, width)
        self.timeline_model.dates_shown_changed.connect(self._fit_time_column)
        # The whole text of a long entry, below the rows while it is the current one.
        self.detail = named(QPlainTextEdit(), "entryDetail")
        self.detail.setReadOnly(True)
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.detail.hide()
        self._detail_entry: EntryView | None = None
        # A captured chat message's permalink and files, under the rows while it is current.
        self.chat_links = ChatLinks()
        self.timeline_view.selectionModel().currentRowChanged.connect(self._show_detail)
        self.timeline_model.dataChanged.connect(self._show_detail)
        self.timeline_model.modelReset.connect(self._show_detail)
        self.timeline_model.rowsRemoved.connect(self._show_detail)
        self.entry_bar = named(QuickEntryBar(), "quickEntry")
        self.entry_bar.long_text.connect(self.open_long_entry)
        self._long_entry: LongEntryDialog | None = None
        self.entry_bar.setPlaceholderText(
            "Log what happened, Enter to save (Ctrl+L).  10:05 or -5m backdates;"
            " /action /decision /observation /hypothesis /pin;  /sev P1 why;  /phase mitigate;"
            "  /report NAME: what a user saw"
        )
        self.entry_bar.returnPressed.connect(self._submit)
        self.entry_bar.installEventFilter(self)
        self.timeline_view.installEventFilter(self)
        self.timeline_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.timeline_view.customContextMenuRequested.connect(self._entry_menu)
        # Following the newest rows: kept while the reader stays at the bottom, so rows
        # laid out after they were shown (the first open, a resize) keep the bottom in view.
        self._at_live_edge = True
        self._waiting: list[EntryView] = []  # journaled, shown until the server has them
        self.timeline_view.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.timeline_view.verticalScrollBar().rangeChanged.connect(self._on_range_changed)
        self.filter_bar = TimelineFilterBar()
        self.filter_bar.filter_changed.connect(self._on_filter_changed)
        find = QAction("Find in timeline", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        find.triggered.connect(self.filter_bar.focus_search)
        self.addAction(find)
        self._last_logged: int | None = None  # what Up recalls
        # The entry Up recalled, and its version then: (id, version).
        self._editing: tuple[int, int] | None = None
        self.hint = wrapping(named(QLabel(), "entryHint"))
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.hide()
        self.entry_bar.textEdited.connect(self._on_bar_edited)
        self.entry_bar.textChanged.connect(self._preview_line)
        # The filters and rows in a box of their own; the bar and its hint below.
        timeline_area = QWidget()
        timeline_layout = QVBoxLayout(timeline_area)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.addWidget(self.filter_bar)
        self.rows_and_detail = QSplitter(Qt.Orientation.Vertical)
        self.rows_and_detail.setChildrenCollapsible(False)
        self.rows_and_detail.addWidget(self.timeline_view)
        self.rows_and_detail.addWidget(self.detail)
        self.rows_and_detail.setStretchFactor(0, 3)
        self.rows_and_detail.setStretchFactor(1, 2)
        timeline_layout.addWidget(self.rows_and_detail, 1)
        timeline_layout.addWidget(self.chat_links)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(timeline_area, 1)
        layout.addWidget(self.entry_bar)
        layout.addWidget(self.hint)
        # Tab walks the page top to bottom: filters, then the timeline, then the bar.
        bar = self.filter_bar
        chain = [bar.search, *bar.kind_buttons.values(), bar.other_kinds_button, bar.pinned_button]
        chain += [bar.author_combo]
        chain += [bar.clear_button, self.timeline_view, self.entry_bar]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- loading ------------------------------------------------------------------------
    def show_incident(self, incident: IncidentDetail) -> None:
        """Read the newest page of another incident's timeline (its filter starts cleared).

        The same incident read again (its header changed) keeps its rows: the
        entries that changed it arrive with the change announcement.
        """
        if incident.id == self.incident_id:
            self.incident_ref = incident.ref
            return
        self.filter_bar.reset_silently()
        self.incident_id = incident.id
        self.incident_ref = incident.ref
        self._incident_start = incident.declared_at
        self._generation += 1
        generation, incident_id = self._generation, incident.id
        timeline_filter = self.filter_bar.applied
        self._context.read(
            lambda store: store_calls.read_newest_page(
                store, incident_id, timeline_filter, store_calls.FIRST_PAGE_SIZE
            ),
            lambda page: self._show_page(page, generation),
        )
        # After the rows and their counts: listing the authors scans the whole timeline.
        self._authors_wanted = True

    def set_waiting(self, entries: list[EntryView]) -> None:
        """The open incident's entries waiting in the journal for the server (ui/offline)."""
        self._waiting = entries
        self.timeline_model.set_waiting(entries)
        if entries and self._at_live_edge:
            self.timeline_view.scrollToBottom()

    def _show_page(self, page: TimelinePage, generation: int) -> None:
        if generation < self._generation or self.incident_id is None:
            return  # a newer filter or incident replaced this answer
        self._generation = generation
        self._fetching_older = False
        self.timeline_model.set_earliest_known(self._incident_start)
        self.timeline_model.set_page(page)
        self.timeline_model.set_waiting(self._waiting)  # the page replaced every row
        self._at_live_edge = True
        self.timeline_view.scrollToBottom()
        if page.counts is None:
            self.filter_bar.shown_label.setText("counting…")
            self._refresh_counts()
        else:
            self._show_counts()
        if self._authors_wanted:
            self._authors_wanted = False
            self._load_authors()
        QTimer.singleShot(0, self, self._fill_viewport)  # dropped if the panel goes
        wanted = self.filter_bar.applied
        if page.timeline_filter != wanted:  # the filter changed while this page was read
            self._on_filter_changed(wanted)

    def _on_filter_changed(self, timeline_filter: TimelineFilter) -> None:
        if self.incident_id is None:
            return
        self._generation += 1
        generation, incident_id = self._generation, self.incident_id
        self._context.read(
            lambda store: store_calls.read_filtered_page(store, incident_id, timeline_filter),
            lambda page: self._show_page(page, generation),
        )

    def _fill_viewport(self) -> None:
        """Rows that do not fill the view leave no scrolling to ask for more: ask now."""
        if self.timeline_view.verticalScrollBar().maximum() == 0:
            self.fetch_older()

    def _on_scrolled(self, value: int) -> None:
        bar = self.timeline_view.verticalScrollBar()
        self._at_live_edge = value >= bar.maximum() - 2
        if value == bar.minimum() and bar.maximum() > 0:
            self.fetch_older()

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._at_live_edge:
            self.timeline_view.verticalScrollBar().setValue(maximum)

    def fetch_older(self) -> None:
        """Bring the next older page above the rows shown (on the worker)."""
        model = self.timeline_model
        before = model.oldest_key()
        if self._fetching_older or not model.has_older() or before is None:
            return
        if self.incident_id is None:
            return
        self._fetching_older = True
        generation, incident_id = self._generation, self.incident_id
        timeline_filter = self.filter_bar.applied
        self._context.read(
            lambda store: store_calls.read_older_page(store, incident_id, before, timeline_filter),
            lambda page: self._prepend_page(page, generation),
            self._older_failed,
        )

    def _prepend_page(self, page: TimelinePage, generation: int) -> None:
        if generation != self._generation:
            return
        self._fetching_older = False
        view, model = self.timeline_view, self.timeline_model
        top_row = view.rowAt(0)
        top_id = model.entry_at(top_row).id if top_row >= 0 else None
        added = model.prepend_older(page.entries, page.has_older)
        if added and top_id is not None:
            # Keep the row the reader was looking at where it was.
            # (The scroll range catches up with the new rows only after a layout.)
            view.updateGeometries()
            hint = QAbstractItemView.ScrollHint.PositionAtTop
            view.scrollTo(model.index(model.row_of(top_id), TEXT), hint)
        QTimer.singleShot(0, self, self._fill_viewport)  # dropped if the panel goes

    def _older_failed(self, error: BaseException) -> None:
        self._fetching_older = False
        self.show_hint(f"older entries could not be read: {error}")

    def _show_counts(self) -> None:
        model = self.timeline_model
        self.filter_bar.set_counts(model.shown_count, model.total_count)

    def _refresh_counts(self) -> None:
        if self.incident_id is None:
            return
        generation, incident_id = self._generation, self.incident_id
        timeline_filter = self.filter_bar.applied
        self._context.read(
            lambda store: store_calls.count_entries(store, incident_id, timeline_filter),
            lambda counts: self._set_counts(counts, generation),
        )

    def _set_counts(self, counts: TimelineCounts, generation: int) -> None:
        if generation == self._generation:
            self.timeline_model.set_counts(counts.total, counts.shown)
            self._show_counts()

    def _load_authors(self) -> None:
        if self.incident_id is None:
            return
        incident_id = self.incident_id
        self._context.read(
            lambda store: store_calls.authors_of(store, incident_id),
            lambda authors: self._set_authors(authors, incident_id),
        )

    def _set_authors(self, authors: tuple[str, ...], incident_id: int) -> None:
        if incident_id == self.incident_id:
            self.filter_bar.set_authors(authors)

    # -- live changes -------------------------------------------------------------------
    def apply_changes(self, entries: list[EntryView]) -> None:
        """Merge entries written, edited, deleted or restored (here or on another seat).

        New entries are counted here: no need to ask the store, and a worker
        job now would compete with this handler for the GIL. Only an edit,
        deletion or restore (which may move an entry in or out of the counts)
        asks for the counts again.
        """
        if self.incident_id is None:
            return
        if self.filter_bar.applied.active:
            self._apply_filtered(entries, follow=self._at_bottom())
            return
        at_bottom = self._at_bottom()
        model = self.timeline_model
        new = [entry for entry in entries if model.row_of(entry.id) < 0]
        model.apply_changes(entries)
        if at_bottom:  # follow the live edge, but never yank a reader scrolled up
            self.timeline_view.scrollToBottom()
        # Unknown here and now among the rows (or no older rows left unread): a new
        # entry, not an edit of one above what is loaded.
        only_new = len(new) == len(entries) and all(
            entry.deleted_at is None and (not model.has_older() or model.row_of(entry.id) >= 0)
            for entry in new
        )
        if only_new:
            model.set_counts(model.total_count + len(new), model.shown_count + len(new))
            self._show_counts()
        else:
            self._refresh_counts()
        combo = self.filter_bar.author_combo
        if any(combo.findText(entry.author) < 0 for entry in entries):
            QTimer.singleShot(0, self, self._load_authors)

    def show_logged(self, entry: EntryView) -> None:
        """Bring an entry this window logged into view, and remember it for Up."""
        self._last_logged = entry.id
        row = self.timeline_model.row_of(entry.id)
        if row >= 0:
            self.timeline_view.scrollTo(self.timeline_model.index(row, TEXT))

    def _apply_filtered(self, entries: list[EntryView], follow: bool) -> None:
        """Ask the core which entries pass the filter, then show only those."""
        if self.incident_id is None:
            return
        generation, incident_id = self._generation, self.incident_id
        timeline_filter = self.filter_bar.applied
        ids = [entry.id for entry in entries]

        def show(result: tuple[frozenset[int], TimelineCounts]) -> None:
            if generation != self._generation:
                return  # the rows were reloaded since: they already include these
            matching, counts = result
            self.timeline_model.apply_changes(entries, matching)
            self.timeline_model.set_counts(counts.total, counts.shown)
            self._show_counts()
            if follow:
                self.timeline_view.scrollToBottom()

        self._context.read(
            lambda store: store_calls.matching_entries(store, incident_id, timeline_filter, ids),
            show,
        )
        if any(self.filter_bar.author_combo.findText(entry.author) < 0 for entry in entries):
            self._load_authors()

    def _at_bottom(self) -> bool:
        bar = self.timeline_view.verticalScrollBar()
        return bar.value() >= bar.maximum() - 2

    def focus_entry_bar(self) -> None:
        self.entry_bar.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.entry_bar.selectAll()

    def entry_committed(self, text: str) -> None:
        """Clear the bar (or close the long-entry editor) only if it still holds what was
        committed."""
        self._editing = None
        self.entry_bar.setEnabled(True)
        dialog = self._long_entry
        if dialog is not None and dialog.pending == text:
            dialog.committed()
        elif self.entry_bar.text() == text:
            self.entry_bar.clear()
        self.entry_bar.setFocus()

    def entry_failed(self, message: str) -> None:
        dialog = self._long_entry
        if dialog is not None and dialog.pending is not None:
            dialog.failed(message)  # the editor keeps the text, with the reason
            return
        self.entry_bar.setEnabled(True)  # the typed text stays for another try
        self.entry_bar.setFocus()
        self.show_hint(message)

    def show_hint(self, message: str, info: bool = False) -> None:
        """A problem (red) under the bar, or ``info``: what Enter will do (a backdate)."""
        self.hint.setText(message)
        if self.hint.property("info") != info:
            self.hint.setProperty("info", info)
            self.hint.style().unpolish(self.hint)
            self.hint.style().polish(self.hint)
        self.hint.show()

    def _on_bar_edited(self, text: str) -> None:
        self.hint.hide()  # the person is fixing what the hint said
        self._preview_line(text)

    def _preview_line(self, text: str) -> None:
        """Say before Enter what a leading time will do: ``backdated to 18:00Z (…)``.

        The core parses the line (as Enter will); only a line that parses with a time
        says anything, so half-typed text shows no error until Enter.
        """
        local = self.timeline_model.local_time
        parsed: QuickEntry | None = None
        if text.strip():
            try:
                parsed = parse_quick_entry(text, zone=typing_zone(local))
                refuse_backdated_change(parsed)
            except InvalidInputError as error:
                if parsed is not None:  # it parsed, with a time it cannot take
                    self.show_hint(str(error))
                    return
                parsed = None
        if parsed is not None and parsed.occurred_at is not None:
            self.show_hint(format_backdate(parsed.occurred_at, clock.now(), local), info=True)
        elif self.hint.property("info"):
            self.hint.hide()

    def _submit(self) -> None:
        text = self.entry_bar.text()
        if not text.strip():
            return
        try:
            # "10:05" means 10:05 on the clock the timeline shows: UTC unless local is on.
            parsed = parse_quick_entry(text, zone=typing_zone(self.timeline_model.local_time))
        except InvalidInputError as error:
            self.show_hint(str(error))  # nothing is written; the text stays to be fixed
            return
        if self._editing is not None and not isinstance(parsed, LogEntry):
            self.show_hint("a correction keeps it an entry: /sev and /phase cannot replace one")
            return
        self.hint.hide()
        self.entry_bar.setEnabled(False)
        self._hand_over(text, parsed, self._editing)

    def _hand_over(self, text: str, parsed: QuickEntry, editing: tuple[int, int] | None) -> None:
        if editing is not None:
            self.edit_submitted.emit(*editing, text, parsed)
        else:
            self.entry_submitted.emit(text, parsed)

    # -- the long-entry editor ----------------------------------------------------------
    def open_long_entry(self, text: str) -> None:
        """A multi-line or long paste: the editor holds all of it, the bar none of it."""
        from ui.timeline.long_entry_dialog import LongEntryDialog

        if self._long_entry is not None:  # (it is modal: a second paste cannot come here)
            self._long_entry.editor.insertPlainText(text)
            return
        editing = self._editing
        dialog = LongEntryDialog(text, self.timeline_model.local_time, editing is not None, self)
        dialog.submitted.connect(lambda typed, parsed: self._hand_over(typed, parsed, editing))
        dialog.finished.connect(self._long_entry_closed)
        self._long_entry = dialog
        self.hint.hide()
        dialog.open()

    def _long_entry_closed(self, _result: int) -> None:
        if self._long_entry is not None:
            self._long_entry.deleteLater()
        self._long_entry = None
        self._editing = None  # a correction dropped in the editor is not carried on here
        self.entry_bar.setFocus()

    # -- reading a long entry -----------------------------------------------------------
    def _show_detail(self) -> None:
        """The current entry's whole text below the rows, when its cell cannot show it."""
        entry = self.selected_entry()
        self.chat_links.show_entry(entry)
        if entry is None or self.timeline_model.shows_whole(entry):
            self._detail_entry = None
            self.detail.hide()
            return
        if entry != self._detail_entry:
            self._detail_entry = entry
            self.detail.setPlainText(entry.text)
        self.detail.show()

    def _fit_time_column(self, dates_shown: bool) -> None:
        width = _TIME_WIDTH
        if dates_shown:
            sample = self.timeline_model.index(0, TIME).data() or "2026-11-27 10:05:00Z"
            width = max(width, self.timeline_view.fontMetrics().horizontalAdvance(sample) + 24)
        self.timeline_view.setColumnWidth(TIME, width)

    # -- correcting, deleting, restoring ---------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if watched is self.entry_bar and key == Qt.Key.Key_Up and not self.entry_bar.text():
            self.recall_last()
            return True
        if watched is self.entry_bar and key == Qt.Key.Key_Escape and self._editing is not None:
            self._editing = None
            self.entry_bar.clear()
            self.hint.hide()
            return True
        if watched is self.timeline_view and key in _EDIT_KEYS:
            self.edit_selected()
            return True
        if watched is self.timeline_view and key == Qt.Key.Key_Delete:
            entry = self.selected_entry()
            if entry is not None and not waiting(entry):
                self.delete_requested.emit(entry.id)
            return True
        return False

    def recall_last(self) -> None:
        """Up in an empty bar: bring back the last entry logged here, to correct it."""
        row = -1 if self._last_logged is None else self.timeline_model.row_of(self._last_logged)
        if row < 0:
            filtering = self.filter_bar.applied.active
            self.show_hint(
                "your last entry is hidden by the filter: clear it to correct the entry"
                if filtering and self._last_logged is not None
                else "nothing logged from this window yet to correct"
            )
            return
        entry = self.timeline_model.entry_at(row)
        if "\n" in entry.text:
            self.show_hint("that entry has several lines; the bar corrects one-line entries")
            return
        if entry.kind not in {kind.value for kind in USER_KINDS}:
            # A rollback or hotfix is a structured record (what, from, to): the bar cannot
            # rewrite it as text. Deleting and logging it again keeps both in the history.
            self.show_hint(
                f"your last entry is a {entry.kind} record: delete it (Delete) and log it again"
            )
            return
        line = recall_text(entry.kind, entry.text, entry.pinned, entry.fact)
        if line is None:
            self.show_hint("the bar cannot retype that entry: select it and press F2 to edit it")
            return
        self._editing = (entry.id, entry.version)
        self.entry_bar.setText(line)
        self.show_hint("Correcting your last entry: Enter saves (its history is kept), Esc cancels")

    def selected_entry(self) -> EntryView | None:
        index = self.timeline_view.currentIndex()
        return self.timeline_model.entry_at(index.row()) if index.isValid() else None

    def _entry_menu(self, position: QPoint) -> None:
        entry = self.selected_entry()
        if entry is None or waiting(entry):  # not stored yet: nothing to correct or delete
            return
        menu = QMenu(self)
        if entry.deleted_at is None:
            edit = menu.addAction("Edit entry…", self.edit_selected)
            edit.setShortcut(QKeySequence(Qt.Key.Key_F2))  # shown; the view handles the key
            menu.addAction("Delete entry", lambda: self.delete_requested.emit(entry.id))
        else:
            menu.addAction("Restore entry", lambda: self.restore_requested.emit(entry.id))
        menu.addAction("Show history…", lambda: self.history_requested.emit(entry.id))
        fact = chat_fact(entry)
        if fact is not None:
            menu.addAction("Open message in chat", lambda: open_link(fact.permalink))
        menu.exec(self.timeline_view.viewport().mapToGlobal(position))

    def edit_selected(self) -> None:
        """F2 or Enter on a row: edit its text (several lines), time, kind and pin."""
        from ui.timeline.entry_dialog import EntryDialog

        entry = self.selected_entry()
        if entry is None:
            return
        if entry.deleted_at is not None:
            self.show_hint("that entry is deleted: restore it (context menu) before editing")
            return
        if waiting(entry):
            self.show_hint("that entry waits for the server: edit it once it is written")
            return
        dialog = EntryDialog(entry, self.timeline_model.local_time, self)
        if dialog.exec() != EntryDialog.DialogCode.Accepted:
            return
        changes = dialog.changes()
        if changes:  # OK without a change saves nothing (and writes no history)
            # From the version shown: an entry someone changed meanwhile is a conflict.
            self.entry_edit_submitted.emit(entry.id, {**changes, "expected_version": entry.version})
