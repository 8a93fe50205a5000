"""A failing delivery on the timeline: one entry when it starts failing, one when it ends;
the attempts between kept with the delivery; a person marks sent or sends again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from commander.clock import FrozenClock
from commander.domain.entry_facts import DeliveryChanged, DeliveryState
from commander.errors import InvalidInputError, NotFoundError
from commander.services import deliveries, messages, outbox
from commander.services.delivery_status import delivery_standings
from commander.services.incidents import get_incident
from commander.services.targets import save_target
from commander.views.comms import Standing
from tests.commander.conftest import SECRET
from tests.support.webhook import KIND, Reply, WebhookServer, closed_port


def _send(store: Any, ref: str, targets: list[str] | None = None) -> int:
    return messages.send_message(store, messages.compose(store, ref), "ana", targets).id


def _delivery(store: Any, message_id: int) -> Any:
    [delivery] = messages.get_message(store, message_id).deliveries
    return delivery


def _delivery_entries(store: Any, ref: str) -> list[Any]:
    return [e for e in get_incident(store, ref).timeline if e.kind == "delivery"]


def _attempt_when_due(store: Any, clock: FrozenClock, message_id: int) -> Any:
    """Move the clock to the delivery's next attempt and make it."""
    due = _delivery(store, message_id).next_attempt_at
    clock.move_to(max(due, clock()) + timedelta(seconds=1))
    [result] = outbox.deliver_due(store, timeout=2)
    return result


