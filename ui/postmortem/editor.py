"""The postmortem editor: sections, metadata, timeline picker, timing, action items, exports.

Opened from the incident (Incident → Postmortem…). Everything it reads or
writes goes through the AppContext to the core services, and it refreshes on
the announcements of its incident's changes; exports run on their own thread
(ui/postmortem/exporting.py) with a progress bar.

Unsaved edits show (an asterisk in the title, "Unsaved changes", Save enabled) and
are never dropped without asking: Esc and closing ask Save / Discard / Cancel. A
save refused because another seat saved first opens both versions side by side
(ui/postmortem/merge_dialog.py) and saves the merge against the newer revision.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from commander.domain.changes import Aspect
from commander.domain.when import utc_now
from commander.errors import CommanderError
from commander.services.action_items import ActionItemFields, ActionItemView
from commander.services.postmortem import (
    Participant,
    PostmortemStatus,
    PostmortemView,
    StalePostmortemError,
)
from ui.common.error_dialog import show_problem
from ui.postmortem.exporting import ExportRunner, Progress
from ui.postmortem.models import ActionItemsModel, EntryPickerModel

if TYPE_CHECKING:
    from commander.exports.document import IncidentDocument
    from commander.services.postmortem_templates import Template, TemplateProblem
    from commander.store.engine import Store
    from commander.views.changes import Changes
    from commander.views.incidents import IncidentDetail
    from ui.context import AppContext
    from ui.postmortem.merge_dialog import MergeDialog
    from ui.shell import Shell

EXPORTS = (("md", "Markdown", "Markdown (*.md)"), ("html", "HTML", "HTML (*.html)"),
           ("pdf", "PDF", "PDF (*.pdf)"), ("json", "JSON", "JSON (*.json)"))  # fmt: skip


Loaded = tuple["IncidentDocument", list["Template"], list["TemplateProblem"]]
# The editor shows the timeline (entry picker), the timing (severity, phase and
# milestones: the header) and the action items and postmortem itself.
SHOWN_ASPECTS = (Aspect.ENTRIES, Aspect.HEADER, Aspect.POSTMORTEM)


def _load(store: Store, ref: str) -> Loaded:
    """Worker thread: the document (with the stored postmortem) and the templates."""
    from commander.exports.document import load_document
    from commander.services.postmortem_templates import load_templates

    templates, problems = load_templates()
    return load_document(store, ref, to_edit=True), templates, problems


def _read_saved(store: Store, ref: str) -> PostmortemView:
    from commander.services.postmortem import get_postmortem

    return get_postmortem(store, ref)


def _save(store: Store, draft: PostmortemView, author: str) -> PostmortemView:
    from commander.services.postmortem import save_postmortem

    return save_postmortem(store, draft, author)


def _add_item(store: Store, ref: str, fields: ActionItemFields, author: str) -> ActionItemView:
    from commander.services.action_items import add_action_item

    return add_action_item(store, ref, fields, author)


def _update_item(
    store: Store, item_id: int, fields: ActionItemFields, author: str
) -> ActionItemView:
    from commander.services.action_items import update_action_item

    return update_action_item(store, item_id, fields, author)


def _delete_item(store: Store, item_id: int, author: str) -> ActionItemView:
    from commander.services.action_items import delete_action_item

    return delete_action_item(store, item_id, author)


def _export(store: Store, ref: str, fmt: str, draft: PostmortemView, progress: Progress) -> bytes:
    from commander.exports.render import export_incident

    return export_incident(store, ref, fmt, postmortem=draft, progress=progress)


def parse_participants(text: str) -> tuple[Participant, ...]:
    """``ana: incident commander; bo: scribe`` (a new line also separates)."""
    people = []
    for part in text.replace("\n", ";").split(";"):
        name, _, role = part.partition(":")
        if name.strip() or role.strip():
            people.append(Participant(name.strip(), role.strip()))
    return tuple(people)


def participants_text(people: tuple[Participant, ...]) -> str:
    return "; ".join(f"{p.name}: {p.role}" if p.role else p.name for p in people)


Answer = QMessageBox.StandardButton


def ask_unsaved(parent: QWidget, ref: str) -> Answer:
    """Save, Discard or Cancel: what to do with a postmortem's unsaved edits."""
    return QMessageBox.question(
        parent,
        "Unsaved postmortem",
        f"{ref}'s postmortem has changes that are not saved.\n\nSave them before closing?",
        Answer.Save | Answer.Discard | Answer.Cancel,
        Answer.Save,
    )


