"""Matrix connector against the contract server (always runs; Synapse has its own file)."""

from __future__ import annotations

import re

import requests

from commander.connectors.base import Delivery, Outcome, Target, connector_for
from commander.connectors.matrix import transaction_id
from tests.commander.connectors.conftest import XSS, first_delivery, make_message, wait_for
from tests.support.contracts.matrix import MatrixServer


def target(server: MatrixServer) -> Target:
    return Target(
        name="ops", kind="matrix", base_url=server.url, options={"room_id": server.room_id}
    )


def send(
    server: MatrixServer,
    session: requests.Session,
    delivery: Delivery,
    timeout: float = 5,
    **changes: str,
) -> Outcome:
    return connector_for("matrix").deliver(
        make_message(**changes), target(server), server.access_token, delivery, session, timeout
    )


def test_sends_notice_with_html_and_keeps_event_id(
    matrix_server: MatrixServer, session: requests.Session
) -> None:
    outcome = send(matrix_server, session, first_delivery())
    assert outcome.status == "sent", outcome.error
    (event,) = matrix_server.events
    assert outcome.provider_id == event["event_id"]
    assert outcome.state == {"root_event_id": event["event_id"], "last_event_id": event["event_id"]}
    content = event["content"]
    assert content["msgtype"] == "m.notice"
    assert content["format"] == "org.matrix.custom.html"
    assert "<strong>Status:</strong> Investigating" in content["formatted_body"]
    assert "<li>10:05 paged on-call</li>" in content["formatted_body"]
    assert content["body"].startswith("[INCIDENT] Checkout errors")


def test_retry_of_a_delivery_does_not_post_twice(
    matrix_server: MatrixServer, session: requests.Session
) -> None:
    matrix_server.hang_next(1, seconds=0.5)
    lost = send(matrix_server, session, Delivery(delivery_id=41, attempt=1), timeout=0.1)
    assert lost.status == "retry"
    wait_for(lambda: len(matrix_server.events) == 1)  # timed out, but the homeserver stored it
    again = send(matrix_server, session, Delivery(delivery_id=41, attempt=2))
    assert again.status == "sent"
    assert len(matrix_server.events) == 1
    assert again.provider_id == matrix_server.events[0]["event_id"]


def test_later_updates_are_thread_replies(
    matrix_server: MatrixServer, session: requests.Session
) -> None:
    first = send(matrix_server, session, Delivery(1, 1))
    second = send(matrix_server, session, Delivery(2, 1, first.state), body="rolled back")
    third = send(matrix_server, session, Delivery(3, 1, second.state), body="fixed")
    root = first.provider_id
    relation = matrix_server.events[2]["content"]["m.relates_to"]
    assert relation["rel_type"] == "m.thread" and relation["event_id"] == root
    assert relation["m.in_reply_to"] == {"event_id": second.provider_id}
    assert third.state == {"root_event_id": root, "last_event_id": third.provider_id}


def test_transaction_ids_are_stable_and_distinct() -> None:
    message = make_message()
    assert transaction_id(message, "!a:x", Delivery(5, 1)) == transaction_id(
        message, "!a:x", Delivery(5, 3)
    )
    assert transaction_id(message, "!a:x", Delivery(5, 1)) != transaction_id(
        message, "!a:x", Delivery(6, 1)
    )
    other = make_message(incident_ref="INC-13")
    assert transaction_id(message, "!a:x", Delivery(5, 1)) != transaction_id(
        other, "!a:x", Delivery(5, 1)
    )


def test_transaction_ids_differ_between_stores() -> None:
    message = make_message()
    assert transaction_id(message, "!a:x", Delivery(5, 1, store_id="store-a")) != transaction_id(
        message, "!a:x", Delivery(5, 1, store_id="store-b")
    )


