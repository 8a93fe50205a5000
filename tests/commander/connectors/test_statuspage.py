"""Statuspage against its contract server."""

from __future__ import annotations

import requests

from commander.connectors.base import Delivery, Outcome, Target, connector_for
from tests.commander.connectors.conftest import first_delivery, make_message, wait_for
from tests.support.contracts.statuspage import StatuspageServer


def target(server: StatuspageServer) -> Target:
    return Target(
        "status", "statuspage", base_url=server.api_url, options={"page_id": server.page_id}
    )


def post(
    server: StatuspageServer,
    session: requests.Session,
    delivery: Delivery,
    timeout: float = 5,
    **changes: object,
) -> Outcome:
    return connector_for("statuspage").deliver(
        make_message(**changes),
        target(server),
        server.api_key,
        delivery,
        session,
        timeout,  # type: ignore[arg-type]
    )


def test_first_update_creates_later_ones_update(
    statuspage_server: StatuspageServer, session: requests.Session
) -> None:
    first = post(
        statuspage_server, session, first_delivery(), components={"Checkout": "partial_outage"}
    )
    assert first.status == "sent", first.error
    incident_id = first.state["incident_id"]
    assert first.provider_id == incident_id
    stored = statuspage_server.incidents[incident_id]
    assert (stored["name"], stored["status"], stored["impact"]) == (
        "Checkout errors",
        "investigating",
        "major",
    )
    assert statuspage_server.components["vtmbs2xk2lcg"]["status"] == "partial_outage"

    second = post(
        statuspage_server,
        session,
        Delivery(8, 1, first.state),
        status="identified",
        body="bad deploy",
    )
    third = post(
        statuspage_server,
        session,
        Delivery(9, 1, second.state),
        status="resolved",
        body="fixed",
        components={"vtmbs2xk2lcg": "operational"},
    )
    assert second.state["incident_id"] == third.state["incident_id"] == incident_id
    assert len(statuspage_server.incidents) == 1
    assert [u["status"] for u in stored["incident_updates"]] == [
        "resolved",
        "identified",
        "investigating",
    ]
    assert stored["incident_updates"][0]["body"] == "fixed"
    assert statuspage_server.components["vtmbs2xk2lcg"]["status"] == "operational"
    assert (
        statuspage_server.requests[-1].header("authorization")
        == f"OAuth {statuspage_server.api_key}"
    )


def test_retry_after_a_lost_create_updates_instead_of_duplicating(
    statuspage_server: StatuspageServer, session: requests.Session
) -> None:
    statuspage_server.hang_next(1, seconds=0.5)
    lost = post(statuspage_server, session, Delivery(5, 1), timeout=0.1)
    assert lost.status == "retry"
    wait_for(lambda: len(statuspage_server.incidents) == 1)
    again = post(statuspage_server, session, Delivery(5, 2))
    assert again.status == "sent", again.error
    assert len(statuspage_server.incidents) == 1
    assert again.state["incident_id"] in statuspage_server.incidents
    # The create landed: the retry neither opens a second incident nor posts it again.
    stored = statuspage_server.incidents[again.state["incident_id"]]
    assert len(stored["incident_updates"]) == 1
    assert [r.method for r in statuspage_server.requests].count("PATCH") == 0


def test_a_retried_update_that_landed_is_not_posted_twice(
    statuspage_server: StatuspageServer, session: requests.Session
) -> None:
    created = post(statuspage_server, session, first_delivery())
    assert created.status == "sent", created.error
    statuspage_server.hang_next(1, seconds=0.5)
    lost = post(
        statuspage_server, session, Delivery(8, 1, created.state), timeout=0.1, body="bad deploy"
    )
    assert lost.status == "retry"
    stored = statuspage_server.incidents[created.state["incident_id"]]
    wait_for(lambda: len(stored["incident_updates"]) == 2)
    again = post(statuspage_server, session, Delivery(8, 2, created.state), body="bad deploy")
    assert again.status == "sent", again.error
    assert again.state["incident_id"] == created.state["incident_id"]
    assert [u["body"] for u in stored["incident_updates"]].count("bad deploy") == 1
    assert len(stored["incident_updates"]) == 2
    assert [r.method for r in statuspage_server.requests].count("PATCH") == 1


