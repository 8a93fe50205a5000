"""Teams Workflows webhook: ``POST /workflows/{id}/triggers/manual/paths/invoke?…&sig=…``."""

from __future__ import annotations

from typing import Any

from tests.support.contracts.server import (
    ContractServer,
    RateWindow,
    Reply,
    Request,
    header_seconds,
)

SIZE_LIMIT = 28 * 1024
ADAPTIVE = "application/vnd.microsoft.card.adaptive"


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


class TeamsServer(ContractServer):
    name = "teams"

    def __init__(self, sig: str = "ContractSignature_0123456789abcdefXYZ") -> None:
        super().__init__()
        self.sig = sig
        self.path = "/workflows/6f1c0a2b9d/triggers/manual/paths/invoke"
        self.cards: list[dict[str, Any]] = []
        self.rate = RateWindow(4, 1.0)  # more than 4 requests a second is throttled

    @property
    def webhook_url(self) -> str:
        return f"{self.url}{self.path}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={self.sig}"

    def handle(self, request: Request) -> Reply:
        if request.path != self.path:
            return _error(404, "WorkflowNotFound", "The workflow could not be found.")
        if request.method != "POST":
            return _error(405, "MethodNotAllowed", "The HTTP method is not allowed.")
        if request.query.get("sig") != [self.sig]:
            return _error(
                401,
                "DirectApiInvalidAuthorizationSignature",
                "The provided authorization signature is invalid.",
            )
        allowed, wait = self.rate.allow(self.sig)
        if not allowed:
            return self.throttle_reply(max(1, round(wait)))
        if len(request.body) > SIZE_LIMIT:
            return _error(413, "MessageTooLarge", "The request content is larger than 28 KB.")
        if request.content_type != "application/json":
            return _error(
                400, "InvalidRequestContent", "The request content type must be application/json."
            )
        try:
            body = request.json()
        except ValueError:
            return _error(400, "InvalidRequestContent", "The request content is not valid JSON.")
        attachments = body.get("attachments") if isinstance(body, dict) else None
        if body.get("type") != "message" or not isinstance(attachments, list) or not attachments:
            return _error(400, "InvalidRequestContent", "Expected a message with attachments.")
        for attachment in attachments:
            content = attachment.get("content") or {}
            if attachment.get("contentType") != ADAPTIVE or content.get("type") != "AdaptiveCard":
                return _error(
                    400, "InvalidRequestContent", "Only Adaptive Card attachments are supported."
                )
            if not isinstance(content.get("body"), list):
                return _error(400, "InvalidRequestContent", "The Adaptive Card has no body.")
        self.cards.extend(a["content"] for a in attachments)
        return Reply(202)

    def error_reply(self, status: int) -> Reply:
        return _error(status, "InternalServerError", "An internal server error occurred.")

    def throttle_reply(self, retry_after: float) -> Reply:
        reply = _error(429, "TooManyRequests", "Rate limit is exceeded. Try again later.")
        reply.headers["Retry-After"] = header_seconds(retry_after)
        return reply
