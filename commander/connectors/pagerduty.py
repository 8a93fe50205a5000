"""PagerDuty Events API v2: page on-call (trigger, acknowledge, resolve).

One dedup key per incident, derived from its reference, so every event for an
incident acts on the same alert and a retried trigger never opens a second one.
The secret is the integration's routing key; it travels in the body, not a header.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, ClassVar

from commander.connectors._http import classify, json_body, request, text_of
from commander.connectors._text import Fitter, single_line
from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target

if TYPE_CHECKING:
    import requests

DEFAULT_BASE_URL = "https://events.pagerduty.com"
SUMMARY_LIMIT = 1_024
DEDUP_LIMIT = 255
# The whole event as sent may be 512 KB (read as 512,000 bytes, the smaller reading).
# The update is cut by its size in the encoded body, not by characters: the body is
# UTF-8 JSON, where a Japanese character takes 3 bytes, an emoji 4, a quote 2.
EVENT_LIMIT = 512_000
ROUTING_KEY_LENGTH = 32
ACTIONS = ("trigger", "acknowledge", "resolve")
SEVERITIES = {"P0": "critical", "P1": "critical", "P2": "error", "P3": "warning", "P4": "info"}


def dedup_key(message: Message, target: Target) -> str:
    prefix = target.options.get("dedup_prefix", "incident-commander")
    return f"{prefix}/{message.incident_ref}"[:DEDUP_LIMIT]


def _event(message: Message, target: Target, fitter: Fitter) -> dict[str, Any]:
    action = message.page_action
    event: dict[str, Any] = {
        "event_action": action,
        "dedup_key": dedup_key(message, target),
    }
    if action == "trigger":
        summary = fitter.chars("summary", single_line(message.headline), SUMMARY_LIMIT)
        details: dict[str, str] = {
            name: single_line(value) for name, value in message.fields.items() if value
        }
        details["update"] = ""
        event["payload"] = {
            "summary": summary,
            "source": target.options.get("source", "incident-commander"),
            "severity": SEVERITIES.get(message.severity, "error"),
            "component": target.options.get("component") or None,
            "group": message.incident_ref,
            "class": "incident",
            "custom_details": details,
        }
        event["payload"] = {k: v for k, v in event["payload"].items() if v is not None}
        event["client"] = "Incident Commander"
        room = EVENT_LIMIT - len(encoded({"routing_key": "k" * ROUTING_KEY_LENGTH, **event}))
        details["update"] = fitter.json_bytes("update", message.body, room)
    return event


def encoded(event: dict[str, Any]) -> bytes:
    """The body as sent: UTF-8 JSON, non-ASCII characters as themselves (not \\u escapes,
    which would make a Japanese character 6 bytes and an emoji 12)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _error_text(response: requests.Response) -> str:
    data = json_body(response)
    if isinstance(data, dict) and data.get("message"):
        errors = data.get("errors") or []
        detail = "; ".join(str(e) for e in errors) if isinstance(errors, list) else ""
        return f"{data['message']}{': ' + detail if detail else ''}"
    return text_of(response)


class PagerDutyConnector:
    kind: ClassVar[str] = "pagerduty"
    recognises_repeats: ClassVar[bool] = True  # one dedup key per incident

    def render(self, message: Message, target: Target) -> Rendered:
        fitter = Fitter("PagerDuty")
        event = _event(message, target, fitter)
        if message.page_action == "trigger":
            payload = event["payload"]
            preview = f"Page on-call ({payload['severity']}): {payload['summary']}"
        else:
            preview = f"{message.page_action.capitalize()} the page for {message.incident_ref}"
        return Rendered(preview=preview, payload=event, warnings=tuple(fitter.warnings))

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome:
        if message.page_action not in ACTIONS:
            return Outcome("failed", error=f"unknown page action {message.page_action!r}")
        if not re.fullmatch(r"[A-Za-z0-9]{32}", secret):
            return Outcome(
                "failed", error="the PagerDuty routing key must be 32 letters and digits"
            )
        event = {"routing_key": secret, **_event(message, target, Fitter("PagerDuty"))}
        base = (target.base_url or DEFAULT_BASE_URL).rstrip("/")
        answer = request(
            session,
            "POST",
            f"{base}/v2/enqueue",
            secrets=[secret],
            timeout=timeout,
            data=encoded(event),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        if isinstance(answer, Outcome):
            return answer
        problem = classify(answer, provider="PagerDuty", secrets=[secret], error_text=_error_text)
        if problem:
            return problem
        data = json_body(answer)
        key = str(data.get("dedup_key") or event["dedup_key"]) if isinstance(data, dict) else ""
        state = {"dedup_key": key or event["dedup_key"], "last_action": message.page_action}
        return Outcome("sent", provider_id=state["dedup_key"], state=state)
