"""PostgreSQL: a connection of its own, on a thread of its own, that listens for commits.

``ChangeListener`` holds one psycopg connection (autocommit, ``LISTEN`` on
``notify.CHANNEL``) and calls ``on_wake`` for each notice another seat's commit
sent (``store/notify.py``). It calls ``on_wake(None)`` as soon as it listens,
after every (re)connection too: whatever committed while it was not listening is
found by the reader's next feed read, from its cursor. ``on_state(True/False)``
says when it listens and when it lost the connection; meanwhile the reader polls.
It reconnects by itself with growing waits (capped), and ``stop()`` ends it at
once from any thread. The callbacks run on the listener's thread.
"""

from __future__ import annotations

import logging
import os
import selectors
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from commander.store.notify import CHANNEL, Notice, decode_notice

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

FIRST_RETRY_S = 0.25
LONGEST_RETRY_S = 8.0
# With no traffic for this long the connection is asked a question, so a server
# gone without a word (a cut network) is noticed; keepalives bound the wait.
IDLE_CHECK_S = 5.0
_CONNECT_OPTIONS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 5000,
}


def conninfo(url: URL) -> str:
    """The libpq address of a SQLAlchemy PostgreSQL URL (driver name dropped)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeListener:
    def __init__(
        self,
        url: URL,
        on_wake: Callable[[Notice | None], None],
        on_state: Callable[[bool], None] = lambda listening: None,
    ) -> None:
        self._conninfo = conninfo(url)
        self._on_wake = on_wake
        self._on_state = on_state
        self._stopping = threading.Event()
        # Held while a callback runs: once stop() has it, none runs again, so the
        # owner may go away even if the thread is still stuck in a connection attempt.
        self._calling = threading.Lock()
        # Written to by stop(): wakes the thread out of its wait on the socket.
        self._wake_read, self._wake_write = os.pipe()
        self._pipe_open = True
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None
        self._thread = threading.Thread(target=self._run, name="change-listener", daemon=True)
        self.listening = False

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop listening and close the connection (from any thread); no callback runs
        once this returns."""
        with self._calling:
            self._stopping.set()
            if self._pipe_open:
                os.write(self._wake_write, b"x")  # wakes the thread out of its wait
        if not self._thread.is_alive() and self._thread.ident is None:
            self._close_pipe()  # never started
        elif threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def backend_pid(self) -> int | None:
        """The server process serving the listening connection, while there is one."""
        connection = self._connection
        return None if connection is None or connection.closed else connection.info.backend_pid

    def _run(self) -> None:
        wait = FIRST_RETRY_S
        while not self._stopping.is_set():
            try:
                self._listen()  # returns only once stopped
                reason = "stopped"
            except Exception as exc:  # any failure of the connection: retry later
                reason = _reason(exc)
            finally:
                was_listening = self.listening
                self._set_listening(False)  # the reader polls from now on
                self._close()
            if was_listening:
                wait = FIRST_RETRY_S  # a connection that worked and was lost: retry soon
            if self._stopping.is_set():
                break
            log.info("change listener: %s; retrying in %.2g s", reason, wait)
            if self._stopping.wait(wait):
                break
            wait = min(wait * 2, LONGEST_RETRY_S)
        self._close_pipe()

    def _close_pipe(self) -> None:
        with self._calling:
            if self._pipe_open:
                self._pipe_open = False
                os.close(self._wake_read)
                os.close(self._wake_write)

    def _listen(self) -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        address = make_conninfo(self._conninfo, **_CONNECT_OPTIONS)
        connection = psycopg.connect(address, autocommit=True)
        self._connection = connection
        connection.execute(f"LISTEN {CHANNEL}")
        self._set_listening(True)
        self._wake(None)  # catch up with what committed before we listened
        with selectors.DefaultSelector() as selector:
            selector.register(connection.fileno(), selectors.EVENT_READ)
            selector.register(self._wake_read, selectors.EVENT_READ)
            while not self._stopping.is_set():
                ready = selector.select(IDLE_CHECK_S)
                if self._stopping.is_set():
                    return
                if not ready:
                    connection.execute("SELECT 1")  # raises if the server is gone
                for notify in connection.notifies(timeout=0):
                    self._wake(decode_notice(notify.payload))
                if connection.closed:
                    raise ConnectionError("the listening connection closed")

    def _wake(self, notice: Notice | None) -> None:
        with self._calling:
            if not self._stopping.is_set():
                self._on_wake(notice)

    def _set_listening(self, listening: bool) -> None:
        if listening == self.listening:
            return
        self.listening = listening
        with self._calling:
            if not self._stopping.is_set():
                self._on_state(listening)

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception as exc:  # closing a broken connection may fail; it is gone
                log.debug("closing the listening connection: %s", exc)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
