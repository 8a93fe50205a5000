"""Wires the comms feature into the main window with one call: ``install_comms(window)``.

It adds a Comms menu, a Comms tab beside the timeline, the update countdown
in the incident header, and runs the outbox while a store is open.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QStyle, QSystemTrayIcon

CLOSE_WAIT_MS = 20_000

if TYPE_CHECKING:
    from commander.views.comms import DeliveryView
    from ui.comms.cadence_widget import CadenceWidget
    from ui.comms.composer import ComposerDialog
    from ui.comms.messages_panel import MessagesPanel
    from ui.comms.outbox_runner import OutboxRunner
    from ui.comms.targets_dialog import TargetsDialog
    from ui.main_window import MainWindow


def _core() -> Any:
    from ui.comms import core

    return core


class CommsFeature(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        # The widgets and the runner are built once the store is open, after the first
        # paint, so the feature costs start-up nothing but its menu.
        self.runner: OutboxRunner | None = None
        # Built with the incident page, which then owns them: a widget without a parent
        # could be garbage-collected on a worker thread, which Qt does not survive.
        self.panel: MessagesPanel | None = None
        self.cadence: CadenceWidget | None = None
        self.tray: QSystemTrayIcon | None = None
        self._ref: str | None = None
        window.store_opened.connect(self._on_store_opened)
        window.incident_shown.connect(self._on_incident_shown)
        window.timeline_changed.connect(self.reload)
        window.installEventFilter(self)
        self._build_menu()

    def _build_menu(self) -> None:
        window = self.window
        self.compose_action = QAction(
            "&Compose update…", window, shortcut=QKeySequence("Ctrl+Shift+U")
        )
        self.compose_action.triggered.connect(self.compose)
        self.targets_action = QAction("&Targets…", window)
        self.targets_action.triggered.connect(self.edit_targets)
        self.cadence_action = QAction("Update &cadence…", window)
        self.cadence_action.triggered.connect(self.edit_cadence)
        self.channel_action = QAction("Create incident c&hannel…", window)
        self.channel_action.triggered.connect(self.create_channel)
        menu = window.menuBar().addMenu("&Comms")
        menu.addActions([self.compose_action, self.cadence_action, self.channel_action])
        menu.addSeparator()
        menu.addAction(self.targets_action)
        window.addAction(self.compose_action)

    def _on_store_opened(self) -> None:
        """Deliver what is due, starting with anything a previous run left unsent."""
        from ui.comms.outbox_runner import OutboxRunner

        if self.runner is None:
            self.runner = OutboxRunner(parent=self)
            self.runner.delivery_finished.connect(self._on_delivery)
        self.runner.start(self.window._require_store())

    def _kick_runner(self) -> None:
        if self.runner is not None:
            self.runner.kick()

    # -- following the open incident ---------------------------------------------------
    def _on_incident_shown(self, ref: str) -> None:
        from ui.comms.cadence_widget import CadenceWidget
        from ui.comms.messages_panel import MessagesPanel

        if self.panel is None or self.cadence is None:
            page = self.window.page
            self.panel = MessagesPanel(page)
            self.panel.retry_requested.connect(self.retry)
            self.panel.compose_requested.connect(self.compose)
            page.add_side_panel(self.panel, "Comms")
            self.cadence = CadenceWidget(page.header)
            self.cadence.became_due.connect(self._notify_due)
            page.header.layout().addWidget(self.cadence, 0, 4)  # beside the phase
        self._ref = ref
        self.reload(ref)

    def reload(self, ref: str | None = None) -> None:
        ref = ref or self._ref
        store = self.window.store
        if ref is None or store is None:
            return
        self.window.worker.submit(
            lambda: (ref, _core().list_messages(store, ref), _core().cadence_status(store, ref)),
            self._on_reloaded,
        )

    def _on_reloaded(self, result: tuple[str, list[Any], Any]) -> None:
        ref, messages, cadence = result
        if ref != self._ref or self.panel is None or self.cadence is None:
            return  # another incident was opened meanwhile
        self.panel.show_messages(messages)
        self.cadence.show_status(cadence)

    def _on_delivery(self, delivery: DeliveryView) -> None:
        if self.panel is not None:
            self.panel.update_delivery(delivery)
        if delivery.state == "failed":
            self.window.statusBar().showMessage(
                f"Not delivered to {delivery.target_name}: {delivery.last_error}", 30_000
            )

    # -- actions -----------------------------------------------------------------------
    def compose(self) -> ComposerDialog | None:
        from ui.comms.composer import ComposerDialog

        store = self.window.store
        if store is None or self._ref is None:
            return None
        author = self.window.settings.author_or_default()
        dialog = ComposerDialog(self.window.worker, store, self._ref, author, self.window)
        dialog.sent.connect(lambda _message: self._after_send())
        dialog.open()
        return dialog

    def _after_send(self) -> None:
        self._kick_runner()
        self.reload()
        if self._ref is not None:
            self.window.open_incident(self._ref)  # the new timeline entry

    def retry(self, delivery_id: int) -> None:
        store = self.window.store
        if store is None:
            return
        author = self.window.settings.author_or_default()
        self.window.worker.submit(
            lambda: _core().retry_delivery(store, delivery_id, author),
            self._on_retried,
        )

    def _on_retried(self, delivery: DeliveryView) -> None:
        self._on_delivery(delivery)
        self._kick_runner()

    def edit_targets(self) -> TargetsDialog | None:
        from ui.comms.targets_dialog import TargetsDialog

        store = self.window.store
        if store is None:
            return None
        author = self.window.settings.author_or_default()
        dialog = TargetsDialog(self.window.worker, store, author, self.window)
        dialog.open()
        return dialog

    def edit_cadence(self) -> None:
        store, ref = self.window.store, self._ref
        if store is None or ref is None:
            return
        minutes, ok = QInputDialog.getInt(
            self.window,
            "Update cadence",
            f"Minutes between updates for {ref} (0: none):",
            (self.cadence.minutes if self.cadence else None) or 0,
            0,
            24 * 60,
        )
        if not ok:
            return
        author = self.window.settings.author_or_default()
        self.window.worker.submit(
            lambda: _core().set_cadence(store, ref, minutes, author), lambda _s: self.reload()
        )

    # -- the incident's Slack channel -------------------------------------------------
    def create_channel(self) -> None:
        store, ref = self.window.store, self._ref
        if store is None or ref is None:
            return
        self.window.worker.submit(
            lambda: _core().slack_targets(store), lambda names: self._channel_with(ref, names)
        )

    def _channel_with(self, ref: str, names: list[str]) -> None:
        from ui.dialogs import error_dialog

        store = self.window.store
        if store is None or ref != self._ref:
            return  # the store or the incident changed while the targets were read
        if not names:
            error_dialog.show_problem(
                self.window,
                "Create incident channel",
                "No Slack target: add one (kind slack, a bot token with channels:manage) "
                "in Comms → Targets…",
            )
            return
        name = names[0]
        if len(names) > 1:
            name, ok = QInputDialog.getItem(
                self.window, "Create incident channel", f"Slack target for {ref}:", names, 0, False
            )
            if not ok:
                return
        author = self.window.settings.author_or_default()
        self.window.statusBar().showMessage(f"Creating the Slack channel for {ref}…")
        self.window.worker.submit(
            lambda: _core().create_incident_channel(store, ref, name, author),
            self._on_channel_created,
            self._on_channel_failed,
        )

    def _on_channel_created(self, created: Any) -> None:
        self.window.statusBar().showMessage(
            f"Created Slack channel #{created.channel_name}", 30_000
        )
        if self._ref is not None:
            self.window.open_incident(self._ref)  # the new entry and the checked item

    def _on_channel_failed(self, error: BaseException) -> None:
        from commander.errors import CommanderError
        from ui.dialogs import error_dialog

        self.window.statusBar().clearMessage()
        if isinstance(error, CommanderError):
            error_dialog.show_problem(self.window, "Create incident channel", str(error))
        else:
            self.window.report_error(error)

    # -- notifications -----------------------------------------------------------------
    def _notify_due(self, due_at: datetime) -> None:
        text = f"{self._ref}: the next update was due at {due_at:%H:%M} UTC"
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                icon = self.window.windowIcon()
                if icon.isNull():  # Qt refuses to show a tray icon without one
                    icon = self.window.style().standardIcon(
                        QStyle.StandardPixmap.SP_MessageBoxInformation
                    )
                self.tray = QSystemTrayIcon(icon, self)
                self.tray.show()
            self.tray.showMessage("Update due", text)
        self.window.statusBar().showMessage(text, 60_000)
        QApplication.alert(self.window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Unsent deliveries stay pending and resume at the next start; a send in
        # progress is let finish (at most the HTTP timeout) so it is recorded.
        closing = watched is self.window and event.type() == QEvent.Type.Close
        if closing and self.runner is not None:
            self.runner.stop()
            self.runner.wait(CLOSE_WAIT_MS)
        return False


def install_comms(window: MainWindow) -> CommsFeature:
    return CommsFeature(window)
