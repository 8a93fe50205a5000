"""The multi-line entry editor: a long or multi-line paste, logged whole or not at all.

It reads its text as the bar reads a line (the core's ``parse_quick_entry``: a
leading time backdates, ``/action`` sets the kind, ``/note`` keeps a leading time
as text) and says, while the text changes, what Ctrl+Enter will log: the line
count, the kind, a backdate on the chosen clock, or the core's reason it cannot
(text over the entry limit, a malformed command). Nothing is ever cut to fit.
The dialog stays open, holding the text, until the store has the entry; a failed
write leaves it there to try again. Esc asks before dropping the text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commander import clock
from commander.domain.quick_entry import (
    DeployEntry,
    LogEntry,
    PhaseChange,
    QuickEntry,
    SeverityChange,
    parse_quick_entry,
)
from commander.domain.when import format_backdate, typing_zone
from commander.errors import InvalidInputError
from ui.common.named import named, wrapping
from ui.timeline.model import line_count

# Waiting this long after the last change before reading the text again keeps typing
# into a 3,000-line paste smooth.
_RECHECK_MS = 150


class LongEntryDialog(QDialog):
    # (the whole text, the parsed QuickEntry): log it, or correct the entry being edited
    submitted = Signal(str, object)

    def __init__(
        self, text: str, local_time: bool, correcting: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._local_time = local_time
        self._correcting = correcting
        self.pending: str | None = None  # the text handed over, until stored or failed
        self.setWindowTitle("Correct your last entry" if correcting else "Log a long entry")
        self.resize(760, 520)
        self.editor = named(QPlainTextEdit(), "longEntryText")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # a log keeps its lines
        self.editor.setTabChangesFocus(True)
        self.editor.setPlainText(text)
        self.status = wrapping(named(QLabel(), "longEntryStatus"))
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        # A pasted log often starts with a time stamp: the grammar takes it as a backdate
        # (said in the status) and leaves it out of the text; one click keeps it as text.
        self.keep_time_button = QPushButton("Keep the leading time as text")
        self.keep_time_button.setToolTip("Puts /note first: the time stays in the entry's text")
        self.keep_time_button.clicked.connect(self.keep_time_as_text)
        self.keep_time_button.hide()
        guide = wrapping(
            QLabel(
                "Read as the quick-entry bar reads a line: a leading time (10:05, -5m) backdates,"
                " /action /decision /observation /hypothesis /pin set the kind and pin;"
                " start with /note to keep a leading time as text."
            )
        )
        self.buttons = QDialogButtonBox()
        self.log_button = QPushButton("Save changes" if correcting else "Log entry")
        self.log_button.setToolTip("Ctrl+Enter")
        self.buttons.addButton(self.log_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # Enter: the keypad's
            QShortcut(QKeySequence(keys), self).activated.connect(self.submit)
        self.editor.installEventFilter(self)  # Ctrl+Enter in the text, shortcut or not
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.keep_time_button)
        layout.addLayout(status_row)
        layout.addWidget(guide)
        layout.addWidget(QLabel("Ctrl+Enter logs it. Esc asks before dropping the text."))
        layout.addWidget(self.buttons)
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(_RECHECK_MS)
        self._recheck.timeout.connect(self.read_text)
        self.editor.textChanged.connect(self._recheck.start)
        self.read_text()

    def text(self) -> str:
        return self.editor.toPlainText()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.editor
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submit()
            return True
        return super().eventFilter(watched, event)

    # -- what Ctrl+Enter would do -----------------------------------------------------
    def _parse(self) -> QuickEntry:
        parsed = parse_quick_entry(self.text(), zone=typing_zone(self._local_time))
        if self._correcting and not isinstance(parsed, LogEntry):
            raise InvalidInputError("a correction keeps it an entry: it cannot run a command")
        return parsed

    def read_text(self) -> None:
        """Say what the text will log, or why it cannot; nothing changes in the text."""
        text = self.text()
        size = f"{line_count(text):,} lines, {len(text):,} characters"
        try:
            parsed = self._parse()
        except InvalidInputError as error:
            self.keep_time_button.hide()
            self._show(f"{size}. Cannot log it yet: {error}. Nothing is lost: the text stays here.")
            return
        said = [size, _what_it_logs(parsed)]
        if parsed.occurred_at is not None:
            backdate = format_backdate(parsed.occurred_at, clock.now(), self._local_time)
            said.append(f"{backdate}; the leading time is left out of the text")
        self.keep_time_button.setVisible(parsed.occurred_at is not None)
        self._show(" · ".join(said), problem=False)

    def keep_time_as_text(self) -> None:
        """The grammar's way to log a leading time as text: ``/note`` first."""
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        cursor.insertText("/note ")
        self.read_text()

    def _show(self, message: str, problem: bool = True) -> None:
        self.status.setText(message)
        self.status.setProperty("problem", problem)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    # -- logging ----------------------------------------------------------------------
    def submit(self) -> None:
        if self.pending is not None:
            return  # already handed over; waiting for the store
        self._recheck.stop()
        try:
            parsed = self._parse()
        except InvalidInputError:
            self.read_text()  # says why, and keeps the text
            return
        self.pending = self.text()
        self._set_busy(True)
        self.status.setText("Logging…")
        self.submitted.emit(self.pending, parsed)

    def committed(self) -> None:
        """The store has it: close without asking."""
        self.pending = None
        self.done(QDialog.DialogCode.Accepted)

    def failed(self, message: str) -> None:
        """Not stored: the text stays, with the reason."""
        self.pending = None
        self._set_busy(False)
        self._show(f"Not logged: {message}. The text stays here to try again.")
        self.editor.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.editor.setReadOnly(busy)
        self.log_button.setEnabled(not busy)

    # -- dropping ---------------------------------------------------------------------
    def reject(self) -> None:
        """Esc, Cancel or the close button: ask first when there is text to lose."""
        if self.pending is not None:
            return  # on its way to the store: closing now would hide the outcome
        if self.text().strip() and not self.confirm_drop():
            return
        super().reject()

    def confirm_drop(self) -> bool:
        lines = line_count(self.text())
        answer = QMessageBox.question(
            self,
            "Drop this entry?",
            f"Drop this entry without logging it? Its {lines:,} lines are not saved anywhere.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard


def _what_it_logs(parsed: QuickEntry) -> str:
    if isinstance(parsed, LogEntry):
        if parsed.pinned:
            return f"a pinned {parsed.kind.value}"
        return ("an " if parsed.kind.value[0] in "aeiou" else "a ") + parsed.kind.value
    if isinstance(parsed, SeverityChange):
        return f"a severity change to {parsed.severity.value}"
    if isinstance(parsed, PhaseChange):
        return f"a move to {parsed.phase.label}"
    if isinstance(parsed, DeployEntry):
        return f"a {parsed.change.kind.value} record"
    return f"a user report from {parsed.report.reporter}"
