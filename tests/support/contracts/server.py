"""The machinery every contract server shares: real HTTP on 127.0.0.1 in a thread,
a log of what arrived, rate windows, and failure injection."""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as it arrived (also the log entry)."""

    method: str
    path: str  # without the query, still percent-encoded
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    injected: str | None = None  # "status", "throttle" or "hang" when a fault answered it

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def content_type(self) -> str:
        return self.header("content-type").split(";")[0].strip().lower()


@dataclass
class Reply:
    status: int
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, dict | list):
            return json.dumps(self.body).encode(), "application/json; charset=utf-8"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return self.body, "application/octet-stream"


@dataclass
class _Fault:
    kind: str  # status, throttle, hang
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and hung up is expected (hang_next); anything else shows.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class RateWindow:
    """At most ``limit`` events per key in any rolling ``seconds`` window; None: no limit."""

    def __init__(self, limit: int | None, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the oldest event leaves the window)."""
        if self.limit is None:
            return True, 0.0
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] >= self.seconds:
                events.popleft()
            if len(events) >= self.limit:
                return False, self.seconds - (now - events[0])
            events.append(now)
            return True, 0.0


class ContractServer:
    """Base class: subclasses implement ``handle`` and the provider-shaped error replies."""

    name = "provider"

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._faults: deque[_Fault] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # Seconds added to this machine's clock for the server's own time (its Date
        # header, and whatever a subclass stamps with ``now()``): a test moves it on.
        self.clock_offset = 0.0

    def now(self) -> float:
        """The server's clock, seconds since the epoch."""
        return time.time() + self.clock_offset

    # -- failure injection -------------------------------------------------------------
    def fail_next(self, n: int = 1, status: int = 500) -> None:
        """The next ``n`` requests get ``status`` with the provider's error body."""
        with self._lock:
            self._faults.extend(_Fault("status", status=status) for _ in range(n))

    def throttle_next(self, n: int = 1, retry_after: float = 2.0) -> None:
        """The next ``n`` requests get the provider's 429 (Retry-After and body fields)."""
        with self._lock:
            self._faults.extend(_Fault("throttle", retry_after=retry_after) for _ in range(n))

    def hang_next(self, n: int = 1, seconds: float = 5.0) -> None:
        """The next ``n`` requests wait ``seconds`` before being handled normally."""
        with self._lock:
            self._faults.extend(_Fault("hang", seconds=seconds) for _ in range(n))

    def reset(self) -> None:
        """Forget injected faults and the request log (provider state stays)."""
        with self._lock:
            self._faults.clear()
            self.requests.clear()

    # -- what subclasses provide ----------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    def error_reply(self, status: int) -> Reply:
        return Reply(status, "internal server error")

    def throttle_reply(self, retry_after: float) -> Reply:
        return Reply(429, "rate limited", {"Retry-After": _header_seconds(retry_after)})

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ContractServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle on, a kept-alive
            # connection waits ~40 ms for the client's delayed ACK on every answer.
            disable_nagle_algorithm = True

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=body,
                )
                reply = server._dispatch(request)
                payload, content_type = reply.encoded()
                self.send_response(reply.status)
                headers = {"Content-Type": content_type, **reply.headers}
                if reply.status == 204 or not payload:
                    headers.pop("Content-Type", None)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

            def date_time_string(self, timestamp: float | None = None) -> str:
                return email.utils.formatdate(
                    server.now() if timestamp is None else timestamp, usegmt=True
                )

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the test log is the request list

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            args=(0.05,),
            name=f"{self.name}-contract",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _dispatch(self, request: Request) -> Reply:
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
            self.requests.append(request)
        if fault is not None and fault.kind == "hang":
            request.injected = "hang"
            self._stopping.wait(fault.seconds)
        elif fault is not None and fault.kind == "status":
            request.injected = "status"
            return self.error_reply(fault.status)
        elif fault is not None and fault.kind == "throttle":
            request.injected = "throttle"
            return self.throttle_reply(fault.retry_after or 0.0)
        try:
            return self.handle(request)
        except Exception as exc:  # a bug in the fake must show up, not hang the client
            return Reply(500, f"contract server error: {type(exc).__name__}: {exc}")


def _header_seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


def header_seconds(seconds: float) -> str:
    """Retry-After as providers send it: whole seconds when it is whole."""
    return _header_seconds(seconds)


ServerT = TypeVar("ServerT", bound=ContractServer)


def running(server: ServerT) -> Iterator[ServerT]:
    """For fixtures: start, hand over, stop."""
    server.start()
    try:
        yield server
    finally:
        server.stop()
