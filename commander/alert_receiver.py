"""The alert receiver: a small HTTP server for monitoring webhooks, and the worker
that takes what it accepted into the inbox.

``POST /alertmanager`` takes Prometheus Alertmanager's webhook (payload version 4),
``POST /grafana`` Grafana alerting's webhook contact point. Every request needs
``Authorization: Bearer TOKEN`` (compared in constant time). A request is checked
in this order, and refused with nothing stored: the token (401), the method and
path (405, 404), the declared length (411 without one, 413 over the limit, before
reading the body), the body itself (400: not UTF-8, malformed JSON, or not the
shape its path expects). An accepted notification is written to the receiver's
queue (store/alert_queue.py, one short transaction in a file of its own) and
answered 200 at once; the worker thread then takes queued notifications into the
store one by one (services/alert_inbox.take_in: dedup, attach, declare), so a busy
store delays the inbox, never the answer.

Standard library ``http.server`` (``ThreadingHTTPServer``), no framework: the
receiver serves two paths. It binds 127.0.0.1 unless told otherwise. No Qt here:
the window runs the same object on a worker thread, ``commander listen`` in the
foreground.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from commander import paths
from commander.clock import now
from commander.domain.alerts import AlertSource, PayloadError, parse_body
from commander.errors import CommanderError, InvalidInputError, StoreError
from commander.services.alert_inbox import InboxPolicy, take_in
from commander.store.alert_queue import AlertQueue, QueuedNotification
from commander.store.engine import Store
from commander.views.alerts import Intake

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
MAX_BODY = 1024 * 1024  # bytes; Alertmanager's largest groups stay far below
READ_TIMEOUT = 10.0  # seconds a client may take to send its request (or stay idle)
TOKEN_MIN = 16
PATHS: dict[str, AlertSource] = {f"/{source.value}": source for source in AlertSource}
_IDLE_POLL = 1.0  # seconds; the worker also looks for what another process queued
_BATCH = 50
_RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0, 10.0)  # after the store refused a write
_DRAIN_LIMIT = 64 * 1024  # bytes read and dropped after an early answer, before closing
_LENGTH = re.compile(r"[0-9]{1,18}")  # ASCII digits only ("²" is a digit to str.isdigit)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A request refused with ``status``; nothing of it was stored."""

    status: int
    method: str
    path: str
    reason: str
    peer: str


@dataclass(frozen=True, slots=True)
class SetAside:
    """A queued notification the inbox could not take in; kept in the queue."""

    queue_id: int
    source: str
    error: str


ReceiverEvent = Intake | Rejected | SetAside


def check_token(token: str) -> str:
    """The shared token, stripped; refused if short or not sendable in a header."""
    token = token.strip()
    if not token:
        raise InvalidInputError("the receiver needs a token (Authorization: Bearer TOKEN)")
    if len(token) < TOKEN_MIN:
        raise InvalidInputError(
            f"the token has {len(token)} characters; use at least {TOKEN_MIN} "
            "(for example from `openssl rand -hex 24`)"
        )
    if not all(33 <= ord(ch) <= 126 for ch in token):
        raise InvalidInputError("the token may hold only printable ASCII, without spaces")
    return token


def queue_path_for(store: Store) -> Path:
    """Where the receiver of ``store`` queues notifications: beside a SQLite file, else
    in the user data folder under the store's id (a PostgreSQL store)."""
    file = store.sqlite_file
    if file is not None:
        return file.with_name(f"{file.stem}.alert-queue.sqlite")
    from commander.services.store_identity import store_id

    return paths.data_dir() / f"alert-queue-{store_id(store)}.sqlite"


