"""Delivery state changes (services/deliveries.py): each writes its state and one typed entry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commander.domain.entry_facts import DeliveryChanged, DeliveryState
from commander.domain.when import utc_now
from commander.services import deliveries, messages, outbox
from commander.services.incidents import get_incident
from commander.services.targets import remove_target
from commander.views.comms import MessageView
from tests.support.webhook import Reply, WebhookServer


def _send(store: Any, ref: str) -> MessageView:
    return messages.send_message(store, messages.compose(store, ref), "ana")


def _last_fact(store: Any, ref: str) -> Any:
    return get_incident(store, ref).timeline[-1].fact


def test_a_removed_target_and_a_refused_delivery_fail_the_same_way(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    server.queue(Reply(404, {"error": "gone"}))
    refused = _send(store, incident)
    [result] = outbox.deliver_due(store)
    assert _last_fact(store, incident) == DeliveryChanged(
        result.id, DeliveryState.FAILED, refused.id, target, 1
    )
    unsent = _send(store, incident)
    remove_target(store, target, author="bo")
    [delivery] = messages.get_message(store, unsent.id).deliveries
    assert (delivery.state, delivery.last_error) == ("failed", "target removed before delivery")
    entry = get_incident(store, incident).timeline[-1]
    assert entry.text == f"Not delivered to {target}: the target was removed"
    assert entry.author == "bo"
    assert entry.fact == DeliveryChanged(delivery.id, DeliveryState.FAILED, unsent.id, target, 0)


def test_a_persons_retry_is_pending_again_with_its_entry(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    server.queue(Reply(404, {"error": "gone"}))
    sent = _send(store, incident)
    [failed] = outbox.deliver_due(store)
    retried = deliveries.retry_delivery(store, failed.id, "ana")
    assert (retried.state, retried.attempts) == ("pending", 0)
    assert _last_fact(store, incident) == DeliveryChanged(
        failed.id, DeliveryState.PENDING, sent.id, target, 0
    )


def test_giving_up_after_the_last_attempt_fails_with_the_count(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    for _ in range(outbox.MAX_ATTEMPTS):
        server.queue(Reply(503, {"error": "busy"}))
    _send(store, incident)
    when = utc_now()
    result = None
    for _ in range(outbox.MAX_ATTEMPTS):
        [result] = outbox.deliver_due(store, when)
        when = result.next_attempt_at + timedelta(seconds=1)
    assert result is not None and result.state == "failed"
    assert result.last_error == f"gave up after {outbox.MAX_ATTEMPTS} attempts: HTTP 503"
    entry = get_incident(store, incident).timeline[-1]
    assert entry.text == f"Delivery to {target} failed: {result.last_error}"
    assert entry.fact is not None and entry.fact.state is DeliveryState.FAILED
