"""The alert receiver as the window runs it: started, restarted and stopped off the UI
thread, its state reported back.

``AlertReceiver`` (commander/alert_receiver.py) has no Qt: it serves on threads of
its own and takes notifications into the store on another. Creating one binds its
port and opens its queue file, and stopping one waits for its threads, so both run
on this runner's own one-thread worker, in the order asked; the receiver object is
touched only there (and at close, once that worker is idle). What the receiver
reports from its threads reaches the UI thread through a queued signal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from commander.errors import CommanderError
from ui.workers import Worker

if TYPE_CHECKING:
    from commander.alert_receiver import AlertReceiver, ReceiverEvent
    from commander.settings import Settings
    from commander.store.engine import Store

log = logging.getLogger(__name__)

NO_TOKEN = "no token is kept for this store: set one in Alerts → Receiver settings…"
# Stopping waits for the worker to finish the notification it is taking in.
STOP_TIMEOUT_S = 10.0


class Running(StrEnum):
    OFF = "off"
    STARTING = "starting"
    LISTENING = "listening"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ReceiverState:
    running: Running
    url: str = ""  # while listening
    error: str = ""  # once failed

    def describe(self) -> str:
        if self.running is Running.LISTENING:
            return f"Receiving alerts on {self.url} (POST /alertmanager, POST /grafana)"
        if self.running is Running.STARTING:
            return "Starting the alert receiver…"
        if self.running is Running.FAILED:
            return f"The alert receiver is not running: {self.error}"
        return "The alert receiver is off (Alerts → Receiver settings…)"


class _Holder:
    """The running receiver; read and replaced on the runner's worker only."""

    receiver: AlertReceiver | None = None

    def stop(self) -> None:
        running, self.receiver = self.receiver, None
        if running is not None:
            running.stop(STOP_TIMEOUT_S)


def _restart(
    holder: _Holder,
    store: Store | None,
    settings: Settings,
    on_event: ReceiverRunner,
) -> str | None:
    """Stop what runs; start anew when enabled. The URL listened on, or None (off)."""
    from commander.alert_receiver import AlertReceiver
    from commander.services.alert_inbox import policy_from_settings
    from commander.services.receiver_config import receiver_settings, stored_token

    holder.stop()
    if store is None:
        return None
    setup = receiver_settings(settings)
    if not setup.enabled:
        return None
    policy = policy_from_settings(settings)
    token = stored_token(store)
    if token is None:
        raise CommanderError(NO_TOKEN)
    holder.receiver = AlertReceiver(
        store, token, policy, host=setup.host, port=setup.port, on_event=on_event.relay
    ).start()
    return holder.receiver.url


class ReceiverRunner(QObject):
    # The receiver's state changed (ReceiverState).
    state_changed = Signal(object)
    # The receiver took in, set aside or refused something (ReceiverEvent); emitted on
    # the receiver's threads, delivered on the UI thread.
    reported = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = Worker(on_error=self._failed_unexpectedly, parent=self)
        self._holder = _Holder()
        self._asked = 0  # which request the state shown answers; older answers are dropped
        self._closed = False
        self.state = ReceiverState(Running.OFF)

    def apply(self, store: Store | None, settings: Settings) -> None:
        """Run the receiver as ``settings`` say for ``store`` (restarting it), or stop it."""
        if self._closed:
            return
        self._asked += 1
        asked, holder = self._asked, self._holder
        enabled = settings.alert_receiver_enabled is True and store is not None
        self._show(ReceiverState(Running.STARTING if enabled else Running.OFF))
        self._worker.submit(
            lambda: _restart(holder, store, settings, self),
            lambda url: self._started(asked, url),
            lambda error: self._failed(asked, error),
        )

    def relay(self, event: ReceiverEvent) -> None:
        """The receiver's listener, on its threads."""
        self.reported.emit(event)

    def shutdown(self) -> None:
        """Stop for good (the window closes): waits for the receiver's threads."""
        self._closed = True
        self._worker.wait(int(STOP_TIMEOUT_S * 1000) + 5_000)
        self._holder.stop()

    # -- answers, on the UI thread ----------------------------------------------------
    def _started(self, asked: int, url: str | None) -> None:
        if asked == self._asked:
            self._show(ReceiverState(Running.LISTENING, url=url) if url else Running.OFF)

    def _failed(self, asked: int, error: BaseException) -> None:
        if not isinstance(error, CommanderError):
            log.error("the alert receiver failed to start", exc_info=error)
        if asked == self._asked:
            self._show(ReceiverState(Running.FAILED, error=str(error) or type(error).__name__))

    def _failed_unexpectedly(self, error: BaseException) -> None:
        log.error("alert receiver runner: %s", error)

    def _show(self, state: ReceiverState | Running) -> None:
        self.state = state if isinstance(state, ReceiverState) else ReceiverState(state)
        self.state_changed.emit(self.state)