class AlertReceiver:
    """The HTTP server and its worker; ``start()``, then ``stop()`` from any thread."""

    def __init__(
        self,
        store: Store,
        token: str,
        policy: InboxPolicy,
        *,
        host: str = LOOPBACK,
        port: int = 0,
        queue_path: Path | None = None,
        max_body: int = MAX_BODY,
        on_event: Callable[[ReceiverEvent], None] | None = None,
    ) -> None:
        self._store = store
        self._token = check_token(token).encode("ascii")
        self._policy = policy
        self.max_body = max_body
        self._on_event = on_event
        self.queue = AlertQueue(queue_path or queue_path_for(store))
        try:
            server_type = _Server6 if ":" in host else _Server
            self._server = server_type((host, port), _Handler)
        except OSError as exc:
            self.queue.close()
            raise CommanderError(
                f"cannot listen on {host} port {port}: {exc.strerror or exc}"
            ) from None
        self._server.receiver = self
        self._started = False
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._threads = [
            threading.Thread(
                target=self._server.serve_forever, args=(0.1,), name="alert-http", daemon=True
            ),
            threading.Thread(target=self._work, name="alert-inbox", daemon=True),
        ]

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> AlertReceiver:
        for thread in self._threads:
            thread.start()
        self._started = True
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop answering, let the worker finish the notification it is taking in."""
        self._stopping.set()
        self._wake.set()
        if self._started:  # shutdown() waits for serve_forever, which must be running
            self._server.shutdown()
            for thread in self._threads:
                thread.join(timeout)
        self._server.server_close()
        self.queue.close()

    # -- called by the request handler, on the server's threads --

    def authorized(self, header: str | None) -> bool:
        scheme, _, credentials = (header or "").strip().partition(" ")
        given = credentials.strip().encode("latin-1", "replace")
        # compare_digest runs as long for any wrong token of a given length.
        matches = hmac.compare_digest(given, self._token)
        return scheme.lower() == "bearer" and matches

    def accept(self, source: AlertSource, body: bytes) -> tuple[int, str]:
        """Check ``body`` and queue it; the status and message to answer."""
        try:
            parse_body(source, body)
        except PayloadError as error:
            return 400, str(error)
        try:
            self.queue.put(source.value, body.decode("utf-8"), now())
        except StoreError as error:
            log.error("could not queue a %s notification: %s", source.value, error)
            return 503, "cannot store the notification now; try again"
        self._wake.set()
        return 200, "accepted"

    def report(self, event: ReceiverEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:  # a listener's bug must not stop the receiver
            log.exception("alert receiver listener failed")

    # -- the worker --

    def _work(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            self._wake.clear()  # before looking: a notification queued after it wakes us
            try:
                batch = self.queue.waiting(_BATCH)
            except StoreError as error:
                log.error("%s", error)
                batch = []
            if not batch:
                self._wake.wait(_IDLE_POLL)
                continue
            for item in batch:
                if self._stopping.is_set():
                    return
                if not self._take_in(item):
                    delay = _RETRY_DELAYS[min(failures, len(_RETRY_DELAYS) - 1)]
                    failures += 1
                    self._stopping.wait(delay)
                    break
                failures = 0

    def _take_in(self, item: QueuedNotification) -> bool:
        """Take one queued notification into the store; False to try again later."""
        try:
            source = AlertSource(item.source)
            notification = parse_body(source, item.body.encode("utf-8"))
            intake = take_in(self._store, notification, item.body, self._policy, item.received_at)
        except StoreError as error:  # locked, unreachable: the notification waits
            log.warning("alert inbox: %s; will try again", error)
            return False
        except (CommanderError, ValueError) as error:
            self._set_aside(item, str(error))
            return True
        except Exception as error:
            log.exception("alert inbox: cannot take in queued notification %s", item.id)
            self._set_aside(item, f"internal error: {type(error).__name__}: {error}")
            return True
        try:
            self.queue.remove(item.id)
        except StoreError as error:  # taken in; a second pass will find it a repeat
            log.error("%s", error)
        self.report(intake)
        return True

    def _set_aside(self, item: QueuedNotification, error: str) -> None:
        try:
            self.queue.set_aside(item.id, error)
        except StoreError as failure:
            log.error("%s", failure)
        self.report(SetAside(item.id, item.source, error))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A burst of senders (bench/alerts.py: 100 a second) must not find the backlog full.
    request_queue_size = 128
    receiver: AlertReceiver

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver would print the traceback on stderr, over `listen`'s lines.
        log.exception("alert receiver: error while serving %s", client_address[0])


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server_version = "commander-alerts"
    sys_version = ""
    protocol_version = "HTTP/1.1"  # keep-alive, as Alertmanager and Grafana use it
    timeout = READ_TIMEOUT

    @property
    def receiver(self) -> AlertReceiver:
        return cast(_Server, self.server).receiver

    def do_POST(self) -> None:
        if not self._allowed():
            return
        source = PATHS.get(urlsplit(self.path).path)
        if source is None:
            self._refuse(404, "no such path: POST /alertmanager or /grafana")
            return
        body = self._body()
        if body is None:
            return
        status, message = self.receiver.accept(source, body)
        if status == 200:
            self._answer(200, {"status": message})
        else:
            self._refuse(status, message, read_all=True)

    def _other_method(self) -> None:
        if self._allowed():
            self._refuse(405, f"{self.command} is not served: POST only", {"Allow": "POST"})

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _other_method  # noqa: N815

    def _allowed(self) -> bool:
        if self.receiver.authorized(self.headers.get("Authorization")):
            return True
        self._refuse(401, "missing or wrong token", {"WWW-Authenticate": "Bearer"})
        return False

    def _body(self) -> bytes | None:
        """The request body, or None once refused (or the client went away)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse(411, "send the body with a Content-Length")
            return None
        declared = self.headers.get("Content-Length")
        if declared is None:
            self._refuse(411, "send the body with a Content-Length")
            return None
        if not _LENGTH.fullmatch(declared.strip()):
            self._refuse(400, f"Content-Length {declared.strip()[:20]!r} is not a length")
            return None
        length = int(declared)
        if length > self.receiver.max_body:
            self._refuse(413, f"the body is {length} bytes; the limit is {self.receiver.max_body}")
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client stopped sending: nobody to answer
            self.close_connection = True
            return None
        return body

    def _refuse(
        self,
        status: int,
        reason: str,
        headers: dict[str, str] | None = None,
        read_all: bool = False,
    ) -> None:
        self.receiver.report(
            Rejected(status, self.command, urlsplit(self.path).path, reason, self.client_address[0])
        )
        if not read_all:
            # The body (if any) is left unread, so this connection cannot carry another
            # request; a sender still writing gets the answer before the close.
            self.close_connection = True
        self._answer(status, {"error": reason}, headers)
        if not read_all:
            self._drain()

    def _answer(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def _drain(self) -> None:
        """Read (and drop) a little of what the client still sends, briefly, so closing
        does not reset the connection before it reads the answer. Never the whole body."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.2)
            left = _DRAIN_LIMIT
            while left > 0 and (chunk := self.connection.recv(min(left, 16 * 1024))):
                left -= len(chunk)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        # The request line only (never headers: the token travels in one).
        log.debug("%s %s", self.client_address[0], format % args)
