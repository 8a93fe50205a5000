"""Slack incoming webhook: one post per update, no id comes back (nothing to thread)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from commander.connectors._http import classify, rebase, request, text_of
from commander.connectors._slack import JSON_HEADERS, slack_payload
from commander.connectors._text import Fitter
from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target

if TYPE_CHECKING:
    import requests


class SlackWebhookConnector:
    kind: ClassVar[str] = "slack-webhook"
    recognises_repeats: ClassVar[bool] = False  # incoming webhooks take no idempotency key

    def render(self, message: Message, target: Target) -> Rendered:
        fitter = Fitter("Slack")
        payload, preview = slack_payload(message, fitter)
        return Rendered(preview=preview, payload=payload, warnings=tuple(fitter.warnings))

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome:
        """The secret is the webhook URL; Slack answers 200 ``ok`` or a plain-text error code."""
        rendered = self.render(message, target)
        answer = request(
            session,
            "POST",
            rebase(secret, target.base_url),
            secrets=[secret],
            timeout=timeout,
            idempotent=self.recognises_repeats,
            json=rendered.payload,
            headers=JSON_HEADERS,
        )
        if isinstance(answer, Outcome):
            return answer
        problem = classify(answer, provider="Slack", secrets=[secret], error_text=text_of)
        return problem or Outcome("sent", state=dict(delivery.state))
