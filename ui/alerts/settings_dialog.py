"""Alerts → Receiver settings: whether the window receives alerts, where, with which token,
and from which severity a group declares its incident by itself.

Only shows and checks what is typed; the feature keeps the token (with the
store's secrets, off the UI thread) and the rest (settings.json), then restarts
the receiver.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from commander.domain import Severity
from commander.errors import InvalidInputError
from commander.services.receiver_config import check_host, is_loopback, new_token
from commander.settings import Settings
from ui.common.named import named, wrapping

_STYLE = """
QLabel#bindWarning, QLabel#settingsProblem { color: #b71c1c; }
QLabel#storageWarning, QLabel#senderUrls { color: #455a64; }
"""
_LOADING = "(reading the kept token…)"


class ReceiverSettingsDialog(QDialog):
    # Save was pressed and what is typed is well formed: the feature keeps it, then
    # accepts the dialog (or shows why it could not).
    save_requested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alert receiver settings")
        self.setStyleSheet(_STYLE)
        self.enabled = QCheckBox("&Receive alerts from Alertmanager and Grafana")
        self.enabled.setChecked(settings.alert_receiver_enabled is True)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        port = settings.alert_receiver_port
        self.port.setValue(port if isinstance(port, int) and 1 <= port <= 65535 else 9095)
        bind = settings.alert_receiver_bind
        self.bind = QLineEdit(bind if isinstance(bind, str) else "127.0.0.1")
        self.bind.setPlaceholderText("127.0.0.1")
        self.bind_warning = wrapping(named(QLabel(), "bindWarning"))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(_LOADING)
        self.token.setEnabled(False)  # until the kept one is read
        self.kept_token = ""
        self.show_token = QPushButton("Show")
        self.show_token.setCheckable(True)
        self.show_token.toggled.connect(self._toggle_echo)
        self.new_token = QPushButton("&New token")
        self.new_token.clicked.connect(lambda: self.token.setText(new_token()))
        self.copy_token = QPushButton("Cop&y")
        self.copy_token.clicked.connect(self._copy_token)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        for button in (self.show_token, self.new_token, self.copy_token):
            token_row.addWidget(button)
        self.declare_at = QComboBox()
        self.declare_at.addItem("Never: every group waits in the inbox", "")
        for severity in Severity:
            self.declare_at.addItem(f"{severity.value} or worse", severity.value)
        index = self.declare_at.findData(
            settings.alert_declare_at if isinstance(settings.alert_declare_at, str) else ""
        )
        self.declare_at.setCurrentIndex(max(index, 0))
        self.urls = wrapping(named(QLabel(), "senderUrls"))
        self.storage_warning = wrapping(named(QLabel(), "storageWarning"))
        self.problem = wrapping(named(QLabel(), "settingsProblem"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check_and_accept)
        self.buttons.rejected.connect(self.reject)
        token_label = QLabel("&Token")
        token_label.setBuddy(self.token)
        form = QFormLayout(self)
        self.form = form
        form.addRow(self.enabled)
        form.addRow("&Port", self.port)
        form.addRow("&Listen on", self.bind)
        form.addRow("", self.bind_warning)
        form.addRow(token_label, token_row)
        form.addRow("", self.storage_warning)
        form.addRow("&Declare by itself at", self.declare_at)
        form.addRow("Senders post to", self.urls)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self.bind.textChanged.connect(self._update_hints)
        self.port.valueChanged.connect(self._update_hints)
        self._update_hints()
        self._show_row(self.storage_warning, False)
        self._show_row(self.problem, False)
        self.resize(620, max(self.form.heightForWidth(620), self.sizeHint().height()))

    # -- what the feature hands in and reads back ---------------------------------------
    def show_token_kept(self, token: str | None) -> None:
        self.token.setEnabled(True)
        self.token.setPlaceholderText("none kept yet: New token makes one")
        self.token.setText(token or "")
        self.kept_token = token or ""

    def show_storage_warning(self, warning: str | None) -> None:
        self.storage_warning.setText(warning or "")
        self._show_row(self.storage_warning, bool(warning))

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self._show_row(self.problem, bool(text))

    def _show_row(self, label: QLabel, shown: bool) -> None:
        # A hidden label alone still leaves its row's spacing: hide the whole row.
        self.form.setRowVisible(label, shown)
        # Grow with a row shown later (the storage warning arrives after the dialog opened).
        self.form.activate()
        wanted = self.form.heightForWidth(self.width())
        height = wanted if wanted > 0 else self.form.sizeHint().height()
        if height > self.height():
            self.resize(self.width(), height)

    @property
    def token_text(self) -> str:
        return self.token.text().strip()

    def apply_to(self, settings: Settings) -> None:
        """Write what was chosen into ``settings`` (the token is not a setting)."""
        settings.alert_receiver_enabled = self.enabled.isChecked()
        settings.alert_receiver_port = self.port.value()
        settings.alert_receiver_bind = check_host(self.bind.text() or "127.0.0.1")
        settings.alert_declare_at = str(self.declare_at.currentData())

    # -- inside ---------------------------------------------------------------------
    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.token.setEchoMode(mode)
        self.show_token.setText("Hide" if shown else "Show")

    def _copy_token(self) -> None:
        if self.token_text:
            QGuiApplication.clipboard().setText(self.token_text)

    def _update_hints(self) -> None:
        typed = self.bind.text().strip() or "127.0.0.1"
        try:
            host = check_host(typed)
        except InvalidInputError as error:
            self.bind_warning.setText(str(error))
            self._show_row(self.bind_warning, True)
            self.urls.setText("")
            return
        self.bind_warning.setText(
            ""
            if is_loopback(host)
            else f"Other machines can reach {host}. The receiver speaks plain HTTP and the "
            "token is its only protection: on an untrusted network put it behind a "
            "TLS proxy."
        )
        self._show_row(self.bind_warning, not is_loopback(host))
        if host in ("0.0.0.0", "::"):
            base = "http://ADDRESS-OF-THIS-MACHINE"
        else:
            base = f"http://[{host}]" if ":" in host else f"http://{host}"
        base += f":{self.port.value()}"
        self.urls.setText(f"Alertmanager: {base}/alertmanager\nGrafana: {base}/grafana")

    def _check_and_accept(self) -> None:
        from commander.alert_receiver import check_token

        try:
            check_host(self.bind.text() or "127.0.0.1")
            if self.token_text or self.enabled.isChecked():
                check_token(self.token_text)
        except InvalidInputError as error:
            self.show_problem(str(error)[:1].upper() + str(error)[1:] + ".")
            return
        self.show_problem("")
        self.save_requested.emit()
