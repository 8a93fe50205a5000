"""Cachet 2.x against its contract server."""

from __future__ import annotations

import requests

from commander.connectors.base import Delivery, Outcome, Target, connector_for
from tests.commander.connectors.conftest import XSS, first_delivery, make_message, wait_for
from tests.support.contracts.cachet import CachetServer


def target(server: CachetServer) -> Target:
    return Target("status", "cachet", base_url=server.url)


def post(
    server: CachetServer,
    session: requests.Session,
    delivery: Delivery,
    timeout: float = 5,
    **changes: object,
) -> Outcome:
    return connector_for("cachet").deliver(
        make_message(**changes),
        target(server),
        server.token,
        delivery,
        session,
        timeout,  # type: ignore[arg-type]
    )


def test_create_then_add_updates_and_set_components(
    cachet_server: CachetServer, session: requests.Session
) -> None:
    first = post(cachet_server, session, first_delivery(), components={"checkout": "major_outage"})
    assert first.status == "sent", first.error
    incident = cachet_server.incidents[int(first.state["incident_id"])]
    assert (incident["name"], incident["status"]) == ("Checkout errors", 1)
    assert cachet_server.components[2]["status"] == 4
    later = post(
        cachet_server,
        session,
        Delivery(8, 1, first.state),
        status="monitoring",
        body="watching",
        components={"2": "operational"},
    )
    assert later.status == "sent", later.error
    assert later.state["incident_id"] == first.state["incident_id"]
    assert incident["updates"][0]["status"] == 3 and incident["status"] == 3
    assert cachet_server.components[2]["status"] == 1
    assert len(cachet_server.incidents) == 1


def test_validation_error_is_permanent_with_cachet_text(
    cachet_server: CachetServer, session: requests.Session
) -> None:
    outcome = post(cachet_server, session, first_delivery(), incident_title="  ")
    assert outcome.status == "failed"
    assert (
        outcome.error
        == "refused by Cachet (HTTP 400): The request cannot be fulfilled due to bad syntax. The name field is required."
    )


def test_needs_a_base_url(session: requests.Session) -> None:
    outcome = connector_for("cachet").deliver(
        make_message(), Target("s", "cachet"), "t", first_delivery(), session, 5
    )
    assert outcome.status == "failed" and "self-hosted" in (outcome.error or "")


def test_retries_and_no_duplicate_after_lost_create(
    cachet_server: CachetServer, session: requests.Session
) -> None:
    cachet_server.hang_next(1, seconds=0.5)
    assert post(cachet_server, session, Delivery(3, 1), timeout=0.1).status == "retry"
    wait_for(lambda: len(cachet_server.incidents) == 1)  # the create landed after all
    cachet_server.fail_next(1, status=500)
    assert post(cachet_server, session, Delivery(3, 2)).status == "retry"
    cachet_server.throttle_next(1, retry_after=4)
    limited = post(cachet_server, session, Delivery(3, 3))
    assert (limited.status, limited.retry_after) == ("retry", 4.0)
    again = post(cachet_server, session, Delivery(3, 4))
    assert again.status == "sent" and len(cachet_server.incidents) == 1
    # The incident already shows this text: it is not posted again as an update.
    assert cachet_server.incidents[int(again.state["incident_id"])]["updates"] == []


def test_markup_is_sent_as_entities() -> None:
    rendered = connector_for("cachet").render(
        make_message(body=XSS), Target("s", "cachet", base_url="https://s.example")
    )
    assert "<script>" not in rendered.payload["message"]  # type: ignore[index]
    assert "&lt;script&gt;" in rendered.payload["message"]  # type: ignore[index]


def test_a_component_past_the_first_page_is_found_by_name(
    cachet_server: CachetServer, session: requests.Session
) -> None:
    for number in range(3, 233):  # three pages of 100
        cachet_server.components[number] = {"id": number, "name": f"Region {number}", "status": 1}
    cachet_server.components[233] = {"id": 233, "name": "Payments", "status": 1}
    outcome = post(
        cachet_server, session, first_delivery(), components={"payments": "major_outage"}
    )
    assert outcome.status == "sent", outcome.error
    assert cachet_server.components[233]["status"] == 4
    listed = [r for r in cachet_server.requests if r.path.endswith("/components")]
    assert [r.query["page"] for r in listed] == [["1"], ["2"], ["3"]]
