"""The comms feature in the window, built by ``ui.comms.install`` once the store is open.

It adds a Comms menu, a Comms tab beside the timeline, the update countdown and
the delivery lines ("Status page: failing for 8 min — …") in the incident header,
and runs the outbox while a store is open.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QStyle,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from commander.domain.changes import Aspect

if TYPE_CHECKING:
    from commander.services.cadence import CadenceStatus
    from commander.services.channels import ChannelCreated
    from commander.store.engine import Store
    from commander.views.changes import Changes
    from commander.views.comms import DeliveryView, MessageView, TargetStanding
    from commander.views.incidents import IncidentDetail
    from ui.comms.cadence_widget import CadenceWidget
    from ui.comms.composer import ComposerDialog
    from ui.comms.delivery_status import DeliveryStatus
    from ui.comms.messages_panel import MessagesPanel
    from ui.comms.outbox_runner import OutboxRunner
    from ui.comms.targets_dialog import TargetsDialog
    from ui.context import AppContext
    from ui.shell import Shell

MENU = "&Comms"
CLOSE_WAIT_MS = 20_000
# The Comms tab lists messages; the countdown runs from the last one, its default
# interval follows the severity and it stops when the incident closes (the header).
SHOWN_ASPECTS = (Aspect.COMMS, Aspect.HEADER)
# The delivery lines show deliveries only (they stay red after Resolve).
STATUS_ASPECTS = (Aspect.COMMS,)


def _messages_and_cadence(store: Store, ref: str) -> tuple[list[MessageView], CadenceStatus]:
    from commander.services.cadence import cadence_status
    from commander.services.messages import list_messages

    return list_messages(store, ref), cadence_status(store, ref)


def _retry(store: Store, delivery_id: int, author: str) -> DeliveryView:
    from commander.services.deliveries import retry_delivery

    return retry_delivery(store, delivery_id, author)


def _mark_sent(store: Store, delivery_id: int, author: str) -> DeliveryView:
    from commander.services.deliveries import mark_sent_by_person

    return mark_sent_by_person(store, delivery_id, author)


def _standings(store: Store, ref: str) -> tuple[TargetStanding, ...]:
    from commander.services.delivery_status import delivery_standings

    return delivery_standings(store, ref)


def _set_cadence(store: Store, ref: str, minutes: int, author: str) -> CadenceStatus:
    from commander.services.cadence import set_cadence

    return set_cadence(store, ref, minutes, author)


def _slack_targets(store: Store) -> list[str]:
    from commander.services.channels import slack_targets

    return slack_targets(store)


def _create_channel(store: Store, ref: str, target: str, author: str) -> ChannelCreated:
    from commander.services.channels import create_incident_channel

    return create_incident_channel(store, ref, target, author)


class CommsFeature(QObject):
    # The Comms tab and the countdown show what was read for this incident ref.
    reloaded = Signal(str)
    # The header's delivery lines show what was read for this incident ref.
    status_reloaded = Signal(str)

    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(context)
        self.context = context
        self.shell = shell
        # The runner starts with the store; the tab and the countdown are built when the
        # first incident opens: with none open there is nothing for them to show.
        self.runner: OutboxRunner | None = None
        self.panel: MessagesPanel | None = None
        self.cadence: CadenceWidget | None = None
        self.status: DeliveryStatus | None = None
        self.header: QWidget | None = None  # the countdown above the delivery lines
        self.tray: QSystemTrayIcon | None = None
        self._ref: str | None = None
        context.store_opened.connect(self._on_store_opened)
        context.incident_opened.connect(self._on_incident_opened)
        context.changed.connect(self._on_changed)
        context.local_time_changed.connect(self._on_local_time_changed)
        shell.when_closing(self._stop_sending)
        self._build_menu()
        if context.store is not None:
            self._on_store_opened()
        if context.incident is not None:
            self._on_incident_opened(context.incident)

    def _build_menu(self) -> None:
        parent = self.shell.parent_widget()
        self.compose_action = QAction("&Compose update…", parent)
        self.compose_action.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.compose_action.triggered.connect(self.compose)
        self.cadence_action = QAction("Update &cadence…", parent)
        self.cadence_action.triggered.connect(self.edit_cadence)
        self.channel_action = QAction("Create incident c&hannel…", parent)
        self.channel_action.triggered.connect(self.create_channel)
        self.targets_action = QAction("&Targets…", parent)
        self.targets_action.triggered.connect(self.edit_targets)
        for action in (self.compose_action, self.cadence_action, self.channel_action):
            self.shell.add_action(MENU, action)
        self.shell.menu(MENU).addSeparator()
        self.shell.add_action(MENU, self.targets_action)

    def _on_store_opened(self) -> None:
        """Deliver what is due, starting with anything a previous run left unsent."""
        from ui.comms.outbox_runner import OutboxRunner

        if self.runner is None:
            self.runner = OutboxRunner(parent=self)
            self.runner.delivery_finished.connect(self._on_delivery)
            self.runner.recorded.connect(self.context.announce)
        self.runner.start(self.context.require_store())

    def _kick_runner(self) -> None:
        if self.runner is not None:
            self.runner.kick()

    # -- following the open incident ---------------------------------------------------
    def _on_incident_opened(self, incident: IncidentDetail | None) -> None:
        if incident is None:
            self._ref = None
            return
        self._ensure_widgets()
        if incident.ref == self._ref:
            return  # the same incident read again: its changes come as announcements
        self._ref = incident.ref
        if self.status is not None:
            self.status.show_standings(())  # not the last incident's lines meanwhile
        self.reload()
        self.reload_status()

    def _ensure_widgets(self) -> None:
        from ui.comms.cadence_widget import CadenceWidget
        from ui.comms.delivery_status import DeliveryStatus
        from ui.comms.messages_panel import MessagesPanel

        if self.panel is None or self.cadence is None or self.status is None:
            self.panel = MessagesPanel()
            self.panel.retry_requested.connect(self.retry)
            self.panel.mark_sent_requested.connect(self.mark_sent)
            self.panel.compose_requested.connect(self.compose)
            self.shell.add_side_panel(self.panel, "Comms")
            self.cadence = CadenceWidget()
            self.cadence.became_due.connect(self._notify_due)
            self.status = DeliveryStatus()
            self.status.set_local_time(self.context.settings.show_local_time)
            # One header column: the delivery lines under the countdown use the height
            # the incident header leaves free there, not more of the window's width.
            self.header = QWidget()
            self.header.setObjectName("commsHeader")
            column = QVBoxLayout(self.header)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(4)
            column.addWidget(self.cadence, 0, Qt.AlignmentFlag.AlignLeft)
            column.addWidget(self.status)
            self.shell.add_header_widget(self.header)

    def _on_changed(self, changes: Changes) -> None:
        if not self.context.shows(changes):
            return
        if changes.touches(*SHOWN_ASPECTS):
            self.reload()
        if changes.touches(*STATUS_ASPECTS):
            self.reload_status()

    def _on_local_time_changed(self, local: bool) -> None:
        if self.status is not None:
            self.status.set_local_time(local)

    def reload_status(self) -> None:
        ref = self._ref
        if ref is None or self.context.store is None:
            return
        self.context.read(
            lambda store: _standings(store, ref),
            lambda standings: self._on_status_read(ref, standings),
        )

    def _on_status_read(self, ref: str, standings: tuple[TargetStanding, ...]) -> None:
        if ref != self._ref or self.status is None:
            return  # another incident was opened meanwhile
        self.status.show_standings(standings)
        self.status_reloaded.emit(ref)

    def reload(self) -> None:
        ref = self._ref
        if ref is None or self.context.store is None:
            return
        self.context.read(
            lambda store: _messages_and_cadence(store, ref),
            lambda result: self._on_reloaded(ref, *result),
        )

    def _on_reloaded(self, ref: str, messages: list[MessageView], cadence: CadenceStatus) -> None:
        if ref != self._ref or self.panel is None or self.cadence is None:
            return  # another incident was opened meanwhile
        self.panel.show_messages(messages)
        self.cadence.show_status(cadence)
        self.reloaded.emit(ref)

    def _on_delivery(self, delivery: DeliveryView) -> None:
        if self.panel is not None:
            self.panel.update_delivery(delivery)
        if delivery.state == "failed":
            self.shell.show_status(
                f"Not delivered to {delivery.target_name}: {delivery.last_error}", 30_000
            )

    # -- actions -----------------------------------------------------------------------
    def compose(self) -> ComposerDialog | None:
        from ui.comms.composer import ComposerDialog

        if self.context.store is None or self._ref is None:
            return None
        dialog = ComposerDialog(self.context, self._ref, self.shell.parent_widget())
        # The send's announcement reloads the Comms tab; the runner need not wait a tick.
        dialog.sent.connect(lambda _message: self._kick_runner())
        dialog.open()
        return dialog

    def retry(self, delivery_id: int) -> None:
        if self.context.store is None:
            return
        author = self.context.author()
        self.context.write(lambda store: _retry(store, delivery_id, author), self._on_retried)

    def _on_retried(self, delivery: DeliveryView) -> None:
        self._on_delivery(delivery)
        self._kick_runner()

    def mark_sent(self, delivery_id: int) -> None:
        """ "It was posted: mark sent": a person checked; nothing is sent."""
        if self.context.store is None:
            return
        author = self.context.author()
        self.context.write(lambda store: _mark_sent(store, delivery_id, author), self._on_delivery)

    def edit_targets(self) -> TargetsDialog | None:
        from ui.comms.targets_dialog import TargetsDialog

        if self.context.store is None:
            return None
        dialog = TargetsDialog(self.context, self.shell.parent_widget())
        dialog.open()
        return dialog

    def edit_cadence(self) -> None:
        ref = self._ref
        if self.context.store is None or ref is None:
            return
        minutes, ok = QInputDialog.getInt(
            self.shell.parent_widget(),
            "Update cadence",
            f"Minutes between updates for {ref} (0: none):",
            (self.cadence.minutes if self.cadence else None) or 0,
            0,
            24 * 60,
        )
        if not ok:
            return
        author = self.context.author()
        self.context.write(lambda store: _set_cadence(store, ref, minutes, author))

    # -- the incident's Slack channel -------------------------------------------------
    def create_channel(self) -> None:
        ref = self._ref
        if self.context.store is None or ref is None:
            return
        self.context.read(_slack_targets, lambda names: self._channel_with(ref, names))

    def _channel_with(self, ref: str, names: list[str]) -> None:
        from ui.common import error_dialog

        if self.context.store is None or ref != self._ref:
            return  # the store or the incident changed while the targets were read
        parent = self.shell.parent_widget()
        if not names:
            error_dialog.show_problem(
                parent,
                "Create incident channel",
                "No Slack target: add one (kind slack, a bot token with channels:manage) "
                "in Comms → Targets…",
            )
            return
        name = names[0]
        if len(names) > 1:
            name, ok = QInputDialog.getItem(
                parent, "Create incident channel", f"Slack target for {ref}:", names, 0, False
            )
            if not ok:
                return
        author = self.context.author()
        self.shell.show_status(f"Creating the Slack channel for {ref}…")
        # The announcement carries the new entry and the ticked checklist item.
        self.context.write(
            lambda store: _create_channel(store, ref, name, author),
            self._on_channel_created,
            self._on_channel_failed,
        )

    def _on_channel_created(self, created: ChannelCreated) -> None:
        self.shell.show_status(f"Created Slack channel #{created.channel_name}", 30_000)

    def _on_channel_failed(self, error: BaseException) -> None:
        from commander.errors import CommanderError
        from ui.common import error_dialog

        self.shell.clear_status()
        if isinstance(error, CommanderError):
            error_dialog.show_problem(
                self.shell.parent_widget(), "Create incident channel", str(error)
            )
        else:
            self.shell.report_error(error)

    # -- notifications -----------------------------------------------------------------
    def _notify_due(self, due_at: datetime) -> None:
        text = f"{self._ref}: the next update was due at {due_at:%H:%M} UTC"
        window = self.shell.parent_widget().window()
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                icon = window.windowIcon()
                if icon.isNull():  # Qt refuses to show a tray icon without one
                    icon = window.style().standardIcon(
                        QStyle.StandardPixmap.SP_MessageBoxInformation
                    )
                self.tray = QSystemTrayIcon(icon, self)
                self.tray.show()
            self.tray.showMessage("Update due", text)
        self.shell.show_status(text, 60_000)
        QApplication.alert(window)

    def _stop_sending(self) -> None:
        # The window closes (nobody cancelled it). Unsent deliveries stay pending and
        # resume at the next start; a send in progress is let finish (at most the HTTP
        # timeout) so it is recorded.
        if self.runner is not None:
            self.runner.stop()
            self.runner.wait(CLOSE_WAIT_MS)
