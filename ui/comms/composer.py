"""Write one update for each audience, see it as each target will show it, send it.

The targets are grouped by who reads them; each audience among them has its own
text (a tab), and each target's preview shows the text its readers get. Sending
to a public target asks first, naming the customers' targets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commander.connectors.base import STATUSES, Message
from commander.domain.audiences import Audience, target_label
from commander.domain.key_values import parse_pairs
from commander.errors import CommanderError
from commander.views.comms import MessageView, TargetView
from ui.comms.audience_editor import BANNER_STYLE, AudienceEditor
from ui.comms.send_to import SendToTree

if TYPE_CHECKING:
    from commander.store.engine import Store
    from ui.comms.previews import Preview, TemplateChoice
    from ui.context import AppContext

COMPONENT_HELP = (
    "component=status, … (operational, degraded_performance, partial_outage, major_outage)"
)
RECOMPOSE_DELAY_MS = 300
NO_TARGETS = (
    "No targets yet, so there is nowhere to send: add one in Comms → Targets… "
    "(or `commander target add`), then compose again."
)
# What one audience's text is asked with: its template and the fields typed by hand.
Request = tuple[str, dict[str, str]]


def _start(store: Store) -> tuple[list[TemplateChoice], list[TargetView]]:
    from ui.comms.previews import composer_start

    return composer_start(store)


def _compose_each(
    store: Store,
    ref: str,
    requests: dict[Audience, Request],
    status: str | None,
    components: dict[str, str],
) -> dict[Audience, Message | str]:
    """Each audience's text, or why it cannot be composed (one broken template or an
    empty public title must not stop the others)."""
    from commander.services.messages import compose

    composed: dict[Audience, Message | str] = {}
    for audience, (template, overrides) in requests.items():
        try:
            composed[audience] = compose(
                store, ref, template, overrides, status=status, components=components
            )
        except CommanderError as error:
            composed[audience] = str(error)
    return composed


def _previews(texts: dict[Audience, Message], targets: list[TargetView]) -> list[Preview]:
    from ui.comms.previews import previews

    return previews(texts, targets)


def _send(store: Store, texts: list[Message], author: str, targets: list[str]) -> list[MessageView]:
    from commander.services.messages import send_update

    return send_update(store, texts, author, targets)


def parse_components(text: str) -> dict[str, str]:
    try:
        return parse_pairs(text, ",", form="name=status")
    except CommanderError as error:
        raise CommanderError(f"components, {error}") from None


def confirmation_text(targets: list[TargetView]) -> str:
    """What Send asks when customers will read it; empty when none will."""
    public = [t for t in targets if t.audience == Audience.PUBLIC.value]
    if not public:
        return ""
    names = ", ".join(target_label(t.name, t.kind) for t in public)
    return f"This goes to customers on: {names}."


class ComposerDialog(QDialog):
    sent = Signal(object)  # the MessageViews just queued, one per audience

    def __init__(self, context: AppContext, ref: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Compose update — {ref}")
        self.resize(1100, 700)
        self._context, self._ref = context, ref
        self._targets: list[TargetView] = []
        self.editors: dict[Audience, AudienceEditor] = {}
        self._problems: dict[Audience, str] = {}
        self._generation = 0  # answers to older compose requests are dropped
        self.confirmation: QMessageBox | None = None

        self.status_box = QComboBox()
        self.status_box.setObjectName("statusBox")
        self.status_box.addItem("From the phase", None)
        for status in STATUSES:
            self.status_box.addItem(status.capitalize(), status)
        self.status_box.currentIndexChanged.connect(self._schedule_compose)
        self.components_edit = QLineEdit()
        self.components_edit.setObjectName("components")
        self.components_edit.setPlaceholderText(COMPONENT_HELP)
        self.components_edit.textEdited.connect(self._schedule_compose)
        shared = QFormLayout()
        shared.addRow("Status page wording", self.status_box)
        shared.addRow("Components", self.components_edit)
        self.audience_tabs = QTabWidget()
        self.audience_tabs.setObjectName("audienceTabs")
        self.target_tree = SendToTree()
        self.target_tree.changed.connect(self._targets_changed)
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
        left_layout.addLayout(shared)
        left_layout.addWidget(self.audience_tabs, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("Send to (each group gets its own text)"))
        right_layout.addWidget(self.target_tree)
        right_layout.addWidget(QLabel("Preview per target: the text its readers get"))
        right_layout.addWidget(self.previews, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([560, 540])
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

    # -- the current audience's editor (one audience: the only one) ---------------------
    def editor(self, audience: Audience | str) -> AudienceEditor:
        return self.editors[Audience(audience)]

    def _current(self) -> AudienceEditor:
        page = self.audience_tabs.currentWidget()
        assert isinstance(page, AudienceEditor)
        return page

    @property
    def template_box(self) -> QComboBox:
        return self._current().template_box

    @property
    def field_edits(self) -> dict[str, QLineEdit]:
        return self._current().field_edits

    @property
    def headline_edit(self) -> QLineEdit:
        return self._current().headline_edit

    @property
    def body_edit(self) -> QPlainTextEdit:
        return self._current().body_edit

    # -- loading and composing ----------------------------------------------------------
    def _load(self) -> None:
        self._context.read(_start, self._on_loaded, self._fail)

    def _on_loaded(self, result: tuple[list[TemplateChoice], list[TargetView]]) -> None:
        from commander.services.messages import fields_for
        from commander.services.templates import DEFAULT_BY_AUDIENCE

        templates, self._targets = result
        self.target_tree.set_targets(self._targets)
        present = {Audience(t.audience) for t in self._targets} or {Audience.INTERNAL}
        for audience in Audience:
            if audience not in present:
                continue
            editor = AudienceEditor(
                audience, fields_for(audience), templates, DEFAULT_BY_AUDIENCE[audience]
            )
            editor.recompose_wanted.connect(self._schedule_compose)
            editor.text_edited.connect(self._schedule_previews)
            self.editors[audience] = editor
            self.audience_tabs.addTab(editor, audience.label)
        self._label_tabs()
        if not self._targets:
            self.show_problem(NO_TARGETS)
        self.recompose()

    def _schedule_compose(self, *_args: object) -> None:
        self._compose_timer.start()

    def _schedule_previews(self, *_args: object) -> None:
        self._preview_timer.start()

    def recompose(self) -> None:
        status = self.status_box.currentData()
        try:
            components = parse_components(self.components_edit.text())
        except CommanderError as error:
            self.show_problem(str(error))
            return
        requests = {a: (e.template, e.overrides()) for a, e in self.editors.items()}
        ref = self._ref
        self._generation += 1
        generation = self._generation
        self._context.read(
            lambda store: _compose_each(store, ref, requests, status, components),
            lambda composed: self._on_composed(composed, generation),
            self._fail,
        )

    def _on_composed(self, composed: dict[Audience, Message | str], generation: int) -> None:
        if generation != self._generation:
            return
        self._problems = {}
        for audience, result in composed.items():
            if isinstance(result, str):
                self._problems[audience] = f"{audience.readers.capitalize()}' text: {result}"
            else:
                self.editors[audience].show_composed(result)
        self._show_problems()
        self.send_button.setEnabled(bool(self._targets))
        self._refresh_previews()

    def _show_problems(self) -> None:
        # Stays while there is no target: without one nothing can be sent.
        notes = [] if self._targets else [NO_TARGETS]
        notes += list(self._problems.values())
        notes += [
            f"{e.audience.readers.capitalize()}' text was edited by hand, so field changes "
            "no longer rewrite it."
            for e in self.editors.values()
            if e.body_edited
        ]
        if notes:
            self.show_problem("\n".join(notes))
        else:
            self.problem.hide()

    def _targets_changed(self) -> None:
        self._label_tabs()
        self._refresh_previews()

    def _label_tabs(self) -> None:
        """An audience nobody ticked in "Send to" keeps its tab, marked as not sent."""
        chosen = {t.audience for t in self.target_tree.chosen()}
        for index in range(self.audience_tabs.count()):
            page = self.audience_tabs.widget(index)
            assert isinstance(page, AudienceEditor)
            sent = page.audience.value in chosen or not self._targets
            suffix = "" if sent else " — not sent"
            self.audience_tabs.setTabText(index, page.audience.label + suffix)

    # -- previews -----------------------------------------------------------------------
    def current_messages(self) -> dict[Audience, Message]:
        """The text each audience gets as it stands (typed edits included)."""
        texts = {a: e.current_message() for a, e in self.editors.items()}
        return {a: m for a, m in texts.items() if m is not None}

    def current_message(self) -> Message | None:
        return self._current().current_message()

    def chosen_targets(self) -> list[TargetView]:
        return self.target_tree.chosen()

    def _refresh_previews(self) -> None:
        texts, targets = self.current_messages(), self.chosen_targets()
        if not texts:
            return
        self._context.read(
            lambda _store: _previews(texts, targets), self._show_previews, self._fail
        )

    def _show_previews(self, previews: list[Preview]) -> None:
        self.previews.clear()
        for preview in previews:
            page = QWidget()
            layout = QVBoxLayout(page)
            audience = preview.audience or Audience(preview.target.audience)
            whose = QLabel(
                f"{audience.readers.capitalize()} read this on "
                f"{target_label(preview.target.name, preview.target.kind)}"
            )
            whose.setObjectName("previewAudience")
            whose.setStyleSheet(f"{BANNER_STYLE[audience]} padding: 3px;")
            layout.addWidget(whose)
            notes = preview.rendered.warnings if preview.rendered else (preview.problem,)
            if notes:
                warning = QLabel("\n".join(f"⚠ {n}" for n in notes), wordWrap=True)
                warning.setObjectName("previewWarning")
                warning.setStyleSheet("color: #b71c1c; font-weight: bold;")
                layout.addWidget(warning)
            text = QPlainTextEdit(readOnly=True)
            text.setPlainText(preview.rendered.preview if preview.rendered else "")
            layout.addWidget(text, 1)
            title = f"{preview.target.name} · {audience.readers}" + (" ⚠" if notes else "")
            self.previews.addTab(page, title)

    # -- sending ------------------------------------------------------------------------
    def send(self) -> None:
        """Send at once to responders alone; ask first when customers will read it."""
        targets = self.chosen_targets()
        if not targets:
            self.show_problem("Choose at least one target.")
            return
        texts = self.current_messages()
        missing = sorted(
            {Audience(t.audience) for t in targets} - set(texts), key=list(Audience).index
        )
        if missing:
            readers = ", ".join(a.readers for a in missing)
            self.show_problem(f"No text for {readers} yet: see its tab.")
            return
        question = confirmation_text(targets)
        if not question:
            self._send_now(texts, targets)
            return
        public = texts[Audience.PUBLIC]
        box = QMessageBox(self)
        box.setObjectName("publicConfirmation")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Send to customers?")
        box.setText(question)
        wanted = {Audience(t.audience) for t in targets}
        others = [a.readers for a in Audience if a in wanted and a is not Audience.PUBLIC]
        box.setInformativeText(
            f"Customers will read “{public.headline}” (status {public.status})."
            + (f" {' and '.join(others).capitalize()} get their own text." if others else "")
        )
        box.addButton("Send", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(lambda: self._send_now(texts, targets))
        self.confirmation = box
        box.open()

    def _send_now(self, texts: dict[Audience, Message], targets: list[TargetView]) -> None:
        wanted = {Audience(t.audience) for t in targets}
        chosen = [texts[a] for a in Audience if a in wanted]
        names = [t.name for t in targets]
        author = self._context.author()
        self.send_button.setEnabled(False)
        # The announcement of this write brings the new entries to every panel that shows them.
        self._context.write(
            lambda store: _send(store, chosen, author, names), self._on_sent, self._fail
        )

    def _on_sent(self, views: list[MessageView]) -> None:
        self.sent.emit(views)
        self.accept()

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _fail(self, error: BaseException) -> None:
        self.send_button.setEnabled(bool(self.editors) and bool(self._targets))
        if isinstance(error, CommanderError):
            self.show_problem(str(error))
            return
        from ui.crash import report_crash

        report_crash(type(error), error, error.__traceback__)
