"""Test doubles for the outbox mechanics: a generic JSON webhook connector and a
local HTTP server (127.0.0.1) that can be told to fail, stall or throttle.

This is not a provider: provider connectors have their own contract servers.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import requests

from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target

# The kind the double stands in for (any known kind will do; tests override it).
KIND = "mattermost"
LIMIT = 100  # the double's "provider limit", so previews have something to warn about


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a stalled provider)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


class WebhookServer:
    """Answers POSTs with queued replies (then ``default``), records every request."""

    def __init__(self, default: Reply | None = None, port: int = 0) -> None:
        self.default = default or Reply()
        self.replies: deque[Reply] = deque()
        self.received: list[Received] = []
        self._lock = threading.Lock()
        # ``port``: a port a test reserved (a target unreachable until the server starts).
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> WebhookServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self.replies.extend(replies)

    def posts(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def _next(self, request: Received) -> Reply:
        with self._lock:
            self.received.append(request)
            return self.replies.popleft() if self.replies else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                body = json.loads(raw) if raw else {}
                reply = server._next(
                    Received(self.path, dict(self.headers), body, time.monotonic())
                )
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body
                if isinstance(payload, dict) and reply.status < 300:
                    payload = {"id": f"post-{len(server.received)}", **payload}
                data = payload if isinstance(payload, str) else json.dumps(payload)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data.encode())))
                    self.end_headers()
                    self.wfile.write(data.encode())
                except OSError:
                    pass  # the client gave up (timeout); nothing to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def closed_port() -> int:
    """A loopback port nothing listens on (yet): connecting to it is refused."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class JsonWebhookConnector:
    """POST {base_url}/hooks/{secret} with the message as JSON; classify the answer."""

    kind: ClassVar[str] = KIND
    recognises_repeats: ClassVar[bool] = True  # it sends an idempotency key

    def render(self, message: Message, target: Target) -> Rendered:
        text = f"**{message.headline}**\n{message.body}"
        warnings = (f"text cut at {LIMIT} characters",) if len(text) > LIMIT else ()
        return Rendered(preview=text[:LIMIT], payload={"text": text[:LIMIT]}, warnings=warnings)

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome:
        payload = {
            "text": f"{message.headline}\n{message.body}",
            "thread": delivery.state.get("thread"),
            "idempotency_key": f"delivery-{delivery.delivery_id}",
            "attempt": delivery.attempt,
        }
        response = session.post(f"{target.base_url}/hooks/{secret}", json=payload, timeout=timeout)
        if response.ok:
            post_id = str(response.json().get("id"))
            state = {} if delivery.state.get("thread") else {"thread": post_id}
            return Outcome("sent", provider_id=post_id, state=state)
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = response.headers.get("Retry-After")
            return Outcome(
                "retry",
                error=f"HTTP {response.status_code}",
                retry_after=float(retry_after) if retry_after else None,
            )
        return Outcome("failed", error=f"HTTP {response.status_code}: {response.text}")
