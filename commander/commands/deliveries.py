"""``commander deliveries REF``, ``commander delivery-retry ID``, ``commander delivery-sent ID``:
where an incident's updates stand, and what a person does about one that failed.

The same core calls as the Comms tab: ``deliveries.retry_delivery`` ("Send again")
and ``deliveries.mark_sent_by_person`` ("It was posted: mark sent").
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from commander.commands.common import Handler, argument_type, author_of
from commander.errors import CommanderError, InvalidInputError

if TYPE_CHECKING:
    from commander.store.engine import Store
    from commander.views.comms import DeliveryView, MessageView


def _delivery_id(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise InvalidInputError(
            f"delivery {text!r}: a delivery number, as `commander deliveries REF` lists them"
        )
    return int(text)


def register(sub: Any) -> dict[str, Handler]:
    listing = sub.add_parser(
        "deliveries",
        help="where an incident's updates stand: per target, then every delivery with its id",
    )
    listing.add_argument("ref")
    listing.add_argument("--json", action="store_true", help="every delivery and its attempts")
    retry = sub.add_parser(
        "delivery-retry", help="send a failed delivery again (one attempt now, then the outbox)"
    )
    retry.add_argument("id", type=argument_type(_delivery_id), metavar="ID")
    retry.add_argument("--author")
    sent = sub.add_parser(
        "delivery-sent",
        help="a failed delivery did reach its target (you checked): mark it sent, send nothing",
    )
    sent.add_argument("id", type=argument_type(_delivery_id), metavar="ID")
    sent.add_argument("--author")
    return {
        "deliveries": _deliveries,
        "delivery-retry": _retry,
        "delivery-sent": _mark_sent,
    }


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _deliveries(store: Store, args: argparse.Namespace) -> int:
    from commander.clock import now
    from commander.services.delivery_status import delivery_standings
    from commander.services.messages import list_messages

    messages = list_messages(store, args.ref)
    if args.json:
        from commander.exports.json_doc import dumps

        sys.stdout.write(dumps([_json(m, d) for m in messages for d in m.deliveries]))
        return 0
    if not messages:
        _out(f"No update sent for {args.ref.strip().upper()} yet.")
        return 0
    moment = now()
    for standing in delivery_standings(store, args.ref):
        _out(standing.text(moment))
    _out("")
    for message in messages:
        _out(f"message {message.id}: {message.headline}")
        for delivery in message.deliveries:
            _out(line_of(delivery))
    return 0


def line_of(delivery: DeliveryView) -> str:
    """``  #12 status-page  failing, attempt 8: …; next attempt 10:08:00Z``."""
    state = delivery.state
    if delivery.state == "failed" and delivery.unconfirmed:
        state = "may have been posted"
    elif delivery.state in ("pending", "sending") and delivery.failing_since is not None:
        state = f"failing, attempt {delivery.attempts}"
    text = f"  #{delivery.id:<4} {delivery.target_name:<20} {state}"
    if delivery.state == "sent" and delivery.provider_id:
        text += f" ({delivery.provider_id})"
    if delivery.last_error:
        text += f": {delivery.last_error}"
    if delivery.state == "pending" and delivery.attempts:
        text += f"; next attempt {delivery.next_attempt_at:%H:%M:%SZ}"
    if delivery.can_retry:
        text += (
            f"\n        commander delivery-retry {delivery.id}  (send again)"
            f"\n        commander delivery-sent {delivery.id}   (it was posted: mark sent)"
        )
    return text


def _json(message: MessageView, delivery: DeliveryView) -> dict[str, Any]:
    from commander.exports.json_doc import delivery_record

    return {"message_id": message.id, "headline": message.headline, **delivery_record(delivery)}


def _retry(store: Store, args: argparse.Namespace) -> int:
    from commander.services.deliveries import retry_delivery
    from commander.services.outbox import deliver_due

    queued = retry_delivery(store, args.id, author_of(args))
    # One attempt now, as `send` makes; later ones happen in an open window or `deliver`.
    done = deliver_due(store, message_ids=[queued.message_id])
    result = next((d for d in done if d.id == queued.id), queued)
    _out(line_of(result))
    if result.state == "failed":
        raise CommanderError(f"not delivered to {result.target_name} ({result.last_error})")
    return 0


def _mark_sent(store: Store, args: argparse.Namespace) -> int:
    from commander.services.deliveries import mark_sent_by_person

    _out(line_of(mark_sent_by_person(store, args.id, author_of(args))))
    return 0