class PostmortemEditor(QDialog):
    saved = Signal(object)  # PostmortemView
    save_failed = Signal()
    merge_offered = Signal(object)  # MergeDialog
    item_changed = Signal(object)  # ActionItemView
    refreshed = Signal()
    loaded = Signal()
    exported = Signal(str)

    def __init__(self, context: AppContext, shell: Shell, incident: IncidentDetail) -> None:
        super().__init__(shell.parent_widget(), Qt.WindowType.Window)
        self.context = context
        self.shell = shell
        self.ref = incident.ref
        self.incident_id = incident.id
        self.setObjectName("postmortemEditor")
        self.setWindowTitle(f"Postmortem — {incident.ref}[*]")  # [*]: Qt's unsaved mark
        self.resize(1000, 760)
        self.postmortem: PostmortemView | None = None
        self.document: IncidentDocument | None = None
        self.templates: dict[str, Template] = {}
        self._texts: dict[str, str] = {}  # every section's text, also ones hidden by a template
        self.section_edits: dict[str, QPlainTextEdit] = {}
        self._filling = False
        # Edits are counted: the editor is dirty while the count differs from the one
        # the stored postmortem matches (a save in flight remembers its own count, so
        # typing on meanwhile stays unsaved).
        self._edits = 0
        self._clean_at = 0
        self._saving_at: int | None = None
        self._close_after_save = False
        self.merge_dialog: MergeDialog | None = None
        self.exporter = ExportRunner(self)
        self.exporter.progress.connect(self._on_export_progress)
        self.exporter.finished.connect(self._on_exported)
        self.exporter.failed.connect(self._on_export_failed)
        self._build()
        context.changed.connect(self._on_changed)

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.template_box = QComboBox()
        self.template_box.setObjectName("templateBox")
        self.template_box.currentIndexChanged.connect(self._on_template_picked)
        self.status_box = QComboBox()
        self.status_box.setObjectName("statusBox")
        for status in PostmortemStatus:
            self.status_box.addItem(status.label, status)
        self.status_box.currentIndexChanged.connect(self._changed)
        self.has_date = QCheckBox("Date")
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setEnabled(False)
        self.has_date.toggled.connect(self.date_edit.setEnabled)
        self.has_date.toggled.connect(self._changed)
        self.date_edit.dateChanged.connect(self._changed)
        self.authors_edit = QLineEdit()
        self.authors_edit.setObjectName("authors")
        self.authors_edit.setPlaceholderText("ana, bo")
        self.authors_edit.textEdited.connect(self._changed)
        self.participants_edit = QLineEdit()
        self.participants_edit.setObjectName("participants")
        self.participants_edit.setPlaceholderText("ana: incident commander; bo: scribe")
        self.participants_edit.textEdited.connect(self._changed)
        top = QHBoxLayout()
        top.addWidget(QLabel("Template"))
        top.addWidget(self.template_box, 1)
        top.addWidget(QLabel("Status"))
        top.addWidget(self.status_box)
        top.addWidget(self.has_date)
        top.addWidget(self.date_edit)
        people = QFormLayout()
        people.addRow("Authors", self.authors_edit)
        people.addRow("Participants and roles", self.participants_edit)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("postmortemTabs")
        self.sections_area = QScrollArea(widgetResizable=True)
        self.tabs.addTab(self.sections_area, "Sections")
        self.tabs.addTab(self._timeline_tab(), "Timeline entries")
        self.timing_view = QTextBrowser()
        self.timing_view.setObjectName("timingView")
        self.tabs.addTab(self.timing_view, "Timing")
        self.tabs.addTab(self._items_tab(), "Action items")

        self.status_label = QLabel("Loading…")
        self.status_label.setObjectName("postmortemStatus")
        self.status_label.setWordWrap(True)
        self.unsaved_label = QLabel("● Unsaved changes")
        self.unsaved_label.setObjectName("unsavedMarker")
        self.unsaved_label.hide()
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.export_buttons: dict[str, QPushButton] = {}
        bottom = QHBoxLayout()
        bottom.addWidget(self.unsaved_label)
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.progress)
        for fmt, label, _filter in EXPORTS:
            button = QPushButton(f"Export {label}…")
            button.setObjectName(f"export_{fmt}")
            button.clicked.connect(lambda _checked=False, f=fmt: self.ask_export(f))
            bottom.addWidget(button)
            self.export_buttons[fmt] = button
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("savePostmortem")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(people)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._set_enabled(False)

    def _timeline_tab(self) -> QWidget:
        self.entry_model = EntryPickerModel(self)
        self.entry_model.dataChanged.connect(self._changed)
        self.entry_view = QTableView()
        self.entry_view.setObjectName("entryPicker")
        self.entry_view.setModel(self.entry_model)
        self.entry_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entry_view.verticalHeader().setVisible(False)
        self.entry_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.entry_view.horizontalHeader().setStretchLastSection(True)
        self.entry_view.setColumnWidth(0, 190)
        self.entry_view.setWordWrap(False)
        key = QPushButton("Key entries")
        key.setObjectName("keyEntries")
        key.setToolTip(
            "Pinned entries, severity and phase changes, decisions, actions, rollbacks,"
            " user reports"
        )
        key.clicked.connect(self._pick_key_entries)
        note = QLabel("Ticked entries make the postmortem's Timeline section, in time order (UTC).")
        row = QHBoxLayout()
        row.addWidget(note, 1)
        row.addWidget(key)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.entry_view)
        return tab

    def _items_tab(self) -> QWidget:
        self.items_model = ActionItemsModel(parent=self)
        self.items_view = QTableView()
        self.items_view.setObjectName("actionItems")
        self.items_view.setModel(self.items_model)
        self.items_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items_view.verticalHeader().setVisible(False)
        self.items_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.items_view.doubleClicked.connect(lambda _index: self.edit_item())
        add = QPushButton("Add…")
        add.setObjectName("addItem")
        add.clicked.connect(self.add_item)
        edit = QPushButton("Edit…")
        edit.setObjectName("editItem")
        edit.clicked.connect(self.edit_item)
        delete = QPushButton("Delete")
        delete.setObjectName("deleteItem")
        delete.clicked.connect(self.delete_item)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (add, edit, delete):
            buttons.addWidget(button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.items_view)
        layout.addLayout(buttons)
        return tab

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (*self.export_buttons.values(), self.tabs):
            widget.setEnabled(enabled)
        self._show_dirty()

    # -- loading ----------------------------------------------------------------------
    def load(self) -> None:
        ref = self.ref
        self.context.read(lambda store: _load(store, ref), self._on_loaded, self._on_failed)

    def _on_loaded(self, result: Loaded) -> None:
        document, templates, problems = result
        self.document, self.postmortem = document, document.postmortem
        self.templates = {t.id: t for t in templates}
        self.templates.setdefault(document.template.id, document.template)
        incident = document.incident
        self.setWindowTitle(f"Postmortem — {incident.ref} {incident.title}[*]")
        self._fill(document.postmortem)
        self._show_live_parts(document, keep_checks=False)
        self._mark_clean()
        message = (
            f"Revision {document.postmortem.revision}"
            if document.postmortem.revision
            else ("Not saved yet: pick a template, write, then Save (Ctrl+S)")
        )
        if problems:
            message += " · " + "; ".join(p.message for p in problems)
        self.status_label.setText(message)
        self._set_enabled(True)
        self.loaded.emit()

    def _fill(self, postmortem: PostmortemView) -> None:
        self._filling = True
        try:
            self._texts = dict(postmortem.sections)
            self.section_edits = {}  # the texts are the postmortem's, not the ones shown now
            self.template_box.clear()
            for template in sorted(self.templates.values(), key=lambda t: t.name.lower()):
                self.template_box.addItem(template.name, template.id)
                self.template_box.setItemData(
                    self.template_box.count() - 1, template.description, Qt.ItemDataRole.ToolTipRole
                )
            self.template_box.setCurrentIndex(self.template_box.findData(postmortem.template))
            self._build_sections(self.templates[postmortem.template])
            self.status_box.setCurrentIndex(self.status_box.findData(postmortem.status))
            written = postmortem.written_on
            self.has_date.setChecked(written is not None)
            shown = written or utc_now().date()
            self.date_edit.setDate(QDate(shown.year, shown.month, shown.day))
            self.authors_edit.setText(", ".join(postmortem.authors))
            self.participants_edit.setText(participants_text(postmortem.participants))
        finally:
            self._filling = False

    def _build_sections(self, template: Template) -> None:
        self._remember_texts()
        holder = QWidget()
        layout = QVBoxLayout(holder)
        self.section_edits = {}
        for spec in template.sections:
            title = QLabel(f"<b>{html.escape(spec.title)}</b>")
            layout.addWidget(title)
            if spec.key in ("timeline", "action_items"):
                tab = "Timeline entries" if spec.key == "timeline" else "Action items"
                layout.addWidget(QLabel(f"<i>Built from the {tab} tab; notes below are added.</i>"))
            edit = QPlainTextEdit(self._texts.get(spec.key, ""))
            edit.setObjectName(f"section_{spec.key}")
            edit.setPlaceholderText(spec.prompt or "Markdown")
            edit.setMinimumHeight(110)
            edit.setTabChangesFocus(True)
            edit.textChanged.connect(self._changed)
            layout.addWidget(edit)
            self.section_edits[spec.key] = edit
        layout.addStretch(1)
        self.sections_area.setWidget(holder)

    def _remember_texts(self) -> None:
        for key, edit in self.section_edits.items():
            self._texts[key] = edit.toPlainText()

    def _show_live_parts(self, document: IncidentDocument, keep_checks: bool) -> None:
        """Entries, timing and action items: what the rest of the team may change meanwhile."""
        checks: tuple[int, ...] | None = self.entry_model.checked_ids() if keep_checks else None
        if not keep_checks and self.postmortem is not None:
            checks = self.postmortem.entry_ids
        self.entry_model.set_entries(document.incident.timeline, checks)  # a reset: not an edit
        self.timing_view.setHtml(timing_html(document))
        self.items_model.set_items(list(document.action_items), utc_now().date())
        self.items_view.resizeColumnsToContents()
        self.items_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def _on_changed(self, changes: Changes) -> None:
        """Another seat (or this window) wrote to this incident: entries, timing and items
        may differ. The editor follows its own incident, open in the window or not."""
        if changes.incident_id == self.incident_id and changes.touches(*SHOWN_ASPECTS):
            self.refresh()

    def refresh(self) -> None:
        if self.postmortem is None:
            return
        ref = self.ref
        self.context.read(lambda store: _load(store, ref), self._on_refreshed, self._on_failed)

    def _on_refreshed(self, result: Loaded) -> None:
        self.document = result[0]
        self._show_live_parts(result[0], keep_checks=True)
        self.refreshed.emit()

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, CommanderError):
            self.status_label.setText(str(error))
            show_problem(self, "Postmortem", str(error))
            return
        self.shell.report_error(error)

    # -- editing ----------------------------------------------------------------------
    def _changed(self, *_args: object) -> None:
        if not self._filling:
            self._edits += 1
            self._show_dirty()

    def is_dirty(self) -> bool:
        """Edits the store does not hold (a save on its way has not landed yet)."""
        return self._edits != self._clean_at

    def is_saving(self) -> bool:
        return self._saving_at is not None

    def _mark_clean(self) -> None:
        self._clean_at = self._edits
        self._show_dirty()

    def _show_dirty(self) -> None:
        dirty = self.is_dirty()
        self.setWindowModified(dirty)
        self.unsaved_label.setVisible(dirty)
        loaded = self.postmortem is not None
        self.save_button.setEnabled(loaded and dirty and not self.is_saving())

    def discard(self) -> None:
        """Drop the unsaved edits: the editor shows the stored postmortem again."""
        if self.postmortem is None or self.document is None:
            return
        self._fill(self.postmortem)
        self._show_live_parts(self.document, keep_checks=False)
        self._mark_clean()

    def _on_template_picked(self, index: int) -> None:
        template_id = self.template_box.itemData(index)
        if self._filling or template_id not in self.templates:
            return
        self._build_sections(self.templates[template_id])
        self._changed()

    def _pick_key_entries(self) -> None:
        self.entry_model.select_key_entries()
        self._changed()

    def draft(self) -> PostmortemView:
        """What the editor shows now, as a postmortem to save or export."""
        assert self.postmortem is not None
        self._remember_texts()
        written = self.date_edit.date().toPython() if self.has_date.isChecked() else None
        assert written is None or isinstance(written, date)
        keys = set(self.section_edits)
        # Text under sections the chosen template does not show stays stored.
        sections = {key: text for key, text in self._texts.items() if text.strip() or key in keys}
        entry_ids = None if self.entry_model.is_key_selection() else self.entry_model.checked_ids()
        return replace(
            self.postmortem,
            template=self.template_box.currentData(),
            status=PostmortemStatus(self.status_box.currentData()),
            written_on=written,
            authors=tuple(a.strip() for a in self.authors_edit.text().split(",") if a.strip()),
            participants=parse_participants(self.participants_edit.text()),
            sections=sections,
            entry_ids=entry_ids,
        )

    def save(self) -> None:
        if self.postmortem is None or self.is_saving():
            return
        if not self.is_dirty():
            self.status_label.setText("No unsaved changes")
            return
        draft, author = self.draft(), self.context.author()
        self._saving_at = self._edits
        self._show_dirty()
        self.status_label.setText("Saving…")
        self.context.write(
            lambda store: _save(store, draft, author), self._on_saved, self._on_save_failed
        )

    def _on_saved(self, saved: PostmortemView) -> None:
        self.postmortem = saved
        assert self._saving_at is not None
        self._clean_at, self._saving_at = self._saving_at, None
        self._show_dirty()
        self.status_label.setText(f"Saved revision {saved.revision} ({saved.status.label})")
        self.saved.emit(saved)
        if self._close_after_save:
            self._close_after_save = False
            self.close()  # asks again if there was typing after the save left

    def _on_save_failed(self, error: BaseException) -> None:
        self._saving_at = None
        self._close_after_save = False
        self._show_dirty()
        self.save_failed.emit()
        if isinstance(error, StalePostmortemError):
            self.status_label.setText(
                "Not saved: someone else saved this postmortem first. Reading their version…"
            )
            ref = self.ref
            self.context.read(lambda store: _read_saved(store, ref), self._offer_merge)
            return
        self._on_failed(error)

    # -- merging with a revision saved meanwhile ---------------------------------------
    def _offer_merge(self, saved: PostmortemView) -> None:
        """Both versions side by side; the person's merge is saved against ``saved``."""
        from commander.services.postmortem_merge import propose_merge
        from ui.postmortem.merge_dialog import MergeDialog

        assert self.postmortem is not None
        try:
            proposal = propose_merge(self.postmortem, self.draft(), saved)
        except CommanderError as error:  # typed meanwhile into something unsaveable
            self._on_failed(error)
            return
        titles = {spec.key: spec.title for t in self.templates.values() for spec in t.sections}
        template = self.templates.get(self.template_box.currentData())
        order = [spec.key for spec in template.sections] if template else []
        local = self.context.settings.show_local_time
        dialog = MergeDialog(proposal, titles, order, local, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._save_merged(dialog.merged(), saved))
        dialog.rejected.connect(lambda: self._merge_declined(saved))
        self.merge_dialog = dialog
        self.status_label.setText(
            f"Not saved: {saved.saved_by} saved revision {saved.revision} first. "
            "Merge the two versions."
        )
        dialog.open()
        self.merge_offered.emit(dialog)

    def _save_merged(self, merged: PostmortemView, saved: PostmortemView) -> None:
        """Show the merge (still unsaved) and save it over the newer revision."""
        self.merge_dialog = None
        self.postmortem = saved
        if merged.template not in self.templates:  # theirs, a template this seat lacks
            merged = replace(merged, template=self.template_box.currentData())
        self._fill(merged)
        if self.document is not None:
            self.entry_model.set_entries(self.document.incident.timeline, merged.entry_ids)
        self._changed()
        self.save()

    def _merge_declined(self, saved: PostmortemView) -> None:
        self.merge_dialog = None
        self.status_label.setText(
            f"Not saved: {saved.saved_by} saved revision {saved.revision} first. "
            "Your text is kept here; Save again to merge."
        )

    # -- action items -----------------------------------------------------------------
    def _selected_item(self) -> ActionItemView | None:
        rows = self.items_view.selectionModel().selectedRows()
        return self.items_model.item_at(rows[0].row()) if rows else None

    def add_item(self) -> None:
        from ui.postmortem.item_dialog import ActionItemDialog

        dialog = ActionItemDialog(self, today=utc_now().date())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.submit_item(None, dialog.fields())

    def edit_item(self) -> None:
        from ui.postmortem.item_dialog import ActionItemDialog

        item = self._selected_item()
        if item is None:
            return
        dialog = ActionItemDialog(self, item.fields())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.submit_item(item.id, dialog.fields())

    def submit_item(self, item_id: int | None, fields: ActionItemFields) -> None:
        """Add (``item_id`` None) or change an item; its announcement refreshes the editor."""
        author, ref = self.context.author(), self.ref
        if item_id is None:
            self.context.write(
                lambda store: _add_item(store, ref, fields, author),
                self._on_item_changed,
                self._on_failed,
            )
            return
        self.context.write(
            lambda store: _update_item(store, item_id, fields, author),
            self._on_item_changed,
            self._on_failed,
        )

    def delete_item(self) -> None:
        item = self._selected_item()
        if item is None:
            return
        answer = QMessageBox.question(
            self, "Delete action item", f"Delete #{item.id} {item.description}?"
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        author, item_id = self.context.author(), item.id
        self.context.write(
            lambda store: _delete_item(store, item_id, author),
            self._on_item_changed,
            self._on_failed,
        )

    def _on_item_changed(self, item: ActionItemView) -> None:
        self.item_changed.emit(item)

    # -- exports ----------------------------------------------------------------------
    def ask_export(self, fmt: str) -> None:
        label, name_filter = next((label, f) for key, label, f in EXPORTS if key == fmt)
        suggested = str(Path.home() / f"{self.ref}-postmortem.{fmt}")
        path, _ = QFileDialog.getSaveFileName(self, f"Export {label}", suggested, name_filter)
        if path:
            self.export(fmt, Path(path))

    def export(self, fmt: str, path: Path) -> None:
        """Export what the editor shows (saved or not) to ``path`` off the UI thread."""
        store, ref, draft = self.context.require_store(), self.ref, self.draft()
        self.progress.setValue(0)
        self.progress.show()
        for button in self.export_buttons.values():
            button.setEnabled(False)
        self.exporter.start(
            lambda progress: _export(store, ref, fmt, draft, progress),
            path,
            store.sqlite_file,
        )

    def _on_export_progress(self, step: str, percent: int) -> None:
        self.progress.setValue(percent)
        self.progress.setFormat(f"{step} %p%")
        self.status_label.setText(step)

    def _end_export(self) -> None:
        self.progress.hide()
        for button in self.export_buttons.values():
            button.setEnabled(True)

    def _on_exported(self, path: str) -> None:
        self._end_export()
        self.status_label.setText(f"Exported {path}")
        self.exported.emit(path)

    def _on_export_failed(self, error: BaseException) -> None:
        self._end_export()
        self._on_failed(error)

    # -- closing ----------------------------------------------------------------------
    def reject(self) -> None:
        """Esc, and closing the window (QDialog's close event comes here): unsaved edits
        are saved, discarded or kept as the person answers; the editor stays open until
        a save has landed."""
        if self.is_saving():
            self._close_after_save = True
            self.status_label.setText("Saving… the editor closes once it is saved")
            return
        if self.is_dirty():
            answer = ask_unsaved(self, self.ref)
            if answer == Answer.Save:
                self._close_after_save = True
                self.save()
                return
            if answer != Answer.Discard:
                return
            self.discard()
        self.exporter.wait()
        super().reject()


def timing_html(document: IncidentDocument) -> str:
    """The timing block as the editor shows it (same numbers as every export)."""
    from commander.exports.timing import span_text, stamp

    timing = document.timing
    rows = "".join(
        f"<tr><td>{m.name}</td><td><b>{span_text(m.value)}</b></td>"
        f"<td><tt>{html.escape(m.formula)}</tt></td></tr>"
        for m in timing.measures
    )
    spans = "".join(
        f"<tr><td>{s.severity.value} ({s.severity.label})</td><td>{span_text(s.duration)}</td></tr>"
        for s in timing.spans
    )
    note = f"<p><i>{html.escape(timing.anchor_note)}</i></p>" if timing.anchor_note else ""
    return (
        f"<h3>Measured from {timing.anchor_name} ({stamp(timing.anchor_at)})</h3>{note}"
        f"<table cellpadding='4' border='1' cellspacing='0'>"
        f"<tr><th>Measure</th><th>Time</th><th>How it is computed</th></tr>{rows}</table>"
        f"<h3>Time in each severity</h3><p>{html.escape(timing.spans_note)}</p>"
        f"<table cellpadding='4' border='1' cellspacing='0'>"
        f"<tr><th>Severity</th><th>Time</th></tr>{spans}</table>"
    )
