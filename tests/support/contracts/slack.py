"""Slack: incoming webhooks and the Web API (chat.postMessage, conversations.create)."""

from __future__ import annotations

import itertools
import re
import threading
import time
from typing import Any

from tests.support.contracts.server import (
    ContractServer,
    RateWindow,
    Reply,
    Request,
    header_seconds,
)

SECTION_LIMIT = 3_000
HEADER_LIMIT = 150
BLOCKS_LIMIT = 50
CHANNEL_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


def charset_warning(request: Request) -> str | None:
    """Slack's warning for a JSON body whose Content-Type names no charset (it still
    answers ``ok``: the warning rides in ``warning`` and ``response_metadata``)."""
    params = [p.strip().lower() for p in request.header("content-type").split(";")[1:]]
    if request.content_type == "application/json" and not any(
        p.startswith("charset=") for p in params
    ):
        return "missing_charset"
    return None


def blocks_error(payload: dict[str, Any]) -> str | None:
    """What Slack says about bad blocks, or None."""
    blocks = payload.get("blocks")
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > BLOCKS_LIMIT:
        return "invalid_blocks"
    total = 0
    for block in blocks:
        text = (block.get("text") or {}) if isinstance(block, dict) else {}
        content = text.get("text", "")
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in {"header", "section", "divider", "context", "markdown", "rich_text"}:
            return "invalid_blocks"
        if kind == "header" and (text.get("type") != "plain_text" or len(content) > HEADER_LIMIT):
            return "invalid_blocks"
        if kind == "section" and (not content or len(content) > SECTION_LIMIT):
            return "invalid_blocks"
        total += len(content)
    return "msg_blocks_too_long" if total > 13_000 else None


class SlackWebhookServer(ContractServer):
    """Answers ``POST /services/T…/B…/…`` like hooks.slack.com: text/plain ``ok`` or a code."""

    name = "slack-webhook"

    def __init__(self, path: str = "/services/T0001/B0001/xXxWebhookSecret000000") -> None:
        super().__init__()
        self.path = path
        self.posts: list[dict[str, Any]] = []
        self.warnings: list[str] = []  # Slack's warnings about accepted requests

    @property
    def webhook_url(self) -> str:
        return self.url + self.path

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != self.path:
            return Reply(404, "no_service")
        if request.content_type != "application/json":
            return Reply(400, "invalid_payload")
        try:
            payload = request.json()
        except ValueError:
            return Reply(400, "invalid_payload")
        if not isinstance(payload, dict):
            return Reply(400, "invalid_payload")
        if not payload.get("text") and not payload.get("blocks"):
            return Reply(400, "no_text")
        problem = blocks_error(payload)
        if problem:
            return Reply(400, problem)
        warning = charset_warning(request)
        if warning:
            self.warnings.append(warning)
        self.posts.append(payload)
        return Reply(200, "ok")

    def error_reply(self, status: int) -> Reply:
        return Reply(status, "rollup_error")


class SlackApiServer(ContractServer):
    """The Web API under ``/api``: Bearer token, HTTP 200 with ``ok:false`` for errors."""

    name = "slack-api"

    def __init__(self, token: str = "xoxb-0000-1111-contractsecret") -> None:
        super().__init__()
        self.token = token
        self.channels: dict[str, str] = {"C0INCIDENT": "incidents"}  # id -> name
        self.messages: list[dict[str, Any]] = []
        self.warnings: list[str] = []  # Slack's warnings about accepted requests
        # About one message a second per channel, with short bursts allowed.
        self.channel_rate = RateWindow(10, 10.0)
        self._ts = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    def handle(self, request: Request) -> Reply:
        if request.method != "POST":
            return Reply(405, {"ok": False, "error": "method_not_allowed"})
        method = request.path.removeprefix("/api/")
        handlers = {
            "chat.postMessage": self._post_message,
            "conversations.create": self._create_channel,
        }
        if method not in handlers:
            return Reply(404, {"ok": False, "error": "unknown_method"})
        auth = request.header("authorization")
        if not auth:
            return Reply(200, {"ok": False, "error": "not_authed"})
        if auth != f"Bearer {self.token}":
            return Reply(200, {"ok": False, "error": "invalid_auth"})
        if request.content_type != "application/json":
            return Reply(200, {"ok": False, "error": "invalid_form_data"})
        try:
            body = request.json()
        except ValueError:
            return Reply(200, {"ok": False, "error": "invalid_json"})
        reply = handlers[method](body)
        warning = charset_warning(request)
        if warning and isinstance(reply.body, dict) and reply.body.get("ok"):
            self.warnings.append(warning)
            reply.body["warning"] = warning
            reply.body["response_metadata"] = {
                "warnings": [warning],
                "messages": [
                    "[WARN] A Content-Type HTTP header was presented but did not declare "
                    "a charset, such as a 'utf-8'"
                ],
            }
        return reply

    def _channel_id(self, channel: str) -> str | None:
        if channel in self.channels:
            return channel
        name = channel.removeprefix("#")
        return next((cid for cid, known in self.channels.items() if known == name), None)

    def _post_message(self, body: dict[str, Any]) -> Reply:
        channel = self._channel_id(str(body.get("channel", "")))
        if channel is None:
            return Reply(200, {"ok": False, "error": "channel_not_found"})
        if not body.get("text") and not body.get("blocks"):
            return Reply(200, {"ok": False, "error": "no_text"})
        problem = blocks_error(body)
        if problem:
            return Reply(200, {"ok": False, "error": problem})
        thread_ts = body.get("thread_ts")
        known = {m["ts"] for m in self.messages if m["channel"] == channel}
        if thread_ts and thread_ts not in known:
            return Reply(200, {"ok": False, "error": "thread_not_found"})
        allowed, wait = self.channel_rate.allow(channel)
        if not allowed:
            return self.throttle_reply(max(1, round(wait)))
        with self._lock:
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            message = {
                "channel": channel,
                "ts": ts,
                "thread_ts": thread_ts,
                "text": body.get("text"),
                "blocks": body.get("blocks"),
                "reply_broadcast": bool(body.get("reply_broadcast")),
            }
            self.messages.append(message)
        return Reply(
            200,
            {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, "type": "message"}},
        )

    def _create_channel(self, body: dict[str, Any]) -> Reply:
        name = body.get("name")
        if not name:
            return Reply(200, {"ok": False, "error": "invalid_name_required"})
        if not isinstance(name, str) or len(name) > 80:
            return Reply(200, {"ok": False, "error": "invalid_name_maxlength"})
        if not CHANNEL_NAME.match(name):
            return Reply(200, {"ok": False, "error": "invalid_name_specials"})
        with self._lock:
            if name in self.channels.values():
                return Reply(200, {"ok": False, "error": "name_taken"})
            channel_id = f"C{len(self.channels) + 1:010d}"
            self.channels[channel_id] = name
        return Reply(200, {"ok": True, "channel": {"id": channel_id, "name": name}})

    def error_reply(self, status: int) -> Reply:
        return Reply(status, {"ok": False, "error": "internal_error"})

    def throttle_reply(self, retry_after: float) -> Reply:
        return Reply(
            429, {"ok": False, "error": "ratelimited"}, {"Retry-After": header_seconds(retry_after)}
        )