def test_room_not_joined_is_permanent(
    matrix_server: MatrixServer, session: requests.Session
) -> None:
    other = Target(
        "ops", "matrix", base_url=matrix_server.url, options={"room_id": "!nope:localhost"}
    )
    outcome = connector_for("matrix").deliver(
        make_message(), other, matrix_server.access_token, first_delivery(), session, 5
    )
    assert outcome.status == "failed"
    assert (
        outcome.error
        == "refused by Matrix (HTTP 403): M_FORBIDDEN: User @commander:localhost not in room !nope:localhost"
    )


def test_rate_limit_and_server_error_retry(
    matrix_server: MatrixServer, session: requests.Session
) -> None:
    matrix_server.throttle_next(1, retry_after=1.5)
    limited = send(matrix_server, session, Delivery(9, 1))
    assert (limited.status, limited.retry_after) == ("retry", 1.5)
    assert re.fullmatch(r"rate limited by Matrix until \d\d:\d\dZ", limited.error or "")
    matrix_server.fail_next(1, status=503)
    down = send(matrix_server, session, Delivery(9, 2))
    assert down.status == "retry" and down.retry_after is None
    assert send(matrix_server, session, Delivery(9, 3)).status == "sent"


def test_markup_in_text_is_escaped_in_formatted_body() -> None:
    rendered = connector_for("matrix").render(
        make_message(headline=f"[INCIDENT] {XSS}", body=XSS),
        Target("o", "matrix", options={"room_id": "!r:x"}),
    )
    html = rendered.payload["formatted_body"]  # type: ignore[index]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_huge_update_is_cut_to_the_event_limit(
    matrix_server: MatrixServer, session: requests.Session
) -> None:
    body = "\n".join(f'- <b>{i}</b> "quoted" ✓ ' + "ü" * 50 for i in range(3000))
    rendered = connector_for("matrix").render(make_message(body=body), target(matrix_server))
    assert rendered.warnings == ("message cut to fit 65,536 bytes (Matrix event limit)",)
    outcome = send(matrix_server, session, Delivery(77, 1), body=body)
    assert outcome.status == "sent", outcome.error


def test_fake_rejects_formatted_body_without_format(
    matrix_server: MatrixServer, session: requests.Session
) -> None:
    url = f"{matrix_server.url}/_matrix/client/v3/rooms/%21incidents%3Alocalhost/send/m.room.message/t1"
    answer = session.put(
        url,
        json={"msgtype": "m.text", "body": "x", "formatted_body": "<b>x</b>"},
        headers={"Authorization": f"Bearer {matrix_server.access_token}"},
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json()["errcode"] == "M_BAD_JSON"
    missing = session.put(url, json={"msgtype": "m.text", "body": "x"}, timeout=5)
    assert missing.status_code == 401 and missing.json()["errcode"] == "M_MISSING_TOKEN"


def test_room_alias_is_resolved_once_and_remembered(
    matrix_server: MatrixServer, session: requests.Session
) -> None:
    by_alias = Target(
        "ops", "matrix", base_url=matrix_server.url, options={"room_id": "#incidents:localhost"}
    )
    connector = connector_for("matrix")
    first = connector.deliver(
        make_message(), by_alias, matrix_server.access_token, Delivery(1, 1), session, 5
    )
    assert first.status == "sent", first.error
    assert first.state["room_id"] == matrix_server.room_id
    second = connector.deliver(
        make_message(),
        by_alias,
        matrix_server.access_token,
        Delivery(2, 1, first.state),
        session,
        5,
    )
    assert second.status == "sent"
    lookups = [r for r in matrix_server.requests if "/directory/room/" in r.path]
    assert len(lookups) == 1 and len(matrix_server.events) == 2
    unknown = Target(
        "ops", "matrix", base_url=matrix_server.url, options={"room_id": "#nope:localhost"}
    )
    missing = connector.deliver(
        make_message(), unknown, matrix_server.access_token, Delivery(3, 1), session, 5
    )
    assert (missing.status, missing.error) == (
        "failed",
        "refused by Matrix (HTTP 404): M_NOT_FOUND: Room alias #nope:localhost not found",
    )
