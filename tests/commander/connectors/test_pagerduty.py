"""PagerDuty Events API v2 against its contract server."""

from __future__ import annotations

import json

import requests

from commander.connectors.base import Delivery, Outcome, Target, connector_for
from tests.commander.connectors.conftest import first_delivery, make_message, wait_for
from tests.support.contracts.pagerduty import PagerDutyServer


def page(
    server: PagerDutyServer,
    session: requests.Session,
    action: str,
    delivery_id: int = 1,
    **changes: str,
) -> Outcome:
    target = Target("on-call", "pagerduty", base_url=server.url)
    return connector_for("pagerduty").deliver(
        make_message(page_action=action, **changes),
        target,
        server.routing_key,
        Delivery(delivery_id, 1),
        session,
        5,
    )


def test_trigger_ack_resolve_act_on_one_alert(
    pagerduty_server: PagerDutyServer, session: requests.Session
) -> None:
    triggered = page(pagerduty_server, session, "trigger")
    assert triggered.status == "sent", triggered.error
    assert triggered.provider_id == "incident-commander/INC-12"
    assert (
        page(pagerduty_server, session, "trigger", 2).status == "sent"
    )  # a retried or repeated page
    assert page(pagerduty_server, session, "acknowledge", 3).status == "sent"
    assert page(pagerduty_server, session, "resolve", 4).state["last_action"] == "resolve"
    (alert,) = pagerduty_server.alerts
    assert (alert.dedup_key, alert.status) == ("incident-commander/INC-12", "resolved")
    assert alert.events == ["trigger", "trigger", "acknowledge", "resolve"]
    event = pagerduty_server.requests[0].json()
    assert event["payload"]["severity"] == "critical"  # P1
    assert event["payload"]["summary"] == "[INCIDENT] Checkout errors"
    assert event["payload"]["custom_details"]["Impact"] == "5% of checkouts fail"


def test_other_incidents_get_their_own_alert(
    pagerduty_server: PagerDutyServer, session: requests.Session
) -> None:
    page(pagerduty_server, session, "trigger")
    page(pagerduty_server, session, "trigger", 2, incident_ref="INC-13")
    assert [a.dedup_key for a in pagerduty_server.alerts] == [
        "incident-commander/INC-12",
        "incident-commander/INC-13",
    ]


def test_acknowledge_and_resolve_send_no_payload() -> None:
    rendered = connector_for("pagerduty").render(
        make_message(page_action="resolve"), Target("p", "pagerduty")
    )
    assert rendered.payload == {"event_action": "resolve", "dedup_key": "incident-commander/INC-12"}
    assert rendered.preview == "Resolve the page for INC-12"


def test_summary_cut_at_1024_with_warning(
    pagerduty_server: PagerDutyServer, session: requests.Session
) -> None:
    rendered = connector_for("pagerduty").render(
        make_message(headline="x" * 2000), Target("p", "pagerduty")
    )
    assert len(rendered.payload["payload"]["summary"]) == 1024  # type: ignore[index]
    assert rendered.warnings == ("summary cut at 1,024 characters (PagerDuty limit)",)
    assert page(pagerduty_server, session, "trigger", headline="x" * 2000).status == "sent"


def test_malformed_routing_key_refused_before_sending(session: requests.Session) -> None:
    outcome = connector_for("pagerduty").deliver(
        make_message(),
        Target("p", "pagerduty", base_url="http://127.0.0.1:9"),
        "short-key",
        first_delivery(),
        session,
        5,
    )
    assert outcome.status == "failed" and "32 letters" in (outcome.error or "")
    assert "short-key" not in (outcome.error or "")


def test_throttled_and_server_errors_retry(
    pagerduty_server: PagerDutyServer, session: requests.Session
) -> None:
    pagerduty_server.throttle_next(1)
    limited = page(pagerduty_server, session, "trigger")
    assert (
        limited.status == "retry" and limited.retry_after is None
    )  # no header: the outbox backs off
    assert "arriving too quickly" in (limited.error or "")
    pagerduty_server.fail_next(1, status=500)
    assert page(pagerduty_server, session, "trigger").status == "retry"
    pagerduty_server.hang_next(1, seconds=1)
    slow = connector_for("pagerduty").deliver(
        make_message(),
        Target("p", "pagerduty", base_url=pagerduty_server.url),
        pagerduty_server.routing_key,
        first_delivery(),
        session,
        0.2,
    )
    assert slow.status == "retry"
    assert pagerduty_server.routing_key not in (slow.error or "")
    assert page(pagerduty_server, session, "trigger").status == "sent"  # the outbox's retry
    wait_for(lambda: len(pagerduty_server.alerts[0].events) == 2)  # the late one landed too
    assert len(pagerduty_server.alerts) == 1  # the dedup key held: one alert


def test_rate_window_answers_429(
    pagerduty_server: PagerDutyServer, session: requests.Session
) -> None:
    pagerduty_server.rate.limit = 1
    assert page(pagerduty_server, session, "trigger").status == "sent"
    assert page(pagerduty_server, session, "trigger", 2).status == "retry"


def test_long_non_ascii_update_fits_the_event_limit_as_sent(
    pagerduty_server: PagerDutyServer, session: requests.Session
) -> None:
    # 100,000 characters of Japanese or emoji: cut by characters this was ~600 KB of
    # \\u escapes, over PagerDuty's 512 KB; cut by encoded size it fits and is kept long.
    for filler, unit_bytes in (("障害対応中", 3), ("🔥", 4)):
        pagerduty_server.reset()
        body = filler * (200_000 // len(filler))
        outcome = page(pagerduty_server, session, "trigger", body=body)
        assert outcome.status == "sent", outcome.error
        sent = pagerduty_server.requests[-1]
        assert len(sent.body) <= 512_000
        update = sent.json()["payload"]["custom_details"]["update"]
        assert update.endswith("…")
        assert len(update) * unit_bytes > 500_000  # the room is used, not cut far short
        assert body.startswith(update[:-1])


def test_render_warns_of_a_cut_by_size() -> None:
    rendered = connector_for("pagerduty").render(
        make_message(page_action="trigger", body="é" * 300_000),
        Target("on-call", "pagerduty"),
    )
    assert any("bytes as sent" in warning for warning in rendered.warnings)
    assert len(json.dumps(rendered.payload, ensure_ascii=False).encode()) < 512_000
