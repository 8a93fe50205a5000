"""The team database settings: a View menu action opening ``ConnectionDialog``.

The password goes to the app's secrets on a worker of its own (a keyring may answer
slowly over D-Bus, and the store may not be open at all); the connection goes into
the window's settings, saved whole as every feature saves them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from commander.errors import CommanderError, InvalidInputError
from commander.settings import save_settings
from commander.store import connection
from ui.connection.dialog import ConnectionDialog
from ui.workers import Worker

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.shell import Shell

MENU = "&View"
SAVED_STATUS = "Team database saved: the window opens it the next time it starts"


class ConnectionFeature(QObject):
    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(context)
        self.context = context
        self.shell = shell
        self.worker = Worker(on_error=shell.report_error, parent=self)
        self.dialog: ConnectionDialog | None = None
        self.action = QAction("Team &database…", shell.parent_widget())
        self.action.triggered.connect(self.edit)
        shell.add_action(MENU, self.action)
        shell.when_closing(self._finish)

    def _finish(self) -> None:
        self.worker.wait(5_000)  # a password on its way to the keyring gets there

    def edit(self) -> None:
        saved = connection.from_settings(self.context.settings.connection)

        def show(has_password: bool) -> None:
            dialog = ConnectionDialog(saved, has_password, self.shell.parent_widget())
            dialog.save_requested.connect(lambda: self._save(dialog))
            dialog.forget_requested.connect(lambda: self._forget(dialog))
            self.dialog = dialog
            dialog.open()

        if saved is None:
            show(False)
            return
        self.worker.submit(lambda: connection.has_password(saved), show, lambda _e: show(False))

    def _save(self, dialog: ConnectionDialog) -> None:
        try:
            typed = dialog.typed()
        except InvalidInputError as error:
            dialog.show_problem(str(error))
            return
        password = dialog.password_text

        def keep() -> bool:
            connection.keep_password(typed, password)
            return connection.has_password(typed)

        def kept(has_password: bool) -> None:
            self.context.settings.connection = connection.to_settings(typed, has_password)
            if self._saved(dialog):
                self.shell.show_status(SAVED_STATUS, 10_000)

        self.worker.submit(keep, kept, self._refused(dialog))

    def _forget(self, dialog: ConnectionDialog) -> None:
        saved = connection.from_settings(self.context.settings.connection)

        def forgotten(_none: None) -> None:
            self.context.settings.connection = {}
            if self._saved(dialog):
                self.shell.show_status("Team database forgotten", 10_000)

        if saved is None:
            forgotten(None)
            return
        self.worker.submit(
            lambda: connection.keep_password(saved, ""), forgotten, self._refused(dialog)
        )

    def _saved(self, dialog: ConnectionDialog) -> bool:
        try:
            save_settings(self.context.settings)
        except OSError as error:
            dialog.show_problem(f"Cannot save the settings: {error.strerror or error}")
            return False
        dialog.accept()
        return True

    def _refused(self, dialog: ConnectionDialog) -> Callable[[BaseException], None]:
        def refused(error: BaseException) -> None:
            if not isinstance(error, CommanderError):
                self.shell.report_error(error)
            dialog.show_problem(str(error))

        return refused
