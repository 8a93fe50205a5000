"""Slack Web API: ``chat.postMessage``, later updates threaded under the first message.

The first post's channel and ``ts`` come back in the Outcome's state; later
deliveries for the same incident reply in that thread. Slack answers logical
errors with HTTP 200 and ``{"ok": false, "error": "..."}``.
``create_channel`` serves the "create incident channel" checklist item.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from commander.connectors._http import classify, json_body, request, short, text_of
from commander.connectors._slack import JSON_HEADERS, slack_payload
from commander.connectors._text import Fitter
from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target
from commander.secrets import scrub

if TYPE_CHECKING:
    import requests

DEFAULT_BASE_URL = "https://slack.com/api"
CHANNEL_NAME_LIMIT = 80
# Errors Slack reports in a 200 answer that are worth another try.
_TRANSIENT = frozenset(
    {
        "ratelimited",
        "rate_limited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
    }
)


def _api_url(target: Target, method: str) -> str:
    return f"{(target.base_url or DEFAULT_BASE_URL).rstrip('/')}/{method}"


def _call(
    target: Target,
    method: str,
    body: dict[str, Any],
    secret: str,
    session: requests.Session,
    timeout: float,
    *,
    idempotent: bool = True,
) -> dict[str, Any] | Outcome:
    """One Web API call: the ``ok: true`` answer, or the Outcome that classifies it."""
    answer = request(
        session,
        "POST",
        _api_url(target, method),
        secrets=[secret],
        timeout=timeout,
        idempotent=idempotent,
        json=body,
        headers={**JSON_HEADERS, "Authorization": f"Bearer {secret}"},
    )
    if isinstance(answer, Outcome):
        return answer
    problem = classify(answer, provider="Slack", secrets=[secret], error_text=_error_text)
    if problem:
        return problem
    data = json_body(answer)
    if not isinstance(data, dict):
        return Outcome("retry", error=f"Slack {method} answered something that is not JSON")
    if data.get("ok") is True:
        return data
    error = short(scrub(_error_text(answer), [secret]))
    if data.get("error") in _TRANSIENT:
        return Outcome("retry", error=f"Slack {method} failed for now: {error}")
    return Outcome("failed", error=f"refused by Slack ({method}): {error}")


def _error_text(response: requests.Response) -> str:
    data = json_body(response)
    if isinstance(data, dict) and data.get("error"):
        needed = f" (needs scope {data['needed']})" if data.get("needed") else ""
        return f"{data['error']}{needed}"
    return text_of(response)


def _post_body(message: Message, target: Target, fitter: Fitter) -> tuple[dict[str, Any], str]:
    payload, preview = slack_payload(message, fitter)
    payload["channel"] = target.options.get("channel", "")
    if not payload["channel"]:
        fitter.note("no channel set: add the option channel=C0123456789")
    return payload, preview


class SlackConnector:
    kind: ClassVar[str] = "slack"
    recognises_repeats: ClassVar[bool] = False  # chat.postMessage takes no idempotency key

    def render(self, message: Message, target: Target) -> Rendered:
        fitter = Fitter("Slack")
        payload, preview = _post_body(message, target, fitter)
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
        """The secret is a bot token (xoxb-…) with chat:write."""
        payload, _ = _post_body(message, target, Fitter("Slack"))
        # The incident's own channel (created for it, or where its thread began) wins
        # over the target's configured one.
        payload["channel"] = delivery.state.get("channel") or payload["channel"]
        thread_ts = delivery.state.get("thread_ts")
        if thread_ts:
            payload["thread_ts"] = thread_ts
            # The resolution is news for the whole channel, not only the thread.
            payload["reply_broadcast"] = message.status == "resolved"
        if not payload["channel"]:
            return Outcome("failed", error="Slack target has no channel option")
        # chat.postMessage has no idempotency key: a repeat is a second message.
        data = _call(
            target,
            "chat.postMessage",
            payload,
            secret,
            session,
            timeout,
            idempotent=self.recognises_repeats,
        )
        if isinstance(data, Outcome):
            return data
        channel, ts = str(data.get("channel", "")), str(data.get("ts", ""))
        state = {"channel": channel, "thread_ts": thread_ts or ts}
        return Outcome("sent", provider_id=f"{channel}:{ts}", state=state)


def channel_name_for(text: str) -> str:
    """Slack's channel-name rules: lowercase letters, digits, - and _, at most 80."""
    name = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return re.sub(r"-{2,}", "-", name)[:CHANNEL_NAME_LIMIT].rstrip("-_")


def create_channel(
    target: Target, secret: str, name: str, session: requests.Session, timeout: float
) -> Outcome:
    """``conversations.create``; the name is made valid first ("INC-12 DB" -> "inc-12-db").

    Sent: provider_id is the new channel's id; state has ``channel`` and ``channel_name``.
    A taken name fails with Slack's ``name_taken``.
    """
    valid = channel_name_for(name)
    if not valid:
        return Outcome("failed", error=f"no usable Slack channel name in {name!r}")
    body: dict[str, Any] = {"name": valid}
    if target.options.get("private", "").lower() in {"1", "true", "yes"}:
        body["is_private"] = True
    data = _call(target, "conversations.create", body, secret, session, timeout)
    if isinstance(data, Outcome):
        return data
    channel = data.get("channel") or {}
    channel_id = str(channel.get("id", ""))
    state = {"channel": channel_id, "channel_name": str(channel.get("name", valid))}
    return Outcome("sent", provider_id=channel_id, state=state)
