"""Mattermost incoming webhook: one post per update (webhooks get no post id back).

Mattermost renders Markdown, no HTML. Links other than http(s)/mailto become
text, and @channel/@all/@here are shown as code so pasted text cannot notify
a whole channel.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from commander.connectors._http import (
    classify,
    json_body,
    parse_retry_after,
    rebase,
    request,
    text_of,
)
from commander.connectors._markup import neutral_markdown
from commander.connectors._text import Fitter, single_line
from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target

if TYPE_CHECKING:
    import requests

TEXT_LIMIT = 16_383  # PostMessageMaxRunesV2; longer texts are split into several posts
_GROUP_MENTION = re.compile(r"(?<![\w`])@(channel|all|here)\b")
_OPTIONS = ("channel", "username", "icon_url", "icon_emoji")


def _text(message: Message) -> str:
    text = f"**{single_line(message.headline)}**\n\n{message.body}".strip()
    return _GROUP_MENTION.sub(r"`@\1`", neutral_markdown(text))


def error_text(response: requests.Response) -> str:
    """Mattermost's own words for an error: its message and detailed_error."""
    data = json_body(response)
    if isinstance(data, dict) and data.get("message"):
        detail = f" ({data['detailed_error']})" if data.get("detailed_error") else ""
        return f"{data['message']}{detail}"
    return text_of(response)


def retry_after(response: requests.Response) -> float | None:
    """Mattermost's rate limiter answers X-Ratelimit-Reset (seconds until the window
    resets); a proxy in front may answer Retry-After."""
    return parse_retry_after(response.headers.get("Retry-After")) or parse_retry_after(
        response.headers.get("X-Ratelimit-Reset")
    )


class MattermostConnector:
    kind: ClassVar[str] = "mattermost"
    recognises_repeats: ClassVar[bool] = False  # incoming webhooks take no idempotency key

    def render(self, message: Message, target: Target) -> Rendered:
        fitter = Fitter("Mattermost")
        text = fitter.chars("message", _text(message), TEXT_LIMIT)
        payload: dict[str, Any] = {"text": text}
        payload.update({key: target.options[key] for key in _OPTIONS if target.options.get(key)})
        return Rendered(preview=text, payload=payload, warnings=tuple(fitter.warnings))

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome:
        """The secret is the webhook URL https://mattermost.example.com/hooks/{id}."""
        answer = request(
            session,
            "POST",
            rebase(secret, target.base_url),
            secrets=[secret],
            timeout=timeout,
            idempotent=self.recognises_repeats,
            json=self.render(message, target).payload,
        )
        if isinstance(answer, Outcome):
            return answer
        problem = classify(
            answer,
            provider="Mattermost",
            secrets=[secret],
            error_text=error_text,
            body_retry_after=retry_after,
        )
        return problem or Outcome("sent", state=dict(delivery.state))
