"""Discord webhook against its contract server."""

from __future__ import annotations

import requests

from commander.connectors.base import Delivery, Target, connector_for
from tests.commander.connectors.conftest import XSS, first_delivery, make_message
from tests.support.contracts.discord import DiscordServer

PUBLIC = "https://discord.com/api/webhooks/112233445566778899/contractWebhookToken_abc123"


def target(server: DiscordServer, **options: str) -> Target:
    return Target(name="war-room", kind="discord", base_url=server.url, options=options)


def test_posts_and_keeps_the_message_id(
    discord_server: DiscordServer, session: requests.Session
) -> None:
    connector = connector_for("discord")
    first = connector.deliver(
        make_message(), target(discord_server), PUBLIC, first_delivery(), session, 5
    )
    assert first.status == "sent", first.error
    (stored,) = discord_server.messages
    assert first.provider_id == stored["id"]
    assert first.state == {"first_message_id": stored["id"]}
    assert stored["allowed_mentions"] == {"parse": []}
    assert stored["content"].startswith("[INCIDENT] Checkout errors")
    assert discord_server.requests[0].query["wait"] == ["true"]

    later = connector.deliver(
        make_message(body="rolled back"),
        target(discord_server),
        PUBLIC,
        Delivery(8, 1, first.state),
        session,
        5,
    )
    assert later.status == "sent"
    assert later.provider_id != first.provider_id
    assert later.state["first_message_id"] == first.provider_id


def test_thread_option_posts_into_the_thread(
    discord_server: DiscordServer, session: requests.Session
) -> None:
    outcome = connector_for("discord").deliver(
        make_message(),
        target(discord_server, thread_id="555"),
        PUBLIC,
        first_delivery(),
        session,
        5,
    )
    assert outcome.status == "sent"
    assert discord_server.messages[0]["channel_id"] == "555"


def test_long_text_cut_to_2000_with_warning(
    discord_server: DiscordServer, session: requests.Session
) -> None:
    message = make_message(body="é" * 3000)
    rendered = connector_for("discord").render(message, target(discord_server))
    assert len(rendered.payload["content"]) == 2000  # type: ignore[index]
    assert rendered.warnings == ("message cut at 2,000 characters (Discord limit)",)
    outcome = connector_for("discord").deliver(
        message, target(discord_server), PUBLIC, first_delivery(), session, 5
    )
    assert outcome.status == "sent", outcome.error


def test_rate_limit_uses_the_precise_body_value(
    discord_server: DiscordServer, session: requests.Session
) -> None:
    discord_server.throttle_next(1, retry_after=0.25)
    outcome = connector_for("discord").deliver(
        make_message(), target(discord_server), PUBLIC, first_delivery(), session, 5
    )
    assert (outcome.status, outcome.retry_after) == ("retry", 0.25)
    assert discord_server.requests[0].injected == "throttle"


def test_bucket_exhausted_answers_429(
    discord_server: DiscordServer, session: requests.Session
) -> None:
    discord_server.rate.limit = 1
    connector = connector_for("discord")
    assert (
        connector.deliver(
            make_message(), target(discord_server), PUBLIC, first_delivery(), session, 5
        ).status
        == "sent"
    )
    second = connector.deliver(
        make_message(), target(discord_server), PUBLIC, first_delivery(), session, 5
    )
    assert (
        second.status == "retry" and second.retry_after is not None and 0 < second.retry_after <= 2
    )


def test_server_error_retries(discord_server: DiscordServer, session: requests.Session) -> None:
    discord_server.fail_next(1, status=502)
    bad = connector_for("discord").deliver(
        make_message(), target(discord_server), PUBLIC, first_delivery(), session, 5
    )
    assert (bad.status, bad.error) == (
        "retry",
        "Discord had a server error (HTTP 502): 500: Internal Server Error (code 0)",
    )


def test_fake_rejects_what_discord_rejects(
    discord_server: DiscordServer, session: requests.Session
) -> None:
    url = discord_server.webhook_url
    too_long = session.post(url, json={"content": "x" * 2001}, params={"wait": "true"}, timeout=5)
    assert too_long.status_code == 400 and too_long.json()["code"] == 50035
    empty = session.post(url, json={"content": ""}, timeout=5)
    assert empty.status_code == 400 and empty.json()["code"] == 50006
    no_wait = session.post(url, json={"content": "hi"}, timeout=5)
    assert no_wait.status_code == 204


def test_links_and_mentions_neutralised() -> None:
    rendered = connector_for("discord").render(
        make_message(body=XSS + " @everyone"), Target("w", "discord")
    )
    content = rendered.payload["content"]  # type: ignore[index]
    assert "](javascript:" not in content
    assert rendered.payload["allowed_mentions"] == {"parse": []}  # type: ignore[index]
