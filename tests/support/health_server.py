"""Health targets on 127.0.0.1 that go up and down under a test's control.

``HealthServer`` answers ``GET`` with the status and delay the test set, and
can close its port (down: connection refused) and open it again on the same
port. ``TcpListener`` accepts connections until it is closed.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HealthServer:
    def __init__(self, path: str = "/health") -> None:
        self.path = path
        self.status = 200
        self.delay = 0.0  # seconds before the answer's headers
        self.location: str | None = None  # sent with a 3xx status
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.open()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def answer(self, status: int = 200, delay: float = 0.0, location: str | None = None) -> None:
        with self._lock:
            self.status, self.delay, self.location = status, delay, location

    def open(self) -> None:
        """Listen (again, on the same port once it had one)."""
        server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        server.daemon_threads = True
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        self._server = server

    def close(self) -> None:
        """Stop listening: a probe now finds the port closed."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def hits(self) -> int:
        with self._lock:
            return len(self.requests)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                with owner._lock:
                    owner.requests.append(self.path)
                    status, delay, location = owner.status, owner.delay, owner.location
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    if location:
                        self.send_header("Location", location)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the probe stopped waiting (a test of timeouts)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler


class TcpListener:
    """A port that accepts connections (up) until ``close`` (down: refused)."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self.port: int = self._socket.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def target(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def close(self) -> None:
        # shutdown wakes the accepting thread; close alone leaves it blocked on Linux.
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return  # closed
            connection.close()
