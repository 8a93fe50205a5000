"""Discord webhooks: ``POST /api[/v10]/webhooks/{id}/{token}``."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.support.contracts.server import (
    ContractServer,
    RateWindow,
    Reply,
    Request,
    header_seconds,
)

CONTENT_LIMIT = 2_000
EMBEDS_LIMIT = 10
EMBED_TOTAL_LIMIT = 6_000
_PATH = re.compile(r"^/api(?:/v\d+)?/webhooks/(?P<id>\d+)/(?P<token>[^/]+)$")


def _invalid(field: str, message: str) -> Reply:
    return Reply(
        400,
        {
            "code": 50035,
            "message": "Invalid Form Body",
            "errors": {field: {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": message}]}},
        },
    )


def _embed_chars(embed: dict[str, Any]) -> int:
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len((embed.get("footer") or {}).get("text", ""))
    total += len((embed.get("author") or {}).get("name", ""))
    for item in embed.get("fields", []):
        total += len(item.get("name", "")) + len(item.get("value", ""))
    return total


class DiscordServer(ContractServer):
    name = "discord"

    def __init__(
        self, webhook_id: str = "112233445566778899", token: str = "contractWebhookToken_abc123"
    ) -> None:
        super().__init__()
        self.webhook_id = webhook_id
        self.token = token
        self.messages: list[dict[str, Any]] = []
        self.rate = RateWindow(5, 2.0)  # Discord's usual webhook bucket; read the headers
        self._ids = itertools.count(1_200_000_000_000_000_000)

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/api/webhooks/{self.webhook_id}/{self.token}"

    def handle(self, request: Request) -> Reply:
        match = _PATH.match(request.path)
        if not match or match["id"] != self.webhook_id:
            return Reply(404, {"message": "Unknown Webhook", "code": 10015})
        if match["token"] != self.token:
            return Reply(401, {"message": "Invalid Webhook Token", "code": 50027})
        if request.method != "POST":
            return Reply(405, {"message": "405: Method Not Allowed", "code": 0})
        allowed, wait = self.rate.allow(self.webhook_id)
        if not allowed:
            return self.throttle_reply(round(wait, 3))
        if request.content_type != "application/json":
            return Reply(400, {"message": "Cannot send an empty message", "code": 50006})
        body = request.json()
        content = body.get("content") or ""
        embeds = body.get("embeds") or []
        if not content and not embeds and not body.get("components") and not body.get("poll"):
            return Reply(400, {"message": "Cannot send an empty message", "code": 50006})
        if len(content) > CONTENT_LIMIT:
            return _invalid("content", "Must be 2000 or fewer in length.")
        if len(embeds) > EMBEDS_LIMIT:
            return _invalid("embeds", "Must be 10 or fewer in length.")
        if sum(_embed_chars(embed) for embed in embeds) > EMBED_TOTAL_LIMIT:
            return _invalid("embeds", "Embed size exceeds maximum size of 6000")
        message = {
            "id": str(next(self._ids)),
            "channel_id": request.query.get("thread_id", ["998877665544332211"])[0],
            "content": content,
            "embeds": embeds,
            "allowed_mentions": body.get("allowed_mentions"),
            "webhook_id": self.webhook_id,
        }
        self.messages.append(message)
        if request.query.get("wait", ["false"])[0].lower() != "true":
            return Reply(204)
        return Reply(200, message, self._rate_headers())

    def _rate_headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(self.rate.limit or 0), "X-RateLimit-Bucket": "webhook"}

    def error_reply(self, status: int) -> Reply:
        return Reply(status, {"message": "500: Internal Server Error", "code": 0})

    def throttle_reply(self, retry_after: float) -> Reply:
        return Reply(
            429,
            {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
            {
                "Retry-After": header_seconds(max(1, round(retry_after))),
                "X-RateLimit-Scope": "user",
                "X-RateLimit-Reset-After": f"{retry_after:g}",
            },
        )
