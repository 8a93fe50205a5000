"""View → Team database…: the PostgreSQL server every seat shares, and its password.

Only shows and checks what is typed (``store.connection.checked``); the feature keeps
the password (with the app's secrets, off the UI thread) and the rest (settings.json).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from commander.store.connection import (
    DEFAULT_PORT,
    DEFAULT_SSL_MODE,
    SSL_MODES,
    SavedConnection,
    checked,
)
from ui.common.named import named, wrapping

_STYLE = "QLabel#connectionProblem { color: #b71c1c; } QLabel#connectionNote { color: #455a64; }"
NOTE = (
    "The window opens this server the next time it starts, unless --db or $COMMANDER_DB "
    "names a store. The password is kept in the system keyring (or the app's private "
    "secrets file), never in the settings; left empty, the kept one stays, and without "
    "one libpq's $PGPASSWORD or ~/.pgpass apply."
)


class ConnectionDialog(QDialog):
    # Save or Forget was pressed; the feature does it, then accepts (or shows why not).
    save_requested = Signal()
    forget_requested = Signal()

    def __init__(
        self, saved: SavedConnection | None, has_password: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team database")
        self.setStyleSheet(_STYLE)
        self.host = QLineEdit(saved.host if saved else "")
        self.host.setPlaceholderText("db.example.net")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(saved.port if saved else DEFAULT_PORT)
        self.database = QLineEdit(saved.database if saved else "")
        self.database.setPlaceholderText("incidents")
        self.user = QLineEdit(saved.user if saved else "")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("(kept)" if has_password else "(none kept)")
        self.sslmode = QComboBox()
        self.sslmode.addItems(SSL_MODES)
        self.sslmode.setCurrentText(saved.sslmode if saved else DEFAULT_SSL_MODE)
        self.ca_file = QLineEdit(saved.sslrootcert if saved else "")
        self.ca_file.setPlaceholderText("CA certificate (PEM), for verify-ca and verify-full")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        self.problem = wrapping(named(QLabel(), "connectionProblem"))
        self.problem.hide()
        form = QFormLayout(self)
        form.addRow("&Host", self.host)
        form.addRow("&Port", self.port)
        form.addRow("&Database", self.database)
        form.addRow("&User", self.user)
        form.addRow("Pass&word", self.password)
        form.addRow("&TLS (sslmode)", self.sslmode)
        ca_label = QLabel("&CA file")
        ca_label.setBuddy(self.ca_file)  # a row of a layout has no buddy of its own
        form.addRow(ca_label, ca_row)
        form.addRow(wrapping(named(QLabel(NOTE), "connectionNote")))
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.forget = self.buttons.addButton(
            "&Forget this server", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.forget.setEnabled(saved is not None)
        self.forget.clicked.connect(self.forget_requested)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    @property
    def password_text(self) -> str | None:
        """The password typed, or None: keep the one kept."""
        return self.password.text() or None

    def typed(self) -> SavedConnection:
        """What is typed as a connection; ``InvalidInputError`` says what is wrong."""
        return checked(
            host=self.host.text(),
            database=self.database.text(),
            user=self.user.text(),
            port=self.port.value(),
            sslmode=self.sslmode.currentText(),
            sslrootcert=self.ca_file.text(),
        )

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _save(self) -> None:
        self.problem.hide()
        self.save_requested.emit()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "CA certificate", self.ca_file.text(), "Certificates (*.pem *.crt);;All (*)"
        )
        if path:
            self.ca_file.setText(path)