def test_a_target_unreachable_for_8_retries_writes_two_entries_start_and_end(
    store: Any, incident: str, connector: Any, clock: FrozenClock
) -> None:
    port = closed_port()
    save_target(store, "status", KIND, base_url=f"http://127.0.0.1:{port}", secret=SECRET)
    message_id = _send(store, incident)
    started = clock()
    for attempt in range(1, 10):  # the first attempt and 8 retries, all refused
        failing = _attempt_when_due(store, clock, message_id)
        assert (failing.state, failing.attempts) == ("pending", attempt)
    cannot = f"cannot connect to 127.0.0.1:{port}: connection refused"
    assert failing.last_error == cannot
    [first] = _delivery_entries(store, incident)
    assert first.text.startswith(f"Delivery to status failing: {cannot}; retrying in ")
    assert first.fact == DeliveryChanged(failing.id, DeliveryState.PENDING, message_id, "status", 1)
    [line] = delivery_standings(store, incident)
    # Counted from the first failed attempt, not from the send: the attempts are spread
    # by a random jitter, so the two can fall either side of a minute (the flake of old).
    failing_since = failing.failing_since
    assert failing_since is not None and failing_since > started
    minutes = int((clock() - failing_since).total_seconds() // 60)
    assert line.text(clock()) == f"status: failing for {minutes} min — {cannot}"
    assert line.alarming and minutes >= 8

    server = WebhookServer(port=port).start()  # the status page is back
    try:
        sent = _attempt_when_due(store, clock, message_id)
    finally:
        server.stop()
    assert sent.state == "sent" and sent.failing_since is None
    first, last = _delivery_entries(store, incident)
    assert last.text.startswith(
        "Delivered “[INCIDENT] Checkout errors” to status after 10 attempts"
    )
    assert f"(failing for {int((clock() - failing_since).total_seconds() // 60)} min)" in last.text
    assert last.fact == DeliveryChanged(sent.id, DeliveryState.SENT, message_id, "status", 10)
    # The attempts between are kept with the delivery.
    [kept] = messages.list_messages(store, incident)[0].deliveries
    assert [a.outcome for a in kept.history] == ["retry"] * 9 + ["sent"]
    assert [a.attempt for a in kept.history] == list(range(1, 11))
    assert all(a.error == cannot for a in kept.history[:9])
    assert all(a.next_attempt_at is not None for a in kept.history[:9])


def test_giving_up_writes_the_start_and_the_end_only(
    store: Any, incident: str, target: str, server: WebhookServer, clock: FrozenClock
) -> None:
    server.default = Reply(503)
    message_id = _send(store, incident)
    for _ in range(outbox.MAX_ATTEMPTS):
        result = _attempt_when_due(store, clock, message_id)
    assert result.state == "failed" and not result.unconfirmed
    start, end = _delivery_entries(store, incident)
    assert "failing: HTTP 503" in start.text
    assert end.text == "Delivery to ops-chat failed: gave up after 10 attempts: HTTP 503"
    [line] = delivery_standings(store, incident)
    assert line.standing is Standing.FAILED and line.alarming
    assert line.text(clock()) == "ops-chat: not delivered — gave up after 10 attempts: HTTP 503"


def test_a_person_retrying_starts_a_new_run_with_its_own_failing_entry(
    store: Any, incident: str, target: str, server: WebhookServer, clock: FrozenClock
) -> None:
    server.queue(Reply(400, {"error": "bad channel"}), Reply(503))
    message_id = _send(store, incident)
    failed = _attempt_when_due(store, clock, message_id)
    assert failed.state == "failed" and failed.failing_since == clock()
    deliveries.retry_delivery(store, failed.id, "ana")
    again = _attempt_when_due(store, clock, message_id)
    assert again.state == "pending" and again.failing_since == clock()
    texts = [e.text for e in _delivery_entries(store, incident)]
    assert [t.split(":")[0] for t in texts] == [
        "Delivery to ops-chat failed",
        "Retrying “[INCIDENT] Checkout errors” to ops-chat",
        "Delivery to ops-chat failing",
    ]


def _unconfirmed(store: Any, ref: str, clock: FrozenClock) -> Any:
    """A delivery whose post timed out after sending to a provider that cannot
    recognise a repeat."""
    from commander.connectors.base import unconfirmed_failure

    message_id = _send(store, ref)
    [claim] = outbox.claim_due(store)
    cause = "timed out: chat.example.com did not answer within 15 s"
    outbox.record_outcome(store, claim, unconfirmed_failure(cause), clock())
    return _delivery(store, message_id)


def test_a_post_that_may_have_gone_out_is_marked_sent_by_a_person(
    store: Any, incident: str, target: str, server: WebhookServer, clock: FrozenClock
) -> None:
    unconfirmed = _unconfirmed(store, incident, clock)
    assert unconfirmed.state == "failed" and unconfirmed.unconfirmed
    assert unconfirmed.can_mark_sent and unconfirmed.can_retry
    [line] = delivery_standings(store, incident)
    assert line.standing is Standing.UNCONFIRMED and line.alarming
    assert "may have been posted" in line.text(clock())

    clock.advance(timedelta(minutes=3))
    marked = deliveries.mark_sent_by_person(store, unconfirmed.id, "bo")
    assert (marked.state, marked.unconfirmed, marked.acknowledged_at) == ("sent", False, clock())
    entry = _delivery_entries(store, incident)[-1]
    assert entry.author == "bo"
    assert (
        entry.text == "bo checked that “[INCIDENT] Checkout errors” reached ops-chat: marked sent"
    )
    assert entry.fact == DeliveryChanged(
        marked.id, DeliveryState.SENT, marked.message_id, "ops-chat", 1, by_person=True
    )
    [line] = delivery_standings(store, incident)
    assert line.text(clock()) == "ops-chat: sent 10:03Z" and not line.alarming
    assert server.posts() == []  # marking sends nothing
    with pytest.raises(InvalidInputError, match="is sent; only failed ones can be marked sent"):
        deliveries.mark_sent_by_person(store, marked.id, "bo")
    with pytest.raises(NotFoundError, match="no delivery 999"):
        deliveries.mark_sent_by_person(store, 999, "bo")


def test_a_post_that_may_have_gone_out_is_sent_again_by_a_person(
    store: Any, incident: str, target: str, server: WebhookServer, clock: FrozenClock
) -> None:
    unconfirmed = _unconfirmed(store, incident, clock)
    again = deliveries.retry_delivery(store, unconfirmed.id, "bo")
    assert (again.state, again.unconfirmed, again.failing_since) == ("pending", False, None)
    [sent] = outbox.deliver_due(store)
    assert sent.state == "sent" and len(server.posts()) == 1


def test_an_undelivered_update_stays_red_after_resolve(
    store: Any, incident: str, target: str, server: WebhookServer, clock: FrozenClock
) -> None:
    from commander.domain import Phase
    from commander.services.incidents import change_phase

    server.queue(Reply(403, {"error": "invalid_token"}))
    _send(store, incident)
    outbox.deliver_due(store)
    change_phase(store, incident, Phase.RESOLVE, "ana")
    [line] = delivery_standings(store, incident)
    assert line.alarming and line.text(clock()).startswith("ops-chat: not delivered — HTTP 403")
