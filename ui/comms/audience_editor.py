"""One audience's text in the composer: its template, fields, headline and body.

The composer holds one per audience among the targets; each says who reads it, so
the person always knows which words go to customers.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from commander.connectors.base import Message
from commander.domain.audiences import Audience
from ui.comms.previews import TemplateChoice

# Set apart by colour too: the public text is the one that leaves the company.
BANNER_STYLE = {
    Audience.PUBLIC: "background: #fff3e0; color: #e65100; border: 1px solid #ffb74d;",
    Audience.INTERNAL: "background: #e8f0fe; color: #1a3e8c; border: 1px solid #9db8f0;",
    Audience.EXECUTIVE: "background: #f3e8fd; color: #5b2a86; border: 1px solid #c9a6ec;",
}
BANNER_TEXT = {
    Audience.PUBLIC: "Customers read this text: write it in their words. "
    "Nothing from the timeline goes in by itself.",
    Audience.INTERNAL: "Responders read this text.",
    Audience.EXECUTIVE: "Executives read this text.",
}


class AudienceEditor(QWidget):
    # A template or field changed: the text must be composed again.
    recompose_wanted = Signal()
    # The headline or body was edited by hand: the previews follow.
    text_edited = Signal()

    def __init__(
        self,
        audience: Audience,
        fields: tuple[str, ...],
        templates: list[TemplateChoice],
        default_template: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.audience = audience
        self.setObjectName(f"editor_{audience.value}")
        self.message: Message | None = None
        self.touched: set[str] = set()
        self.body_edited = False

        self.banner = QLabel(BANNER_TEXT[audience], wordWrap=True)
        self.banner.setObjectName("audienceBanner")
        self.banner.setStyleSheet(f"{BANNER_STYLE[audience]} padding: 4px; font-weight: bold;")
        self.template_box = QComboBox()
        self.template_box.setObjectName("templateBox")
        for choice in templates:
            if choice.audience is audience:
                self.template_box.addItem(f"{choice.name} — {choice.description}", choice.name)
        chosen = self.template_box.findData(default_template)
        self.template_box.setCurrentIndex(max(chosen, 0))
        self.template_box.currentIndexChanged.connect(self._template_changed)
        form = QFormLayout()
        form.addRow("Template", self.template_box)
        self.field_edits: dict[str, QLineEdit] = {}
        for name in fields:
            edit = QLineEdit()
            edit.setObjectName(f"field_{name.replace(' ', '_')}")
            edit.textEdited.connect(lambda _text, n=name: self._field_edited(n))
            self.field_edits[name] = edit
            form.addRow("Public title" if name == "Title" else name, edit)
        self.headline_edit = QLineEdit()
        self.headline_edit.setObjectName("headline")
        self.headline_edit.textEdited.connect(lambda _text: self.text_edited.emit())
        form.addRow("Headline", self.headline_edit)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("body")
        self.body_edit.textChanged.connect(self._body_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(QLabel("Message (Markdown)"))
        layout.addWidget(self.body_edit, 1)

    @property
    def template(self) -> str:
        return str(self.template_box.currentData() or "")

    def overrides(self) -> dict[str, str]:
        return {name: self.field_edits[name].text() for name in self.touched}

    def _template_changed(self) -> None:
        self.body_edited = False  # a new template means a new body
        self.recompose_wanted.emit()

    def _field_edited(self, name: str) -> None:
        self.touched.add(name)
        self.recompose_wanted.emit()

    def _body_changed(self) -> None:
        if self.message is not None and self.body_edit.toPlainText() != self.message.body:
            self.body_edited = True
            self.text_edited.emit()

    def show_composed(self, message: Message) -> None:
        """Fill what the person has not written themselves from the composed text."""
        self.message = message
        for name, edit in self.field_edits.items():
            if name not in self.touched:
                edit.setText(message.fields.get(name, ""))
                edit.setCursorPosition(0)
        self.headline_edit.setText(message.headline)
        self.headline_edit.setCursorPosition(0)
        if not self.body_edited:
            with QSignalBlocker(self.body_edit):
                self.body_edit.setPlainText(message.body)

    def current_message(self) -> Message | None:
        if self.message is None:
            return None
        return replace(
            self.message,
            headline=self.headline_edit.text().strip(),
            body=self.body_edit.toPlainText().strip(),
        )