def test_bad_status_and_unknown_component_fail_before_sending(
    statuspage_server: StatuspageServer, session: requests.Session
) -> None:
    wrong = post(statuspage_server, session, first_delivery(), status="in_progress")
    assert wrong.status == "failed" and "not one of investigating" in (wrong.error or "")
    unknown = post(
        statuspage_server, session, first_delivery(), components={"Search": "major_outage"}
    )
    assert (unknown.status, unknown.error) == (
        "failed",
        "no component 'Search' on this status page",
    )
    assert not statuspage_server.incidents


def test_provider_validation_error_is_permanent_with_its_text(
    statuspage_server: StatuspageServer, session: requests.Session
) -> None:
    outcome = post(statuspage_server, session, first_delivery(), incident_title="   ")
    assert (outcome.status, outcome.error) == (
        "failed",
        "refused by Statuspage (HTTP 422): name can't be blank",
    )


def test_wrong_key_is_permanent_and_not_echoed(
    statuspage_server: StatuspageServer, session: requests.Session
) -> None:
    outcome = connector_for("statuspage").deliver(
        make_message(),
        target(statuspage_server),
        "not-the-key-000000",
        first_delivery(),
        session,
        5,
    )
    assert (outcome.status, outcome.error) == (
        "failed",
        "refused by Statuspage (HTTP 401): Could not authenticate",
    )


def test_rate_limits_420_and_429_retry(
    statuspage_server: StatuspageServer, session: requests.Session
) -> None:
    statuspage_server.rate.limit = 1
    statuspage_server.rate_status = 420
    assert post(statuspage_server, session, first_delivery()).status == "sent"
    limited = post(statuspage_server, session, first_delivery())
    assert (limited.status, limited.error) == (
        "retry",
        "rate limited by Statuspage: Rate limit exceeded",
    )
    statuspage_server.rate.limit = None
    statuspage_server.throttle_next(1)
    assert post(statuspage_server, session, first_delivery()).status == "retry"
    statuspage_server.fail_next(1, status=503)
    assert post(statuspage_server, session, first_delivery()).status == "retry"


def test_limits_cut_with_warnings() -> None:
    rendered = connector_for("statuspage").render(
        make_message(incident_title="t" * 300, body="b" * 30_000),
        Target("s", "statuspage", options={"page_id": "p"}),
    )
    incident = rendered.payload["incident"]  # type: ignore[index]
    assert len(incident["name"]) == 255 and len(incident["body"]) == 25_000
    assert rendered.warnings == (
        "update cut at 25,000 characters (Statuspage limit)",
        "incident name cut at 255 characters (Statuspage limit)",
    )


def test_body_is_plain_text_without_markdown_marks() -> None:
    rendered = connector_for("statuspage").render(
        make_message(), Target("s", "statuspage", options={"page_id": "p"})
    )
    body = rendered.payload["incident"]["body"]  # type: ignore[index]
    assert body.startswith("Status: Investigating\nImpact: 5% of checkouts fail")
    assert "\nUpdates\n- 10:05 paged on-call" in body
    assert "**" not in body and "#" not in body


def test_a_component_past_the_first_page_is_found_by_name(
    statuspage_server: StatuspageServer, session: requests.Session
) -> None:
    for number in range(230):  # three pages of at most 100
        component_id = f"filler{number:06d}"
        statuspage_server.components[component_id] = {
            "id": component_id,
            "name": f"Region {number}",
            "status": "operational",
        }
    statuspage_server.components["lastpage0001"] = {
        "id": "lastpage0001",
        "name": "Payments",
        "status": "operational",
    }
    outcome = post(
        statuspage_server, session, first_delivery(), components={"payments": "major_outage"}
    )
    assert outcome.status == "sent", outcome.error
    assert statuspage_server.components["lastpage0001"]["status"] == "major_outage"
    listed = [r for r in statuspage_server.requests if r.path.endswith("/components")]
    assert [r.query["page"] for r in listed] == [["1"], ["2"], ["3"]]
