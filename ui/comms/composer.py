"""Write one update, see it as each target will show it, send it to all of them."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commander.connectors.base import STATUSES, Message
from commander.domain.key_values import parse_pairs
from commander.errors import CommanderError
from commander.views.comms import MessageView, TargetView

if TYPE_CHECKING:
    from commander.store.engine import Store
    from ui.comms.previews import Preview
    from ui.context import AppContext

FIELDS = ("Status", "Impact", "ETA", "Next update")
COMPONENT_HELP = (
    "component=status, … (operational, degraded_performance, partial_outage, major_outage)"
)
RECOMPOSE_DELAY_MS = 300
NO_TARGETS = (
    "No targets yet, so there is nowhere to send: add one in Comms → Targets… "
    "(or `commander target add`), then compose again."
)


def _start(store: Store) -> tuple[list[tuple[str, str]], list[TargetView]]:
    from ui.comms.previews import composer_start

    return composer_start(store)


def _compose(
    store: Store,
    ref: str,
    template: str,
    overrides: dict[str, str],
    status: str | None,
    components: dict[str, str],
) -> Message:
    from commander.services.messages import compose

    return compose(store, ref, template, overrides, status=status, components=components)


def _previews(message: Message, targets: list[TargetView]) -> list[Preview]:
    from ui.comms.previews import previews

    return previews(message, targets)


def _send(store: Store, message: Message, author: str, targets: list[str]) -> MessageView:
    from commander.services.messages import send_message

    return send_message(store, message, author, targets)


def parse_components(text: str) -> dict[str, str]:
    try:
        return parse_pairs(text, ",", form="name=status")
    except CommanderError as error:
        raise CommanderError(f"components, {error}") from None


class ComposerDialog(QDialog):
    sent = Signal(object)  # the MessageView just queued

    def __init__(self, context: AppContext, ref: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Compose update — {ref}")
        self.resize(1000, 680)
        self._context, self._ref = context, ref
        self._message: Message | None = None
        self._targets: list[TargetView] = []
        self._touched: set[str] = set()
        self._body_edited = False
        self._generation = 0  # answers to older compose requests are dropped

        self.template_box = QComboBox()
        self.template_box.setObjectName("templateBox")
        self.template_box.currentIndexChanged.connect(self._template_changed)
        self.status_box = QComboBox()
        self.status_box.setObjectName("statusBox")
        self.status_box.addItem("From the phase", None)
        for status in STATUSES:
            self.status_box.addItem(status.capitalize(), status)
        self.status_box.currentIndexChanged.connect(self._schedule_compose)
        self.field_edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("Template", self.template_box)
        form.addRow("Status page wording", self.status_box)
        for name in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"field_{name.replace(' ', '_')}")
            edit.textEdited.connect(lambda _text, n=name: self._field_edited(n))
            self.field_edits[name] = edit
            form.addRow(name, edit)
        self.components_edit = QLineEdit()
        self.components_edit.setObjectName("components")
        self.components_edit.setPlaceholderText(COMPONENT_HELP)
        self.components_edit.textEdited.connect(self._schedule_compose)
        form.addRow("Components", self.components_edit)
        self.headline_edit = QLineEdit()
        self.headline_edit.setObjectName("headline")
        form.addRow("Headline", self.headline_edit)
        self.headline_edit.textEdited.connect(self._schedule_previews)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("body")
        self.body_edit.textChanged.connect(self._body_changed)
        self.target_list = QListWidget()
        self.target_list.setObjectName("composerTargets")
        self.target_list.itemChanged.connect(lambda _item: self._refresh_previews())
        self.target_list.setMaximumHeight(110)
        self.previews = QTabWidget()
        self.previews.setObjectName("previews")
        self.problem = QLabel()
        self.problem.setObjectName("composerProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b71c1c;")
        self.problem.hide()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addWidget(QLabel("Message (Markdown)"))
        left_layout.addWidget(self.body_edit, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("Send to"))
        right_layout.addWidget(self.target_list)
        right_layout.addWidget(QLabel("Preview per target"))
        right_layout.addWidget(self.previews, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([520, 480])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("composerButtons")
        self.send_button = self.buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setEnabled(False)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.problem, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self._compose_timer = QTimer(self, singleShot=True, interval=RECOMPOSE_DELAY_MS)
        self._compose_timer.timeout.connect(self.recompose)
        # Text typed by hand reaches the previews too, once typing pauses.
        self._preview_timer = QTimer(self, singleShot=True, interval=RECOMPOSE_DELAY_MS)
        self._preview_timer.timeout.connect(self._refresh_previews)
        self._load()

    # -- loading and composing ----------------------------------------------------------
    def _load(self) -> None:
        self._context.read(_start, self._on_loaded, self._fail)

    def _on_loaded(self, result: tuple[list[tuple[str, str]], list[TargetView]]) -> None:
        templates, self._targets = result
        with QSignalBlocker(self.template_box):
            for name, description in templates:
                self.template_box.addItem(f"{name} — {description}", name)
        with QSignalBlocker(self.target_list):
            for target in self._targets:
                item = QListWidgetItem(f"{target.name} ({target.kind})")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.target_list.addItem(item)
        if not self._targets:
            self.show_problem(NO_TARGETS)
        self.recompose()

    def _template_changed(self) -> None:
        self._body_edited = False  # a new template means a new body
        self.recompose()

    def _field_edited(self, name: str) -> None:
        self._touched.add(name)
        self._schedule_compose()

    def _schedule_compose(self, *_args: object) -> None:
        self._compose_timer.start()

    def _body_changed(self) -> None:
        if self._message is not None and self.body_edit.toPlainText() != self._message.body:
            self._body_edited = True
            self._schedule_previews()

    def _schedule_previews(self, *_args: object) -> None:
        self._preview_timer.start()

    def recompose(self) -> None:
        template = self.template_box.currentData() or "update"
        overrides = {n: self.field_edits[n].text() for n in self._touched}
        status = self.status_box.currentData()
        try:
            components = parse_components(self.components_edit.text())
        except CommanderError as error:
            self.show_problem(str(error))
            return
        ref = self._ref
        self._generation += 1
        generation = self._generation
        self._context.read(
            lambda store: _compose(store, ref, template, overrides, status, components),
            lambda message: self._on_composed(message, generation),
            self._fail,
        )

    def _on_composed(self, message: Message, generation: int) -> None:
        if generation != self._generation:
            return
        keep_body = self._body_edited
        self._message = message
        if self._targets:
            self.problem.hide()
        else:
            self.show_problem(NO_TARGETS)  # stays: without a target nothing can be sent
        for name, edit in self.field_edits.items():
            if name not in self._touched:
                edit.setText(message.fields.get(name, ""))
                edit.setCursorPosition(0)  # a long field shows its start, not its end
        self.headline_edit.setText(message.headline)
        self.headline_edit.setCursorPosition(0)
        if keep_body:
            self.show_problem(
                "The message was edited by hand, so field changes no longer rewrite it."
            )
        else:
            with QSignalBlocker(self.body_edit):
                self.body_edit.setPlainText(message.body)
        self.send_button.setEnabled(bool(self._targets))
        self._refresh_previews()

    # -- previews -----------------------------------------------------------------------
    def current_message(self) -> Message | None:
        if self._message is None:
            return None
        return replace(
            self._message,
            headline=self.headline_edit.text().strip(),
            body=self.body_edit.toPlainText().strip(),
        )

    def chosen_targets(self) -> list[TargetView]:
        return [
            target
            for row, target in enumerate(self._targets)
            if self.target_list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _refresh_previews(self) -> None:
        message, targets = self.current_message(), self.chosen_targets()
        if message is None:
            return
        self._context.read(
            lambda _store: _previews(message, targets), self._show_previews, self._fail
        )

    def _show_previews(self, previews: list[Preview]) -> None:
        self.previews.clear()
        for preview in previews:
            page = QWidget()
            layout = QVBoxLayout(page)
            notes = preview.rendered.warnings if preview.rendered else (preview.problem,)
            if notes:
                warning = QLabel("\n".join(f"⚠ {n}" for n in notes), wordWrap=True)
                warning.setObjectName("previewWarning")
                warning.setStyleSheet("color: #b71c1c; font-weight: bold;")
                layout.addWidget(warning)
            text = QPlainTextEdit(readOnly=True)
            text.setPlainText(preview.rendered.preview if preview.rendered else "")
            layout.addWidget(text, 1)
            title = preview.target.name + (" ⚠" if notes else "")
            self.previews.addTab(page, title)

    # -- sending ------------------------------------------------------------------------
    def send(self) -> None:
        message, targets = self.current_message(), self.chosen_targets()
        if message is None:
            return
        if not targets:
            self.show_problem("Choose at least one target.")
            return
        names = [t.name for t in targets]
        author = self._context.author()
        self.send_button.setEnabled(False)
        # The announcement of this write brings the new entry to every panel that shows it.
        self._context.write(
            lambda store: _send(store, message, author, names), self._on_sent, self._fail
        )

    def _on_sent(self, view: MessageView) -> None:
        self.sent.emit(view)
        self.accept()

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _fail(self, error: BaseException) -> None:
        self.send_button.setEnabled(self._message is not None and bool(self._targets))
        if isinstance(error, CommanderError):
            self.show_problem(str(error))
            return
        from ui.crash import report_crash

        report_crash(type(error), error, error.__traceback__)
