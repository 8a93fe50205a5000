"""Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook
request is received"): an Adaptive Card in the message envelope the flow expects.

Workflows answers 202 with no id, so a card cannot be edited later: every update
is a new card. Cards render a small Markdown subset and no HTML; links other than
http(s)/mailto are turned into plain text.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, ClassVar

from commander.connectors._http import classify, json_body, rebase, request, text_of
from commander.connectors._markup import neutral_markdown
from commander.connectors._text import Fitter, cut_bytes, single_line, utf8_length
from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target

if TYPE_CHECKING:
    import requests

SIZE_LIMIT = 28 * 1024
SIZE_BUDGET = SIZE_LIMIT - 512  # headroom for what the flow adds around the card
_HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.MULTILINE)
SEVERITY_COLOR = {"P0": "Attention", "P1": "Attention", "P2": "Warning"}


def _card(message: Message, body: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": neutral_markdown(single_line(message.headline)),
            "weight": "Bolder",
            "size": "Medium",
            "color": SEVERITY_COLOR.get(message.severity, "Default"),
            "wrap": True,
        }
    ]
    if message.audience != "public":  # customers never see the ref or the severity
        blocks.append(
            {
                "type": "TextBlock",
                "text": f"{message.incident_ref} · {message.severity} · {message.phase}",
                "isSubtle": True,
                "spacing": "None",
                "wrap": True,
            }
        )
    blocks.append({"type": "TextBlock", "text": body, "wrap": True})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": blocks,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def encoded(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _fitted(message: Message, fitter: Fitter) -> dict[str, Any]:
    # Cards have no headings: show them bold.
    body = neutral_markdown(_HEADING.sub(r"**\1**", message.body))
    payload = _card(message, body)
    size = len(encoded(payload))
    if size <= SIZE_BUDGET:
        return payload
    limit = utf8_length(body)
    while size > SIZE_BUDGET:
        limit = max(0, limit - (size - SIZE_BUDGET) - 16)
        payload = _card(message, cut_bytes(body, limit)[0])
        size = len(encoded(payload))
    fitter.note(f"update cut to fit {SIZE_LIMIT // 1024} KB (Teams message limit)")
    return payload


def _error_text(response: requests.Response) -> str:
    data = json_body(response)
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return f"{error.get('code', '')}: {error['message']}".strip(": ")
    return text_of(response)


class TeamsConnector:
    kind: ClassVar[str] = "teams"
    recognises_repeats: ClassVar[bool] = False  # incoming webhooks take no idempotency key

    def render(self, message: Message, target: Target) -> Rendered:
        fitter = Fitter("Teams")
        payload = _fitted(message, fitter)
        blocks = payload["attachments"][0]["content"]["body"]
        preview = "\n\n".join(block["text"] for block in blocks)
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
        """The secret is the workflow's trigger URL (its ``sig=`` is the credential)."""
        answer = request(
            session,
            "POST",
            rebase(secret, target.base_url),
            secrets=[secret],
            timeout=timeout,
            idempotent=self.recognises_repeats,
            data=encoded(_fitted(message, Fitter("Teams"))),
            headers={"Content-Type": "application/json"},
        )
        if isinstance(answer, Outcome):
            return answer
        problem = classify(answer, provider="Teams", secrets=[secret], error_text=_error_text)
        return problem or Outcome("sent", state=dict(delivery.state))
