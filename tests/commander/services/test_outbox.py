"""The outbox against a local webhook server that fails in the ways providers do."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from commander.connectors import base as connector_base
from commander.domain import EntryKind
from commander.domain.when import utc_now
from commander.services import deliveries, messages, outbox
from commander.services.incidents import get_incident
from commander.services.targets import save_target
from tests.commander.conftest import SECRET
from tests.support.webhook import KIND, Reply, WebhookServer


def _send(store: Any, ref: str, targets: list[str] | None = None) -> int:
    return messages.send_message(store, messages.compose(store, ref), "ana", targets).id


def _delivery(store: Any, message_id: int) -> Any:
    return messages.get_message(store, message_id).deliveries[0]


def test_a_delivered_message_is_recorded_and_never_sent_again(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    message_id = _send(store, incident)
    [result] = outbox.deliver_due(store)
    assert result.state == "sent" and result.provider_id == "post-1"
    assert outbox.deliver_due(store, utc_now() + timedelta(days=1)) == []
    [post] = server.posts()
    assert (
        post.path == f"/hooks/{SECRET}" and post.body["idempotency_key"] == f"delivery-{result.id}"
    )
    entry = get_incident(store, incident).timeline[-1]
    assert entry.kind == EntryKind.DELIVERY and entry.text.startswith("Delivered")
    assert entry.data is not None and entry.data["delivery_id"] == result.id
    assert _delivery(store, message_id).acknowledged_at is not None


def test_5xx_is_retried_with_backoff_then_sent(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    server.queue(Reply(503, {"error": "busy"}))
    message_id = _send(store, incident)
    before = utc_now()
    [first] = outbox.deliver_due(store)
    assert first.state == "pending" and first.last_error == "HTTP 503"
    delay = (first.next_attempt_at - before).total_seconds()
    assert outbox.BACKOFF_BASE * 0.5 - 1 <= delay <= outbox.BACKOFF_BASE + 1
    assert outbox.deliver_due(store) == []  # not due yet
    [second] = outbox.deliver_due(store, first.next_attempt_at + timedelta(seconds=1))
    assert second.state == "sent" and second.attempts == 2
    keys = {p.body["idempotency_key"] for p in server.posts()}
    assert len(server.posts()) == 2 and len(keys) == 1  # same key: the provider can dedupe
    texts = [e.text for e in get_incident(store, incident).timeline if e.kind == "delivery"]
    assert "failing: HTTP 503; retrying in" in texts[0]
    assert texts[1].startswith("Delivered") and "after 2 attempts (failing for" in texts[1]
    assert _delivery(store, message_id).state == "sent"


def test_429_waits_for_retry_after(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    server.queue(Reply(429, {"error": "slow down"}, headers={"Retry-After": "120"}))
    _send(store, incident)
    before = utc_now()
    [result] = outbox.deliver_due(store)
    assert result.state == "pending"
    assert 119 <= (result.next_attempt_at - before).total_seconds() <= 122


def test_4xx_fails_for_good_with_the_providers_text_without_the_secret(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    server.queue(Reply(404, {"error": f"no such hook /hooks/{SECRET}"}))
    message_id = _send(store, incident)
    [result] = outbox.deliver_due(store)
    assert result.state == "failed"
    assert "HTTP 404" in (result.last_error or "") and "no such hook" in (result.last_error or "")
    assert SECRET not in (result.last_error or "")
    assert outbox.deliver_due(store, utc_now() + timedelta(days=1)) == []
    timeline = get_incident(store, incident).timeline
    assert "failed: HTTP 404" in timeline[-1].text and SECRET not in timeline[-1].text
    # A person fixes the cause and retries.
    deliveries.retry_delivery(store, result.id, "ana")
    [again] = outbox.deliver_due(store)
    assert again.state == "sent" and _delivery(store, message_id).state == "sent"


def test_retrying_a_delivery_that_did_not_fail_is_refused(
    store: Any, incident: str, target: str
) -> None:
    from commander.errors import InvalidInputError

    message_id = _send(store, incident)
    with pytest.raises(InvalidInputError, match="only failed"):
        deliveries.retry_delivery(store, _delivery(store, message_id).id, "ana")


def test_timeout_is_retried(store: Any, incident: str, target: str, server: WebhookServer) -> None:
    server.queue(Reply(200, delay=1.5))
    _send(store, incident)
    [result] = outbox.deliver_due(store, timeout=0.3)
    assert result.state == "pending"
    assert result.last_error == f"timed out: {server.url[7:]} did not answer within 0.3 s"


def test_unreachable_server_is_retried(store: Any, incident: str, connector: Any) -> None:
    save_target(store, "gone", KIND, base_url="http://127.0.0.1:9", secret=SECRET)
    _send(store, incident)
    [result] = outbox.deliver_due(store, timeout=2)
    assert result.state == "pending"
    assert result.last_error == "cannot connect to 127.0.0.1:9: connection refused"


def test_gives_up_after_max_attempts(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    server.default = Reply(500)
    _send(store, incident)
    moment = utc_now()
    for _ in range(outbox.MAX_ATTEMPTS):
        [result] = outbox.deliver_due(store, moment)
        moment = result.next_attempt_at + timedelta(seconds=1)
    assert result.state == "failed" and "gave up after 10 attempts" in (result.last_error or "")
    assert len(server.posts()) == outbox.MAX_ATTEMPTS


def test_connector_state_is_remembered_per_incident_and_target(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    _send(store, incident)
    outbox.deliver_due(store)
    _send(store, incident)
    outbox.deliver_due(store)
    first, second = server.posts()
    assert first.body["thread"] is None and second.body["thread"] == "post-1"


def test_a_missing_connector_module_fails_clearly(
    store: Any, incident: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bundle built without one provider's module: that delivery fails and says why.
    monkeypatch.setitem(
        connector_base._IMPLEMENTATIONS, "discord", "commander.connectors.absent:Discord"
    )
    save_target(store, "chat", "discord", base_url="http://127.0.0.1:9")
    _send(store, incident)
    [result] = outbox.deliver_due(store)
    assert result.state == "failed" and "no discord connector" in (result.last_error or "")


def _more_targets(store: Any, server: WebhookServer, count: int) -> None:
    for number in range(count):
        save_target(store, f"extra-{number}", KIND, base_url=server.url, secret=SECRET)


def test_two_workers_never_claim_the_same_delivery(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    _more_targets(store, server, 2)
    _send(store, incident)
    first = outbox.claim_due(store, owner="a", limit=2)
    second = outbox.claim_due(store, owner="b", limit=5)
    assert len(first) == 2 and len(second) == 1
    assert not {c.delivery_id for c in first} & {c.delivery_id for c in second}
    assert outbox.claim_due(store, owner="c") == []


def test_racing_claimers_split_the_work(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    _more_targets(store, server, 11)
    _send(store, incident)
    results: list[list[int]] = []
    start = threading.Barrier(4)

    def claim(owner: str) -> None:
        start.wait()
        mine: list[int] = []
        while batch := outbox.claim_due(store, owner=owner, limit=2):
            mine += [c.delivery_id for c in batch]
        results.append(mine)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [d for mine in results for d in mine]
    assert len(claimed) == 12 and len(set(claimed)) == 12


def test_a_delivery_abandoned_mid_send_resumes_after_its_lease(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    message_id = _send(store, incident)
    [claim] = outbox.claim_due(store, owner="crashed")  # the process dies here
    assert outbox.deliver_due(store) == []  # the lease still holds
    after = utc_now() + outbox.LEASE + timedelta(seconds=1)
    [result] = outbox.deliver_due(store, after)
    assert result.state == "sent" and result.attempts == 2
    assert [p.body["idempotency_key"] for p in server.posts()] == [f"delivery-{claim.delivery_id}"]
    assert _delivery(store, message_id).state == "sent"


def test_a_late_outcome_from_a_lost_lease_does_not_undo_a_send(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    _send(store, incident)
    [slow] = outbox.claim_due(store, owner="slow")
    later = utc_now() + outbox.LEASE + timedelta(seconds=1)
    [fast] = outbox.claim_due(store, later, owner="fast")
    assert outbox.deliver_claimed(store, fast).state == "sent"
    late = outbox.record_outcome(store, slow, outbox.Outcome("retry", error="HTTP 500"), utc_now())
    assert late.state == "sent"
    assert len([e for e in get_incident(store, incident).timeline if e.kind == "delivery"]) == 1


def test_drain_returns_when_everything_is_final(
    store: Any, incident: str, target: str, server: WebhookServer, connector: Any
) -> None:
    save_target(store, "broken", KIND, base_url=server.url, secret="other-secret")
    # A quick Retry-After keeps the test short; the backoff itself is tested above.
    server.queue(Reply(500, headers={"Retry-After": "0.2"}), Reply(400, {"error": "bad channel"}))
    message_id = _send(store, incident)
    left = outbox.drain(store, time.monotonic() + 30, [message_id])
    assert left == []
    states = {d.target_name: d.state for d in messages.get_message(store, message_id).deliveries}
    # One target got the 500 and then succeeded, the other the 400 (in either order).
    assert sorted(states.values()) == ["failed", "sent"]


def test_drain_stops_at_the_deadline(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    server.queue(Reply(503, headers={"Retry-After": "600"}))
    message_id = _send(store, incident)
    started = time.monotonic()
    [left] = outbox.drain(store, started + 1.0, [message_id])
    assert left.state == "pending" and time.monotonic() - started < 5


def test_backoff_grows_and_is_capped() -> None:
    import random

    rng = random.Random(7)
    delays = [outbox.backoff(n, rng) for n in range(1, 12)]
    assert delays[0] <= outbox.BACKOFF_BASE and delays[3] > outbox.BACKOFF_BASE * 2
    assert max(delays) <= outbox.BACKOFF_CAP


def test_processes_delivering_at_once_post_each_delivery_once(
    sqlite_store: Any, server: WebhookServer, connector: Any
) -> None:
    import concurrent.futures
    import multiprocessing

    from commander.domain import Severity
    from commander.services.incidents import declare_incident

    ref = declare_incident(sqlite_store, "Fan-out", Severity.P1, author="ana").ref
    _more_targets(sqlite_store, server, 10)
    _send(sqlite_store, ref)
    location = sqlite_store.location
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(3, mp_context=context) as pool:
        counts = list(pool.map(_deliver_in_a_process, [location] * 3))
    keys = [p.body["idempotency_key"] for p in server.posts()]
    assert sum(counts) == 10 and len(keys) == 10 and len(set(keys)) == 10


def _deliver_in_a_process(location: str) -> int:
    from commander.connectors.base import override_connector
    from commander.store.engine import open_store
    from tests.support.webhook import JsonWebhookConnector

    override_connector(KIND, JsonWebhookConnector())
    store = open_store(location, create=True)
    try:
        delivered = 0
        while batch := outbox.deliver_due(store, limit=2):
            delivered += len(batch)
        return delivered
    finally:
        store.close()


def test_updates_reach_a_target_in_order_one_at_a_time(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    first, second = _send(store, incident), _send(store, incident)
    [claim] = outbox.claim_due(store, owner="a")  # the second waits for the first
    assert claim.message.headline and _delivery(store, first).state == "sending"
    assert outbox.claim_due(store, owner="b") == []
    outbox.deliver_claimed(store, claim)
    [result] = outbox.deliver_due(store)
    assert result.message_id == second
    assert [p.body["thread"] for p in server.posts()] == [None, "post-1"]


def test_a_failed_update_does_not_block_the_next_one(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    server.queue(Reply(400, {"error": "bad"}))
    _send(store, incident)
    second = _send(store, incident)
    [failed] = outbox.deliver_due(store)
    assert failed.state == "failed"
    [sent] = outbox.deliver_due(store)
    assert sent.message_id == second and sent.state == "sent"


def test_other_incidents_are_not_held_up_by_a_retrying_one(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    from commander.domain import Severity
    from commander.services.incidents import declare_incident

    server.queue(Reply(503))
    _send(store, incident)
    other = declare_incident(store, "Search slow", Severity.P2, author="ana").ref
    [retrying] = outbox.deliver_due(store)
    assert retrying.state == "pending"
    _send(store, incident)  # waits behind the retrying one
    other_message = _send(store, other)
    [sent] = outbox.deliver_due(store)
    assert sent.message_id == other_message and sent.state == "sent"


class _Exploding:
    kind = KIND
    recognises_repeats = True

    def render(self, message: Any, target: Any) -> Any:
        raise AssertionError("not used")

    def deliver(self, message: Any, target: Any, secret: str, *args: Any) -> Any:
        raise RuntimeError(f"bug while posting to /hooks/{secret}")


def test_secrets_stay_out_of_logs_and_errors_even_with_debug_logging(
    store: Any, incident: str, target: str, server: WebhookServer, caplog: Any
) -> None:
    from commander.connectors.base import override_connector

    caplog.set_level("DEBUG")
    server.queue(Reply(404, {"error": f"unknown hook {SECRET}"}))
    _send(store, incident)
    outbox.deliver_due(store)
    save_target(store, "down", KIND, base_url="http://127.0.0.1:9", secret=SECRET)
    _send(store, incident, ["down"])
    outbox.deliver_due(store, timeout=2)
    override_connector(KIND, _Exploding())
    _send(store, incident, ["ops-chat"])
    [exploded] = outbox.deliver_due(store)
    assert exploded.state == "failed" and "RuntimeError" in (exploded.last_error or "")
    assert caplog.text and SECRET not in caplog.text
    texts = " ".join(e.text for e in get_incident(store, incident).timeline)
    errors = " ".join(
        d.last_error or "" for m in messages.list_messages(store, incident) for d in m.deliveries
    )
    assert SECRET not in texts and SECRET not in errors
