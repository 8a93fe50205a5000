"""Teams Workflows webhook against its contract server."""

from __future__ import annotations

import requests

from commander.connectors.base import Target, connector_for
from commander.connectors.teams import SIZE_LIMIT, encoded
from tests.commander.connectors.conftest import XSS, first_delivery, make_message
from tests.support.contracts.teams import TeamsServer


def target(server: TeamsServer) -> Target:
    return Target("exec", "teams")


def test_posts_an_adaptive_card(teams_server: TeamsServer, session: requests.Session) -> None:
    outcome = connector_for("teams").deliver(
        make_message(), target(teams_server), teams_server.webhook_url, first_delivery(), session, 5
    )
    assert (outcome.status, outcome.provider_id) == ("sent", None)  # Workflows returns no id
    (card,) = teams_server.cards
    assert card["version"] == "1.4"
    texts = [block["text"] for block in card["body"]]
    assert texts[0] == "[INCIDENT] Checkout errors"
    assert texts[1] == "INC-12 · P1 · triage"
    assert "**Updates**" in texts[2] and "## Updates" not in texts[2]


def test_base_url_override_keeps_path_and_signature(
    teams_server: TeamsServer, session: requests.Session
) -> None:
    public = teams_server.webhook_url.replace(
        teams_server.url, "https://prod-01.westeurope.logic.azure.com:443"
    )
    overridden = Target("exec", "teams", base_url=teams_server.url)
    outcome = connector_for("teams").deliver(
        make_message(), overridden, public, first_delivery(), session, 5
    )
    assert outcome.status == "sent", outcome.error


def test_throttle_and_server_error_retry(
    teams_server: TeamsServer, session: requests.Session
) -> None:
    connector = connector_for("teams")
    url = teams_server.webhook_url
    teams_server.throttle_next(1, retry_after=3)
    limited = connector.deliver(
        make_message(), target(teams_server), url, first_delivery(), session, 5
    )
    assert (limited.status, limited.retry_after) == ("retry", 3.0)
    teams_server.fail_next(1, status=500)
    assert (
        connector.deliver(
            make_message(), target(teams_server), url, first_delivery(), session, 5
        ).status
        == "retry"
    )


def test_four_a_second_then_429(teams_server: TeamsServer, session: requests.Session) -> None:
    connector = connector_for("teams")
    outcomes = [
        connector.deliver(
            make_message(),
            target(teams_server),
            teams_server.webhook_url,
            first_delivery(),
            session,
            5,
        ).status
        for _ in range(5)
    ]
    assert outcomes[-1] == "retry" and outcomes.count("sent") >= 1


def test_card_cut_to_28_kb_with_warning(
    teams_server: TeamsServer, session: requests.Session
) -> None:
    message = make_message(body='Zürich "quoted" ✓ ' * 3000)
    rendered = connector_for("teams").render(message, target(teams_server))
    assert len(encoded(rendered.payload)) <= SIZE_LIMIT  # type: ignore[arg-type]
    assert rendered.warnings == ("update cut to fit 28 KB (Teams message limit)",)
    outcome = connector_for("teams").deliver(
        message, target(teams_server), teams_server.webhook_url, first_delivery(), session, 5
    )
    assert outcome.status == "sent", outcome.error


def test_fake_rejects_a_bare_card(teams_server: TeamsServer, session: requests.Session) -> None:
    answer = session.post(
        teams_server.webhook_url, json={"type": "AdaptiveCard", "body": []}, timeout=5
    )
    assert answer.status_code == 400


def test_unsafe_links_become_text() -> None:
    rendered = connector_for("teams").render(make_message(body=XSS), Target("t", "teams"))
    text = rendered.payload["attachments"][0]["content"]["body"][2]["text"]  # type: ignore[index]
    assert "](javascript:" not in text


def test_a_public_card_has_no_ref_severity_or_phase_line(
    teams_server: TeamsServer, session: requests.Session
) -> None:
    public = make_message(audience="public")
    outcome = connector_for("teams").deliver(
        public, target(teams_server), teams_server.webhook_url, first_delivery(), session, 5
    )
    assert outcome.status == "sent"
    (card,) = teams_server.cards
    texts = [block["text"] for block in card["body"]]
    assert len(texts) == 2 and not any("INC-12" in text or "P1" in text for text in texts)
