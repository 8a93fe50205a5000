"""Matrix connector against a real Synapse homeserver (skipped, with the reason, if it
cannot be installed or started here)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import requests

from commander.connectors.base import Delivery, Target, connector_for
from tests.commander.connectors.conftest import XSS, make_message
from tests.support.synapse import Homeserver


@pytest.fixture
def homeserver(synapse: Homeserver) -> Homeserver:
    return synapse


def target(server: Homeserver) -> Target:
    return Target("ops", "matrix", base_url=server.url, options={"room_id": server.room_id})


def room_messages(server: Homeserver, session: requests.Session) -> list[dict[str, Any]]:
    answer = session.get(
        f"{server.url}/_matrix/client/v3/rooms/{quote(server.room_id, safe='')}/messages",
        params={"dir": "b", "limit": "50"},
        headers={"Authorization": f"Bearer {server.access_token}"},
        timeout=10,
    )
    answer.raise_for_status()
    return [e for e in answer.json()["chunk"] if e["type"] == "m.room.message"]


def test_sends_threads_and_never_duplicates(
    homeserver: Homeserver, session: requests.Session
) -> None:
    connector = connector_for("matrix")
    first = connector.deliver(
        make_message(), target(homeserver), homeserver.access_token, Delivery(101, 1), session, 10
    )
    assert first.status == "sent", first.error
    retried = connector.deliver(
        make_message(), target(homeserver), homeserver.access_token, Delivery(101, 2), session, 10
    )
    assert retried.provider_id == first.provider_id  # the homeserver saw a retransmission
    reply = connector.deliver(
        make_message(body="rolled back"),
        target(homeserver),
        homeserver.access_token,
        Delivery(102, 1, first.state),
        session,
        10,
    )
    assert reply.status == "sent", reply.error
    events = room_messages(homeserver, session)
    assert [e["event_id"] for e in events] == [reply.provider_id, first.provider_id]
    relation = events[0]["content"]["m.relates_to"]
    assert relation["rel_type"] == "m.thread" and relation["event_id"] == first.provider_id


def test_formatted_body_is_safe_on_a_real_server(
    homeserver: Homeserver, session: requests.Session
) -> None:
    outcome = connector_for("matrix").deliver(
        make_message(body=XSS),
        target(homeserver),
        homeserver.access_token,
        Delivery(103, 1),
        session,
        10,
    )
    assert outcome.status == "sent", outcome.error
    (event,) = [
        e for e in room_messages(homeserver, session) if e["event_id"] == outcome.provider_id
    ]
    assert "<script>" not in event["content"]["formatted_body"]
    assert "&lt;script&gt;" in event["content"]["formatted_body"]


def test_wrong_token_is_permanent(homeserver: Homeserver, session: requests.Session) -> None:
    outcome = connector_for("matrix").deliver(
        make_message(),
        target(homeserver),
        "syt_not_a_real_token_000",
        Delivery(104, 1),
        session,
        10,
    )
    assert outcome.status == "failed"
    assert outcome.error is not None and "M_UNKNOWN_TOKEN" in outcome.error
    assert "syt_not_a_real_token_000" not in outcome.error


def test_room_alias_resolves_on_a_real_server(
    homeserver: Homeserver, session: requests.Session
) -> None:
    by_alias = Target(
        "ops", "matrix", base_url=homeserver.url, options={"room_id": homeserver.room_alias}
    )
    outcome = connector_for("matrix").deliver(
        make_message(), by_alias, homeserver.access_token, Delivery(105, 1), session, 10
    )
    assert outcome.status == "sent", outcome.error
    assert outcome.state["room_id"] == homeserver.room_id
