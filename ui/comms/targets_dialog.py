"""Settings → Targets: add, edit and remove where messages go, and their secrets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commander.connectors.base import KINDS
from commander.domain.audiences import Audience, default_audience
from commander.domain.key_values import parse_pairs
from commander.errors import CommanderError
from commander.views.comms import TargetView

if TYPE_CHECKING:
    from commander.store.engine import Store
    from ui.context import AppContext

NEW = "(new target)"


def _storage_warning() -> str | None:
    from commander.secrets import secret_storage_warning

    return secret_storage_warning()


def _has_secret(store: Store, name: str) -> bool:
    from commander.services.target_secrets import has_secret

    return has_secret(store, name)


def _list_targets(store: Store) -> list[TargetView]:
    from commander.services.targets import list_targets

    return list_targets(store)


def _save_target(
    store: Store,
    name: str,
    kind: str,
    base_url: str | None,
    options: Mapping[str, str],
    secret: str | None,
    replace: bool,
    audience: str,
    author: str,
) -> TargetView:
    from commander.services.targets import save_target

    return save_target(
        store,
        name,
        kind,
        base_url,
        options,
        secret,
        replace=replace,
        audience=audience,
        author=author,
    )


def _remove_target(store: Store, name: str, author: str) -> None:
    from commander.services.targets import remove_target

    remove_target(store, name, author)


def parse_options(text: str) -> dict[str, str]:
    try:
        return parse_pairs(text, "\n")
    except CommanderError as error:
        raise CommanderError(f"options, {error}") from None


class TargetsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Targets")
        self.resize(760, 460)
        self._context = context
        self._targets: list[TargetView] = []
        self.warning = QLabel()
        self.warning.setObjectName("secretWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            "background: #fff3e0; color: #e65100; padding: 6px; border: 1px solid #ffb74d;"
        )
        self.warning.hide()
        self.target_list = QListWidget()
        self.target_list.setObjectName("targetList")
        self.target_list.currentRowChanged.connect(self._show_target)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("targetName")
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("targetKind")
        self.kind_box.addItems(list(KINDS))
        self.kind_box.currentTextChanged.connect(self._kind_changed)
        self.audience_box = QComboBox()
        self.audience_box.setObjectName("targetAudience")
        for audience in Audience:
            self.audience_box.addItem(audience.label, audience.value)
        self.audience_box.setToolTip(
            "Who reads this target. A public target only ever gets the customers' text."
        )
        self.base_url_edit = QLineEdit()
        self.base_url_edit.setObjectName("targetBaseUrl")
        self.base_url_edit.setPlaceholderText("empty: the provider's public API")
        self.options_edit = QPlainTextEdit()
        self.options_edit.setObjectName("targetOptions")
        self.options_edit.setPlaceholderText("one KEY=VALUE per line: page_id=…, channel=…, to=…")
        self.options_edit.setMaximumHeight(90)
        self.secret_edit = QLineEdit()
        self.secret_edit.setObjectName("targetSecret")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_state = QLabel()
        self.secret_state.setObjectName("secretState")
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Kind", self.kind_box)
        form.addRow("Audience", self.audience_box)
        form.addRow("Base URL", self.base_url_edit)
        form.addRow("Options", self.options_edit)
        form.addRow("Token or webhook URL", self.secret_edit)
        form.addRow("", self.secret_state)
        self.save_button = QPushButton("Save target")
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton("Remove target")
        self.remove_button.clicked.connect(self.remove)
        self.problem = QLabel()
        self.problem.setObjectName("targetProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b71c1c;")
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        editor_layout.addLayout(row)
        editor_layout.addWidget(self.problem)
        editor_layout.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.target_list, 1)
        body.addWidget(editor, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.reload()
        self._context.read(lambda _store: _storage_warning(), self._show_warning, self._fail)

    def _show_warning(self, warning: str | None) -> None:
        self.warning.setText(f"⚠ {warning}" if warning else "")
        self.warning.setVisible(bool(warning))

    def reload(self, select: str | None = None) -> None:
        self._context.read(_list_targets, lambda t: self._show_targets(t, select), self._fail)

    def _show_targets(self, targets: list[TargetView], select: str | None) -> None:
        self._targets = targets
        self.target_list.clear()
        self.target_list.addItems([f"{t.name} ({t.kind}) · {t.audience}" for t in targets] + [NEW])
        names = [t.name for t in targets]
        self.target_list.setCurrentRow(names.index(select) if select in names else len(names))

    def _selected(self) -> TargetView | None:
        row = self.target_list.currentRow()
        return self._targets[row] if 0 <= row < len(self._targets) else None

    def _show_target(self, _row: int) -> None:
        target = self._selected()
        self.problem.clear()
        self.secret_edit.clear()
        self.name_edit.setText(target.name if target else "")
        # The secret is stored under the store's id and the name.
        self.name_edit.setReadOnly(target is not None)
        self.kind_box.setCurrentText(target.kind if target else KINDS[0])
        audience = target.audience if target else default_audience(KINDS[0]).value
        self.audience_box.setCurrentIndex(self.audience_box.findData(audience))
        self.base_url_edit.setText(target.base_url or "" if target else "")
        options = target.options if target else {}
        self.options_edit.setPlainText("\n".join(f"{k}={v}" for k, v in sorted(options.items())))
        self.remove_button.setEnabled(target is not None)
        if target is None:
            self.secret_state.setText("")
            self.secret_edit.setPlaceholderText("stored in the keyring, never shown again")
            return
        self.secret_edit.setPlaceholderText("leave empty to keep the stored one")
        name = target.name
        self._context.read(
            lambda store: _has_secret(store, name),
            lambda has: self.secret_state.setText(
                "A secret is stored." if has else "No secret stored."
            ),
            self._fail,
        )

    def _kind_changed(self, kind: str) -> None:
        # A new target starts with its kind's audience; a saved one keeps the one it has.
        if self._selected() is None:
            index = self.audience_box.findData(default_audience(kind).value)
            self.audience_box.setCurrentIndex(index)

    def save(self) -> None:
        try:
            options = parse_options(self.options_edit.toPlainText())
        except CommanderError as error:
            self.problem.setText(str(error))
            return
        existing = self._selected()
        name, kind = self.name_edit.text().strip(), self.kind_box.currentText()
        base_url = self.base_url_edit.text().strip() or None
        secret = self.secret_edit.text().strip() or None
        replace = existing is not None
        audience, author = str(self.audience_box.currentData()), self._context.author()
        self.secret_edit.clear()  # do not keep it in a widget longer than needed
        self._context.write(
            lambda store: _save_target(
                store, name, kind, base_url, options, secret, replace, audience, author
            ),
            lambda target: self.reload(select=target.name),
            self._fail,
        )

    def remove(self) -> None:
        target = self._selected()
        if target is None:
            return
        answer = QMessageBox.question(
            self,
            "Remove target",
            f"Remove {target.name} and its stored secret? Messages not yet delivered to it fail.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        author, name = self._context.author(), target.name
        # Unsent deliveries to it fail, each logged: the announcement reaches their incidents.
        self._context.write(
            lambda store: _remove_target(store, name, author), lambda _r: self.reload(), self._fail
        )

    def _fail(self, error: BaseException) -> None:
        if isinstance(error, CommanderError):
            self.problem.setText(str(error))
            return
        from ui.crash import report_crash

        report_crash(type(error), error, error.__traceback__)
