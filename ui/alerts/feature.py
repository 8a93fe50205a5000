"""The alert inbox in the window, and the receiver the window runs.

*Alerts → Alert inbox…* lists the waiting alert groups; the selected one can be
declared as a new incident, attached to an open one or dismissed, each through
``context.write`` with the same core call as the CLI (``alert-declare``,
``alert-attach``, ``alert-dismiss``). The header shows how many groups wait and
the open incident's labels; the menu's title counts them too, so they show with
no incident open.

How the inbox stays current: declaring and attaching write timeline entries, so
they are announced (the ALERTS aspect) here and, through the change feed, on
every seat. A group that arrives and waits, or one dismissed, writes no entry:
nothing announces it. The receiver this window runs reports what it took in, and
the inbox is read again at once; for another process's receiver (``commander
listen``) or another seat's dismissal, the feature polls ``inbox_mark`` (one
cheap aggregate read, on the reader) every ``POLL_MS`` and reads the inbox only
when the mark moved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from commander.domain.changes import Aspect
from commander.domain.when import format_clock
from commander.errors import CommanderError
from commander.logs import RepeatedFailure
from commander.settings import save_settings
from ui.alerts import store_calls
from ui.alerts.receiver_runner import ReceiverRunner, ReceiverState
from ui.common.latest_read import LatestRead

if TYPE_CHECKING:
    from commander.alert_receiver import ReceiverEvent
    from commander.domain import Severity
    from commander.services.alert_inbox import InboxMark
    from commander.store.engine import Store
    from commander.views.alerts import AlertGroupView
    from commander.views.changes import Changes
    from commander.views.incidents import IncidentDetail, IncidentSummary
    from ui.alerts.group_dialogs import AttachGroupDialog, DeclareGroupDialog
    from ui.alerts.header_line import AlertHeaderLine
    from ui.alerts.inbox_dialog import InboxDialog
    from ui.alerts.incident_panel import IncidentAlertsPanel
    from ui.alerts.settings_dialog import ReceiverSettingsDialog
    from ui.context import AppContext
    from ui.shell import Shell

log = logging.getLogger(__name__)

MENU = "&Alerts"
POLL_MS = 2_000


class AlertsFeature(QObject):
    # The waiting groups as read and shown (list[AlertGroupView]).
    inbox_read = Signal(object)

    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(context)
        self.context = context
        self.shell = shell
        self.groups: list[AlertGroupView] = []
        self.mark: InboxMark | None = None
        self.inbox: InboxDialog | None = None
        # In the header and beside the timeline from the first incident opened.
        self.line: AlertHeaderLine | None = None
        self.panel: IncidentAlertsPanel | None = None
        self._shown_id: int | None = None
        self.settings_dialog: ReceiverSettingsDialog | None = None
        self.declare_dialog: DeclareGroupDialog | None = None
        self.attach_dialog: AttachGroupDialog | None = None
        self.dismiss_box: QMessageBox | None = None
        self.refused = ""  # the last request the receiver refused, as shown
        self._failures = RepeatedFailure(log, "polling the alert inbox")
        self._known: set[int] | None = None  # group ids seen; None before the first read
        self._polling = False
        self._reading = False
        self._read_again = False
        self.runner = ReceiverRunner(parent=self)
        self.runner.state_changed.connect(self._show_receiver)
        self.runner.reported.connect(self._on_receiver_event)
        self.incident_read = LatestRead(
            context, store_calls.incident_alerts, self._show_incident_alerts, shell.report_error
        )
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self.poll)
        self._build_menu()
        context.store_opened.connect(self._on_store_opened)
        context.incident_opened.connect(self._on_incident_opened)
        context.changed.connect(self._on_changed)
        context.local_time_changed.connect(self._on_local_time_changed)
        # Stopped once every close guard agreed (a Cancel keeps it receiving), before
        # the window closes the store.
        shell.when_closing(self._stop_receiving)
        if context.store is not None:
            self._on_store_opened()

    def _build_menu(self) -> None:
        parent = self.shell.parent_widget()
        self.inbox_action = QAction("Alert &inbox…", parent)
        self.inbox_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.inbox_action.triggered.connect(self.show_inbox)
        self.settings_action = QAction("&Receiver settings…", parent)
        self.settings_action.triggered.connect(self.edit_receiver)
        for action in (self.inbox_action, self.settings_action):
            action.setEnabled(False)  # until the store is open
            self.shell.add_action(MENU, action)

    # -- the store and the receiver ----------------------------------------------------
    def _on_store_opened(self) -> None:
        self.inbox_action.setEnabled(True)
        self.settings_action.setEnabled(True)
        self.mark, self._known = None, None
        self.reload()
        self._timer.start()
        self.runner.apply(self.context.store, self.context.settings)

    def _show_receiver(self, state: ReceiverState) -> None:
        if self.inbox is not None:
            self.inbox.show_receiver(state.running.value, state.describe())

    def _on_receiver_event(self, event: ReceiverEvent) -> None:
        from commander.alert_receiver import Rejected, SetAside
        from commander.clock import now

        local = self.context.settings.show_local_time
        if isinstance(event, Rejected):
            self.refused = (
                f"Last refused at {format_clock(now(), local)}: {event.method} {event.path} "
                f"from {event.peer}, {event.status} {event.reason}"
            )
            if self.inbox is not None:
                self.inbox.show_refused(self.refused)
            return
        if isinstance(event, SetAside):
            self.shell.show_status(f"Could not take in an alert notification: {event.error}")
            return
        if event.outcome == "declared" and event.incident_ref:
            self.shell.show_status(f"Alerts declared {event.incident_ref} by themselves", 30_000)
        self.reload()

    # -- keeping the inbox current -----------------------------------------------------
    def poll(self) -> None:
        """Read the inbox's mark; read the inbox itself only when it moved."""
        if self._polling or self.context.store is None:
            return
        self._polling = True
        self.context.read(store_calls.inbox_mark, self._on_mark, self._on_poll_failed, slow=True)

    def _on_mark(self, mark: InboxMark) -> None:
        self._polling = False
        self._failures.worked()
        if mark != self.mark:
            self.reload()

    def _on_poll_failed(self, error: BaseException) -> None:
        self._polling = False
        self._failures.failed(error)  # again at the next tick

    def reload(self) -> None:
        """Read the waiting groups; one read at a time, a request meanwhile reads once more."""
        if self.context.store is None:
            return
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        self.context.read(
            store_calls.waiting_groups, self._on_read, self._on_read_failed, slow=True
        )

    def _on_read(self, result: tuple[InboxMark, list[AlertGroupView]]) -> None:
        self._reading = False
        self.mark, self.groups = result
        ids = {group.id for group in self.groups}
        if self._known is not None:
            arrived = [group for group in self.groups if group.id not in self._known]
            if arrived:
                more = f" (and {len(arrived) - 1} more)" if len(arrived) > 1 else ""
                self.shell.show_status(f"Alert waiting: {arrived[0].title}{more}", 30_000)
        self._known = ids
        self._show_count()
        if self.inbox is not None:
            self.inbox.show_groups(self.groups)
        self.inbox_read.emit(self.groups)
        self._next_read()

    def _on_read_failed(self, error: BaseException) -> None:
        self._reading = False
        log.warning("could not read the alert inbox: %s", error)
        self._next_read()

    def _next_read(self) -> None:
        if self._read_again:
            self._read_again = False
            self.reload()

    def _show_count(self) -> None:
        count = len(self.groups)
        self.shell.menu(MENU).setTitle(f"{MENU} ({count})" if count else MENU)
        if self.line is not None:
            self.line.show_waiting(count)
        if self.panel is not None:
            self.panel.show_waiting(count)

    def _on_changed(self, changes: Changes) -> None:
        if not changes.touches(Aspect.ALERTS):
            return
        self.reload()  # a group declared or attached (here, or on a seat the feed heard)
        if self.context.shows(changes):
            self.incident_read.request()

    # -- the open incident's line ------------------------------------------------------
    def _on_incident_opened(self, incident: IncidentDetail | None) -> None:
        if incident is None:
            self._shown_id = None
            return
        line, panel = self._ensure_widgets()
        line.show_labels(incident.labels)
        panel.show_labels(incident.labels)
        if incident.id != self._shown_id:  # not a re-read of the one shown
            self._shown_id = incident.id
            panel.show_groups([])
            self.incident_read.request()

    def _ensure_widgets(self) -> tuple[AlertHeaderLine, IncidentAlertsPanel]:
        from ui.alerts.header_line import AlertHeaderLine
        from ui.alerts.incident_panel import IncidentAlertsPanel

        if self.line is None or self.panel is None:
            self.line = AlertHeaderLine()
            self.line.inbox_requested.connect(self.show_inbox)
            self.shell.add_header_widget(self.line)
            self.panel = IncidentAlertsPanel()
            self.panel.inbox_requested.connect(self.show_inbox)
            self.shell.add_side_panel(self.panel, "Alerts")
            self._show_count()
        return self.line, self.panel

    def _show_incident_alerts(
        self, found: tuple[list[tuple[str, str]], list[AlertGroupView]]
    ) -> None:
        labels, groups = found
        if self.line is not None and self.panel is not None:
            self.line.show_labels(labels)
            self.panel.show_labels(labels)
            self.panel.show_groups(groups)

    def _on_local_time_changed(self, local: bool) -> None:
        if self.inbox is not None:
            self.inbox.set_local_time(local)

    # -- the inbox window --------------------------------------------------------------
    def show_inbox(self) -> InboxDialog | None:
        from ui.alerts.inbox_dialog import InboxDialog

        if self.context.store is None:
            return None
        if self.inbox is None:
            inbox = InboxDialog(self.shell.parent_widget())
            inbox.set_local_time(self.context.settings.show_local_time)
            inbox.declare_requested.connect(self.ask_declare)
            inbox.attach_requested.connect(self.ask_attach)
            inbox.dismiss_requested.connect(self.ask_dismiss)
            inbox.settings_requested.connect(self.edit_receiver)
            inbox.show_groups(self.groups)
            inbox.show_refused(self.refused)
            self.inbox = inbox
            self._show_receiver(self.runner.state)
        self.inbox.show()
        self.inbox.raise_()
        self.inbox.activateWindow()
        self.reload()
        return self.inbox

    # -- declare, attach, dismiss ------------------------------------------------------
    def ask_declare(self, group: AlertGroupView) -> None:
        from ui.alerts.group_dialogs import DeclareGroupDialog

        dialog = DeclareGroupDialog(group, self._parent_widget())
        dialog.accepted.connect(lambda: self._declare(group, dialog.severity))
        self.declare_dialog = dialog
        dialog.open()

    def _declare(self, group: AlertGroupView, severity: Severity | None) -> None:
        if severity is None:
            return
        author = self.context.author()
        self._acting(
            lambda store: store_calls.declare(store, group.id, severity, author),
            self._declared,
        )

    def _declared(self, group: AlertGroupView) -> None:
        ref = group.incident_ref or ""
        self.shell.show_status(f"{ref} declared from alert group {group.id}", 10_000)
        if ref:
            self.context.open_incident(ref)

    def ask_attach(self, group: AlertGroupView) -> None:
        self.context.read(
            store_calls.open_incidents,
            lambda incidents: self._choose_incident(group, incidents),
            self.shell.report_error,
        )

    def _choose_incident(self, group: AlertGroupView, incidents: list[IncidentSummary]) -> None:
        from ui.alerts.group_dialogs import AttachGroupDialog

        shown = self.context.incident
        open_ref = shown.ref if shown is not None else None
        dialog = AttachGroupDialog(group, incidents, open_ref, self._parent_widget())
        dialog.accepted.connect(lambda: self._attach(group, dialog.ref))
        self.attach_dialog = dialog
        dialog.open()

    def _attach(self, group: AlertGroupView, ref: str | None) -> None:
        if ref is None:
            return
        author = self.context.author()
        self._acting(
            lambda store: store_calls.attach(store, group.id, ref, author),
            lambda done: self.shell.show_status(
                f"Alert group {done.id} attached to {done.incident_ref}", 10_000
            ),
        )

    def ask_dismiss(self, group: AlertGroupView) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Dismiss alert group",
            f"Dismiss “{group.title}”?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self._parent_widget(),
        )
        box.setInformativeText(
            "No incident is made. The group stays in the store "
            "(commander alerts --state dismissed); when it fires again after it "
            "resolved, it waits here anew."
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Dismiss")
        box.accepted.connect(lambda: self._dismiss(group))
        self.dismiss_box = box
        box.open()

    def _dismiss(self, group: AlertGroupView) -> None:
        author = self.context.author()
        self._acting(
            lambda store: store_calls.dismiss(store, group.id, author),
            lambda done: self.shell.show_status(f"Alert group {done.id} dismissed", 10_000),
        )

    def _acting(
        self,
        call: Callable[[Store], AlertGroupView],
        done: Callable[[AlertGroupView], None],
    ) -> None:
        if self.inbox is not None:
            self.inbox.set_busy(True)

        def finished(group: AlertGroupView) -> None:
            self._idle()
            done(group)

        def failed(error: BaseException) -> None:
            self._idle()
            self.shell.report_error(error)  # e.g. another seat attached it meanwhile

        self.context.write(call, finished, failed)

    def _idle(self) -> None:
        if self.inbox is not None:
            self.inbox.set_busy(False)
        self.reload()  # dismissing writes no entry: nothing announces it

    def _parent_widget(self) -> QWidget:
        return self.inbox if self.inbox is not None else self.shell.parent_widget()

    # -- receiver settings -------------------------------------------------------------
    def edit_receiver(self) -> ReceiverSettingsDialog | None:
        from ui.alerts.settings_dialog import ReceiverSettingsDialog

        if self.context.store is None:
            return None
        dialog = ReceiverSettingsDialog(self.context.settings, self._parent_widget())
        dialog.save_requested.connect(lambda: self._save_receiver(dialog))
        self.settings_dialog = dialog

        def shown(kept: tuple[str | None, str | None]) -> None:
            token, warning = kept
            dialog.show_token_kept(token)
            dialog.show_storage_warning(warning)

        def unreadable(error: BaseException) -> None:
            dialog.show_token_kept(None)
            dialog.show_problem(f"Cannot read the kept token: {error}")

        self.context.read(
            lambda store: (store_calls.stored_token(store), store_calls.storage_warning()),
            shown,
            unreadable,
        )
        dialog.open()
        return dialog

    def _save_receiver(self, dialog: ReceiverSettingsDialog) -> None:
        token = dialog.token_text

        def kept(_token: object = None) -> None:
            settings = self.context.settings
            dialog.apply_to(settings)
            try:
                save_settings(settings)
            except OSError as error:
                dialog.show_problem(f"Cannot save the settings: {error.strerror or error}")
                return
            dialog.accept()
            self.runner.apply(self.context.store, settings)

        def refused(error: BaseException) -> None:
            if not isinstance(error, CommanderError):
                self.shell.report_error(error)
            dialog.show_problem(str(error))

        if token and token != dialog.kept_token:
            self.context.read(lambda store: store_calls.save_token(store, token), kept, refused)
        else:
            kept()

    # -- closing -----------------------------------------------------------------------
    def _stop_receiving(self) -> None:
        self._timer.stop()
        self.runner.shutdown()
