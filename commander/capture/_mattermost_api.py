"""Mattermost API v4 calls for chat capture: one request each, answers as JSON, every
refusal as a ``CaptureError`` in words (never the token: ``commander.secrets.scrub``).

The bot token goes in ``Authorization: Bearer``; redirects are never followed (they
could carry it to another host); HTTPS is required except to loopback.
"""

from __future__ import annotations

import email.utils
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from commander.capture.source import CaptureError
from commander.connectors._http import (
    classify,
    insecure_reason,
    json_body,
    request,
    short,
)
from commander.connectors._wording import host_of
from commander.connectors.base import Outcome
from commander.connectors.mattermost import error_text, retry_after
from commander.secrets import scrub

if TYPE_CHECKING:
    import requests

PROVIDER = "Mattermost"
# What a refusal means for capture, said after the server's own text.
_HINTS = {
    401: "the capture token is not accepted: store a bot token with "
    "commander target secret {target} --capture",
    403: "the bot lacks permission: add it to the channel (read_channel) or give it "
    "read_public_channels on the team",
}


class NotFoundError(CaptureError):
    """HTTP 404: the channel (or team) is not there, or not visible to the bot."""


def segment(value: str) -> str:
    """One path segment, percent-encoded (an id or a name never changes the path)."""
    return quote(value, safe="")


class MattermostApi:
    """Calls under ``<server>/api/v4`` with a bot token; counts its requests."""

    def __init__(
        self,
        server_url: str,
        token: str,
        target_name: str,
        session: requests.Session,
        timeout: float,
    ) -> None:
        refused = insecure_reason(server_url)
        if refused:
            raise CaptureError(refused)
        self.server_url = server_url.rstrip("/")
        self.token = token
        self.target_name = target_name
        self.session = session
        self.timeout = timeout
        self.requests_made = 0
        # The server's clock at the first answer (ms since the epoch, from its Date
        # header), or None when it sent none.
        self.first_answer_at: int | None = None

    def get(self, path: str, params: dict[str, str | int] | None = None) -> Any:
        return self._call("GET", path, params=params)

    def post(self, path: str, body: Any) -> Any:
        return self._call("POST", path, json=body)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        self.requests_made += 1
        answer = request(
            self.session,
            method,
            f"{self.server_url}/api/v4{path}",
            secrets=[self.token],
            timeout=self.timeout,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            **kwargs,
        )
        if isinstance(answer, Outcome):  # a refused URL, or no answer
            raise CaptureError(answer.error or "no answer", retry_after=answer.retry_after)
        if self.first_answer_at is None:
            self.first_answer_at = _server_time(answer)
        problem = classify(
            answer,
            provider=PROVIDER,
            secrets=[self.token],
            error_text=error_text,
            body_retry_after=retry_after,
        )
        if problem is not None:
            error = self._explained(problem.error or "", answer.status_code)
            if answer.status_code == 404:
                raise NotFoundError(error)
            raise CaptureError(error, retry_after=problem.retry_after)
        data = json_body(answer)
        if data is None:
            host = host_of(self.server_url)
            raise CaptureError(f"{host} answered {method} {path.split('?')[0]} without JSON")
        return data

    def _explained(self, error: str, status: int) -> str:
        hint = _HINTS.get(status)
        text = f"{error.rstrip('.')}; {hint.format(target=self.target_name)}" if hint else error
        return short(scrub(text, [self.token]))


def _server_time(response: requests.Response) -> int | None:
    value = response.headers.get("Date")
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return int(when.timestamp() * 1000)
