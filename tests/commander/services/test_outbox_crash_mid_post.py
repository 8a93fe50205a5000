"""A sender that dies mid-post, to a provider that cannot recognise a repeat.

Just before the request goes out to Slack, Discord, Teams or Mattermost, the
worker writes down that the attempt started. A lease that runs out after that
belongs to a post that may have reached the provider: the next claim fails it
as "may have been posted", exactly as a timeout after sending does, and never
sends it again on its own. A lease that runs out before the post went out is
sent again, as are providers that recognise repeats (Matrix, PagerDuty, ...).
The same with a real process killed mid-post: tests/commander/commands/
test_deliver_after_a_crash.py.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from commander.domain.entry_facts import DeliveryChanged, DeliveryState
from commander.domain.when import utc_now
from commander.services import deliveries, messages, outbox
from commander.services.incidents import get_incident
from commander.services.targets import save_target
from commander.store.orm_comms import CommsDelivery
from commander.views.comms import DeliveryView
from tests.support.contracts.discord import DiscordServer
from tests.support.contracts.matrix import MatrixServer
from tests.support.contracts.slack import SlackApiServer

AFTER_THE_LEASE = outbox.LEASE + timedelta(seconds=1)


def _send(store: Any, ref: str) -> int:
    return messages.send_message(store, messages.compose(store, ref), "ana", ["chat"]).id


def _delivery(store: Any, message_id: int) -> DeliveryView:
    [delivery] = messages.get_message(store, message_id).deliveries
    return delivery


def _started_at(store: Any, delivery_id: int) -> Any:
    with store.read() as session:
        return session.get_one(CommsDelivery, delivery_id).attempt_started_at


def _die_mid_post(store: Any) -> outbox.Claim:
    """What a worker killed while the provider held its request leaves behind."""
    [claim] = outbox.claim_due(store, owner="killed")
    with store.write() as session:
        started = deliveries.start_attempt(
            session, claim.delivery_id, claim.owner, claim.attempt, utc_now()
        )
    assert started
    return claim


@pytest.fixture
def chat(
    request: pytest.FixtureRequest,
    store: Any,
    discord_server: DiscordServer,
    slack_api_server: SlackApiServer,
) -> Any:
    """A target named "chat" of the parametrized kind, and its contract server."""
    if request.param == "slack":
        options = {"channel": "C0INCIDENT"}
        save_target(
            store, "chat", "slack", slack_api_server.api_url, options, slack_api_server.token
        )
        return slack_api_server
    save_target(store, "chat", "discord", secret=discord_server.webhook_url)
    return discord_server


@pytest.mark.parametrize("chat", ["discord", "slack"], indirect=True)
def test_a_lease_that_runs_out_after_the_post_went_out_fails_as_may_have_been_posted(
    store: Any, incident: str, chat: Any
) -> None:
    message_id = _send(store, incident)
    _die_mid_post(store)
    assert outbox.deliver_due(store) == []  # the lease still holds

    assert outbox.deliver_due(store, utc_now() + AFTER_THE_LEASE) == []
    view = _delivery(store, message_id)
    assert chat.requests == []  # nothing sent a second time
    assert (view.state, view.attempts) == ("failed", 1)
    assert (view.last_error or "").startswith("no answer (the sender stopped while posting): ")
    assert "the update may have been posted; not sent again automatically" in view.last_error
    entry = get_incident(store, incident).timeline[-1]
    assert entry.fact == DeliveryChanged(view.id, DeliveryState.FAILED, message_id, "chat", 1)
    assert entry.text == f"Delivery to chat failed: {view.last_error}"
    assert entry.author == outbox.AUTHOR
    assert _started_at(store, view.id) is None
    assert outbox.deliver_due(store, utc_now() + timedelta(days=1)) == []

    # A person checked the channel, found nothing, and sends it again.
    deliveries.retry_delivery(store, view.id, "ana")
    [again] = outbox.deliver_due(store, timeout=5)
    assert again.state == "sent" and len(chat.requests) == 1


@pytest.mark.parametrize("chat", ["discord"], indirect=True)
def test_a_lease_that_runs_out_before_the_post_went_out_is_sent_again(
    store: Any, incident: str, chat: Any
) -> None:
    """A claim alone is not an attempt: the worker died before the request left."""
    message_id = _send(store, incident)
    outbox.claim_due(store, owner="killed")
    [view] = outbox.deliver_due(store, utc_now() + AFTER_THE_LEASE, timeout=5)
    assert (view.state, view.attempts) == ("sent", 2)
    assert len(chat.messages) == 1 and _delivery(store, message_id).state == "sent"


@pytest.mark.parametrize("chat", ["discord"], indirect=True)
def test_a_worker_whose_lease_was_taken_over_sends_nothing(
    store: Any, incident: str, chat: Any
) -> None:
    """A stalled worker wakes after its lease ran out and another took the delivery."""
    _send(store, incident)
    [stalled] = outbox.claim_due(store, owner="stalled")
    [taker] = outbox.claim_due(store, utc_now() + AFTER_THE_LEASE, owner="taker")
    woke = outbox.deliver_claimed(store, stalled, timeout=5)
    assert woke.state == "sending" and chat.requests == []
    assert outbox.deliver_claimed(store, taker, timeout=5).state == "sent"
    assert len(chat.messages) == 1


@pytest.mark.parametrize("kind", ["discord", "matrix"])
def test_the_start_is_written_before_the_request_only_where_a_repeat_posts_twice(
    store: Any,
    incident: str,
    kind: str,
    discord_server: DiscordServer,
    matrix_server: MatrixServer,
) -> None:
    server: Any
    if kind == "discord":
        server = discord_server
        save_target(store, "chat", "discord", secret=server.webhook_url)
    else:
        server = matrix_server
        options = {"room_id": server.room_id}
        save_target(store, "chat", "matrix", server.url, options, server.access_token)
    server.hang_next(1, seconds=1.0)  # holds the request it has read
    message_id = _send(store, incident)
    sender = threading.Thread(target=lambda: outbox.deliver_due(store, timeout=5))
    sender.start()
    deadline = time.monotonic() + 10
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    delivery_id = _delivery(store, message_id).id
    started = _started_at(store, delivery_id)
    sender.join(10)

    assert server.requests, "the request never arrived"
    assert (started is not None) == (kind == "discord")
    assert _delivery(store, message_id).state == "sent"
    assert _started_at(store, delivery_id) is None  # settled: cleared with the lease
