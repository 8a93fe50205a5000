"""Mattermost incoming webhook against its contract server."""

from __future__ import annotations

import re

import requests

from commander.connectors.base import Target, connector_for
from tests.commander.connectors.conftest import XSS, first_delivery, make_message
from tests.support.contracts.mattermost import MattermostServer

PUBLIC = "https://chat.example.com/hooks/ab3dk8cq9fy5mgxsu1econtract"


def target(server: MattermostServer, **options: str) -> Target:
    return Target("mm", "mattermost", base_url=server.url, options=options)


def test_posts_markdown_with_options(
    mattermost_server: MattermostServer, session: requests.Session
) -> None:
    outcome = connector_for("mattermost").deliver(
        make_message(),
        target(mattermost_server, channel="town-square", username="Incident Bot"),
        PUBLIC,
        first_delivery(),
        session,
        5,
    )
    assert outcome.status == "sent", outcome.error
    (post,) = mattermost_server.posts
    assert post["text"].startswith("**[INCIDENT] Checkout errors**")
    assert (post["channel"], post["username"]) == ("town-square", "Incident Bot")


def test_long_text_cut_so_it_stays_one_post(
    mattermost_server: MattermostServer, session: requests.Session
) -> None:
    message = make_message(body="😀" * 20_000)
    rendered = connector_for("mattermost").render(message, target(mattermost_server))
    assert rendered.warnings == ("message cut at 16,383 characters (Mattermost limit)",)
    assert (
        connector_for("mattermost")
        .deliver(message, target(mattermost_server), PUBLIC, first_delivery(), session, 5)
        .status
        == "sent"
    )
    assert len(mattermost_server.posts) == 1


def test_rate_limit_uses_the_reset_header(
    mattermost_server: MattermostServer, session: requests.Session
) -> None:
    mattermost_server.throttle_next(1, retry_after=6)
    limited = connector_for("mattermost").deliver(
        make_message(), target(mattermost_server), PUBLIC, first_delivery(), session, 5
    )
    assert (limited.status, limited.retry_after) == ("retry", 6.0)
    assert re.fullmatch(r"rate limited by Mattermost until \d\d:\d\dZ", limited.error or "")
    mattermost_server.fail_next(1, status=500)
    failed = connector_for("mattermost").deliver(
        make_message(), target(mattermost_server), PUBLIC, first_delivery(), session, 5
    )
    assert failed.status == "retry"
    mattermost_server.hang_next(1, seconds=1)
    slow = connector_for("mattermost").deliver(
        make_message(), target(mattermost_server), PUBLIC, first_delivery(), session, 0.2
    )
    assert slow.status == "failed" and "may have been posted" in (slow.error or "")
    assert "ab3dk8cq9fy5" not in (slow.error or "")


def test_group_mentions_and_unsafe_links_neutralised() -> None:
    rendered = connector_for("mattermost").render(
        make_message(body=XSS + "\n@channel @here please look; mail@all.example"),
        Target("m", "mattermost"),
    )
    text = rendered.payload["text"]  # type: ignore[index]
    assert "`@channel` `@here`" in text
    assert "mail@all.example" in text
    assert "](javascript:" not in text
