"""Discord webhook: each update is a message (``?wait=true`` so its id comes back).

Mentions are switched off (``allowed_mentions: {"parse": []}``) so text pasted
from an alert cannot ping @everyone. With the option ``thread_id`` every update
goes to that thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from commander.connectors._http import classify, json_body, rebase, request, text_of
from commander.connectors._markup import neutral_markdown
from commander.connectors._text import Fitter, plain_text
from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target

if TYPE_CHECKING:
    import requests

CONTENT_LIMIT = 2_000


def _error_text(response: requests.Response) -> str:
    data = json_body(response)
    if isinstance(data, dict) and data.get("message"):
        code = f" (code {data['code']})" if "code" in data else ""
        detail = _first_field_error(data.get("errors"))
        return f"{data['message']}{code}{': ' + detail if detail else ''}"
    return text_of(response)


def _first_field_error(tree: object, path: str = "") -> str:
    """Discord nests field errors: {"content": {"_errors": [{"message": ...}]}}."""
    if not isinstance(tree, dict):
        return ""
    errors = tree.get("_errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return f"{path or 'body'}: {errors[0].get('message', '')}"
    for key, value in tree.items():
        found = _first_field_error(value, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return ""


def _body_retry_after(response: requests.Response) -> float | None:
    data = json_body(response)
    if isinstance(data, dict) and isinstance(data.get("retry_after"), int | float):
        return float(data["retry_after"])
    return None


class DiscordConnector:
    kind: ClassVar[str] = "discord"
    recognises_repeats: ClassVar[bool] = False  # webhooks take no idempotency key

    def render(self, message: Message, target: Target) -> Rendered:
        fitter = Fitter("Discord")
        content = fitter.chars("message", neutral_markdown(plain_text(message)), CONTENT_LIMIT)
        payload: dict[str, Any] = {"content": content, "allowed_mentions": {"parse": []}}
        if target.options.get("username"):
            payload["username"] = target.options["username"]
        return Rendered(preview=content, payload=payload, warnings=tuple(fitter.warnings))

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome:
        """The secret is the webhook URL https://discord.com/api/webhooks/{id}/{token}."""
        payload = self.render(message, target).payload
        params = {"wait": "true"}
        if target.options.get("thread_id"):
            params["thread_id"] = target.options["thread_id"]
        answer = request(
            session,
            "POST",
            rebase(secret, target.base_url),
            secrets=[secret],
            timeout=timeout,
            idempotent=self.recognises_repeats,
            json=payload,
            params=params,
        )
        if isinstance(answer, Outcome):
            return answer
        problem = classify(
            answer,
            provider="Discord",
            secrets=[secret],
            error_text=_error_text,
            body_retry_after=_body_retry_after,
        )
        if problem:
            return problem
        data = json_body(answer)
        message_id = str(data.get("id", "")) if isinstance(data, dict) else ""
        state = dict(delivery.state)
        state.setdefault("first_message_id", message_id)
        return Outcome("sent", provider_id=message_id or None, state=state)
