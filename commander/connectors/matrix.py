"""Matrix client-server API: ``PUT /rooms/{roomId}/send/m.room.message/{txnId}``.

The transaction id derives from the delivery id, so a retry of the same delivery
is a retransmission the homeserver answers with the original event id instead
of posting twice. It includes the store's id: the homeserver keeps transaction
ids per access token, and two stores sending with one bot token both number
their deliveries from 1. Later updates are thread replies under the first event.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from commander.connectors._http import classify, json_body, request, text_of
from commander.connectors._markup import markdown_to_html
from commander.connectors._text import Fitter, cut_bytes, plain_text, utf8_length
from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target

if TYPE_CHECKING:
    import requests

DEFAULT_BASE_URL = "https://matrix-client.matrix.org"
EVENT_LIMIT = 65_536
# Room for the event envelope (sender, room id, signatures, hashes) around the content.
CONTENT_BUDGET = 60_000


def transaction_id(message: Message, room_id: str, delivery: Delivery) -> str:
    """Stable for one delivery and distinct across stores, incidents and rooms."""
    key = f"{delivery.store_id}|{message.incident_ref}|{room_id}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return f"commander-{delivery.delivery_id}-{digest}"


def _content_size(content: dict[str, Any]) -> int:
    return utf8_length(json.dumps(content, ensure_ascii=False, separators=(",", ":")))


def _content(message: Message, target: Target, fitter: Fitter) -> dict[str, Any]:
    text = plain_text(message)
    markdown = f"**{message.headline}**\n\n{message.body}"
    limit = CONTENT_BUDGET // 2
    while True:
        body, body_cut = cut_bytes(text, limit)
        formatted_source, html_cut = cut_bytes(markdown, limit)
        content = {
            "msgtype": target.options.get("msgtype", "m.notice"),
            "body": body,
            "format": "org.matrix.custom.html",
            "formatted_body": markdown_to_html(formatted_source),
        }
        size = _content_size(content)
        if size <= CONTENT_BUDGET:
            break
        limit = max(1, int(limit * CONTENT_BUDGET / size * 0.95))
    if body_cut or html_cut:
        fitter.note(f"message cut to fit {EVENT_LIMIT:,} bytes (Matrix event limit)")
    return content


def error_text(response: requests.Response) -> str:
    """The homeserver's errcode and error (the capture reader words its errors alike)."""
    data = json_body(response)
    if isinstance(data, dict) and (data.get("errcode") or data.get("error")):
        return f"{data.get('errcode', '')}: {data.get('error', '')}".strip(": ")
    return text_of(response)


def body_retry_after(response: requests.Response) -> float | None:
    """A 429's ``retry_after_ms``, in seconds."""
    data = json_body(response)
    if isinstance(data, dict) and isinstance(data.get("retry_after_ms"), int | float):
        return float(data["retry_after_ms"]) / 1000
    return None


class MatrixConnector:
    kind: ClassVar[str] = "matrix"
    recognises_repeats: ClassVar[bool] = True  # the transaction id derives from the delivery

    def render(self, message: Message, target: Target) -> Rendered:
        fitter = Fitter("Matrix")
        content = _content(message, target, fitter)
        if not target.options.get("room_id"):
            fitter.note(
                "no room set: add the option room_id=!abc:example.org (or #alias:example.org)"
            )
        return Rendered(preview=content["body"], payload=content, warnings=tuple(fitter.warnings))

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome:
        """The secret is the bot account's access token; the room is option ``room_id``
        (``!id:server``, or an alias ``#name:server`` looked up once and remembered)."""
        room = target.options.get("room_id", "")
        if not room:
            return Outcome("failed", error="Matrix target has no room_id option")
        base = (target.base_url or DEFAULT_BASE_URL).rstrip("/")
        room_id = delivery.state.get("room_id") or room
        if room_id.startswith("#"):
            found = _resolve_alias(base, room_id, secret, session, timeout)
            if isinstance(found, Outcome):
                return found
            room_id = found
        content = _content(message, target, Fitter("Matrix"))
        root = delivery.state.get("root_event_id")
        if root:
            content["m.relates_to"] = {
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": delivery.state.get("last_event_id", root)},
            }
        txn = transaction_id(message, room, delivery)
        url = (
            f"{base}/_matrix/client/v3/rooms/{quote(room_id, safe='')}"
            f"/send/m.room.message/{quote(txn, safe='')}"
        )
        answer = request(
            session,
            "PUT",
            url,
            secrets=[secret],
            timeout=timeout,
            # Compact UTF-8, as the homeserver measures the event (not \u escapes).
            data=json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode(),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        )
        if isinstance(answer, Outcome):
            return answer
        problem = classify(
            answer,
            provider="Matrix",
            secrets=[secret],
            error_text=error_text,
            body_retry_after=body_retry_after,
        )
        if problem:
            return problem
        data = json_body(answer)
        event_id = str(data.get("event_id", "")) if isinstance(data, dict) else ""
        if not event_id:
            return Outcome("retry", error="Matrix answered without an event_id")
        state = {"root_event_id": root or event_id, "last_event_id": event_id}
        if room.startswith("#"):
            state["room_id"] = room_id
        return Outcome("sent", provider_id=event_id, state=state)


def _resolve_alias(
    base: str, alias: str, secret: str, session: requests.Session, timeout: float
) -> str | Outcome:
    answer = request(
        session,
        "GET",
        f"{base}/_matrix/client/v3/directory/room/{quote(alias, safe='')}",
        secrets=[secret],
        timeout=timeout,
        headers={"Authorization": f"Bearer {secret}"},
    )
    if isinstance(answer, Outcome):
        return answer
    problem = classify(answer, provider="Matrix", secrets=[secret], error_text=error_text)
    if problem:
        return problem
    data = json_body(answer)
    room_id = data.get("room_id") if isinstance(data, dict) else None
    if not isinstance(room_id, str) or not room_id.startswith("!"):
        return Outcome("failed", error=f"Matrix did not resolve the room alias {alias}")
    return room_id
