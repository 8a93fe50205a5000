"""Mattermost incoming webhook: ``POST /hooks/{id}``."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import parse_qs

from tests.support.contracts.server import (
    ContractServer,
    RateWindow,
    Reply,
    Request,
    header_seconds,
)

TEXT_LIMIT = 16_383


def _app_error(status: int, error_id: str, message: str, detailed: str = "") -> Reply:
    return Reply(
        status,
        {
            "id": error_id,
            "message": message,
            "detailed_error": detailed,
            "request_id": uuid.uuid4().hex[:26],
            "status_code": status,
        },
    )


class MattermostServer(ContractServer):
    name = "mattermost"

    def __init__(self, hook_id: str = "ab3dk8cq9fy5mgxsu1econtract") -> None:
        super().__init__()
        self.hook_id = hook_id
        self.channel_locked = False
        self.posts: list[dict[str, Any]] = []
        self.rate = RateWindow(None, 1.0)  # per server configuration; off unless set

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/hooks/{self.hook_id}"

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or not request.path.startswith("/hooks/"):
            return _app_error(
                404, "api.context.404.app_error", "Sorry, we could not find the page."
            )
        if request.path.removeprefix("/hooks/") != self.hook_id:
            return _app_error(400, "web.incoming_webhook.invalid.app_error", "Invalid webhook.")
        allowed, wait = self.rate.allow(self.hook_id)
        if not allowed:
            return self.throttle_reply(max(1, round(wait)))
        payload = self._payload(request)
        if payload is None:
            return _app_error(
                400, "web.incoming_webhook.parse.app_error", "Unable to parse incoming data."
            )
        if not payload.get("text") and not payload.get("attachments"):
            return _app_error(400, "web.incoming_webhook.text.app_error", "No text specified.")
        if payload.get("channel") and self.channel_locked:
            return _app_error(
                403,
                "web.incoming_webhook.channel_locked.app_error",
                "This webhook is not permitted to post to the requested channel.",
            )
        text = payload.get("text") or ""
        pieces = [text[i : i + TEXT_LIMIT] for i in range(0, len(text), TEXT_LIMIT)] or [""]
        for piece in pieces:  # splitWebhookPost: a long text becomes several posts
            self.posts.append({**payload, "text": piece})
        return Reply(200, "ok")

    def _payload(self, request: Request) -> dict[str, Any] | None:
        try:
            if request.content_type == "application/x-www-form-urlencoded":
                return dict(json.loads(parse_qs(request.text)["payload"][0]))
            value = json.loads(request.body)
        except (ValueError, KeyError, TypeError):
            return None
        return value if isinstance(value, dict) else None

    def error_reply(self, status: int) -> Reply:
        return _app_error(status, "app.post.save.app_error", "Unable to save the post.")

    def throttle_reply(self, retry_after: float) -> Reply:
        return Reply(
            429,
            "limit exceeded",
            {
                "X-Ratelimit-Limit": "10",
                "X-Ratelimit-Remaining": "0",
                "X-Ratelimit-Reset": header_seconds(retry_after),
            },
        )
