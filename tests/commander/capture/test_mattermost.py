"""The Mattermost capture source against its API contract server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from commander.capture import mattermost
from commander.capture.mattermost import MattermostSource, incident_channel_name
from commander.capture.source import CaptureError, CaptureSnapshot, ChannelRef
from commander.connectors.base import Target
from tests.support.contracts.mattermost_api import MattermostApiServer

SOURCE = MattermostSource()
TITLE = "Payments 5xx"


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as opened:
        yield opened


def target(server: MattermostApiServer, **options: str) -> Target:
    return Target("mm", "mattermost", base_url=server.url, options={"team": "ops", **options})


def incident_start(server: MattermostApiServer) -> datetime:
    return datetime.fromtimestamp(server.now(), tz=UTC) - timedelta(hours=1)


def snapshot(
    server: MattermostApiServer,
    session: requests.Session,
    channel_id: str,
    cursor: str | None = None,
    **options: str,
) -> CaptureSnapshot:
    return SOURCE.snapshot(
        target(server, **options),
        server.token,
        ChannelRef(channel_id, "inc-12"),
        incident_start(server),
        cursor,
        session,
        5,
    )


def texts(result: CaptureSnapshot) -> list[str]:
    return [message.text for message in result.messages]


def test_the_channel_named_for_the_incident_is_found_by_team_and_name(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    assert incident_channel_name("INC-12", TITLE) == "inc-12-payments-5xx"
    assert len(incident_channel_name("INC-12", "x" * 200)) == 64
    channel_id = server.add_channel("inc-12-payments-5xx", "INC-12 Payments 5xx")
    found = SOURCE.locate_channel(target(server), server.token, "INC-12", TITLE, {}, session, 5)
    assert found == ChannelRef(channel_id, "INC-12 Payments 5xx")
    (asked,) = server.requests
    assert (asked.method, asked.path) == (
        "GET",
        "/api/v4/teams/name/ops/channels/name/inc-12-payments-5xx",
    )
    assert asked.header("authorization") == f"Bearer {server.token}"
    nothing = SOURCE.locate_channel(target(server), server.token, "INC-13", "Other", {}, session, 5)
    assert nothing is None


def test_a_remembered_channel_wins_and_a_vanished_one_falls_back_to_the_name(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    remembered = server.add_channel("war-room", "War room")
    named = server.add_channel("inc-12-payments-5xx")
    state = {"channel": remembered}
    found = SOURCE.locate_channel(target(server), server.token, "INC-12", TITLE, state, session, 5)
    assert found == ChannelRef(remembered, "War room")
    assert server.requests[-1].path == f"/api/v4/channels/{remembered}"
    gone = {"channel": "chan0000000000000000000099"}
    found = SOURCE.locate_channel(target(server), server.token, "INC-12", TITLE, gone, session, 5)
    assert found is not None and found.channel_id == named


def test_a_channel_the_bot_cannot_read_and_a_target_without_team_say_why(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    server.add_channel("inc-12-payments-5xx", readable=False)
    with pytest.raises(CaptureError) as refused:
        SOURCE.locate_channel(target(server), server.token, "INC-12", TITLE, {}, session, 5)
    assert str(refused.value) == (
        "refused by Mattermost (HTTP 403): You do not have the appropriate permissions; "
        "the bot lacks permission: add it to the channel (read_channel) or give it "
        "read_public_channels on the team"
    )
    no_team = Target("mm", "mattermost", base_url=server.url)
    with pytest.raises(CaptureError, match="has no team: set the option team=NAME"):
        SOURCE.locate_channel(no_team, server.token, "INC-12", TITLE, {}, session, 5)
    nowhere = Target("mm", "mattermost", options={"team": "ops"})
    with pytest.raises(CaptureError, match="server_url=https://chat.example.com"):
        SOURCE.locate_channel(nowhere, server.token, "INC-12", TITLE, {}, session, 5)


def test_a_wrong_token_is_refused_in_words_without_the_token(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    channel_id = server.add_channel("inc-12")
    wrong = "wrong-capture-token-123456"
    with pytest.raises(CaptureError) as refused:
        SOURCE.snapshot(
            target(server),
            wrong,
            ChannelRef(channel_id, "inc-12"),
            incident_start(server),
            None,
            session,
            5,
        )
    message = str(refused.value)
    assert message.startswith("refused by Mattermost (HTTP 401): Invalid or expired session")
    assert "commander target secret mm --capture" in message and wrong not in message


def test_pinned_and_marked_posts_with_replies_edits_deletions_and_files(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    channel_id = server.add_channel("inc-12")
    start_ms = int(incident_start(server).timestamp() * 1000)
    before = server.post(channel_id, "pinned before the incident", at=start_ms - 1_000)
    server.pin(before)
    for number in range(450):  # three pages of 200: the marked posts sit on each
        server.post(channel_id, f"chatter {number}")
    pinned = server.post(channel_id, "rolled back to v1.4.2", files=("graph.png",))
    server.pin(pinned)
    marked = server.post(channel_id, "error rate back to 0.1%", user="bob")
    server.react(marked, "pushpin", user="alice")
    other = server.post(channel_id, "thanks all")
    server.react(other, "thumbsup")
    reply = server.post(channel_id, "root cause: expired cert", root_id=pinned)
    server.react(reply, "pushpin")
    edited = server.post(channel_id, "DB failover startd")
    server.pin(edited)
    server.edit(edited, "DB failover started")
    deleted = server.post(channel_id, "wrong channel, sorry")
    server.pin(deleted)
    server.delete(deleted)
    hook = server.post(
        channel_id, "alert fired", props={"from_webhook": "true", "override_username": "Prom"}
    )
    server.react(hook, "pushpin")
    server.reset()

    result = snapshot(server, session, channel_id)
    assert texts(result) == [
        "rolled back to v1.4.2",
        "error rate back to 0.1%",
        "root cause: expired cert",
        "DB failover started",
        "alert fired",
    ]
    first, by_bob, threaded, _, from_hook = result.messages
    assert (first.author_name, by_bob.author_name, from_hook.author_name) == (
        "Alice Ng",
        "bob",
        "Prom",
    )
    assert first.permalink == f"{server.url}/ops/pl/{pinned}"
    assert [(f.name, f.url.rsplit("/", 3)[-3:-1]) for f in first.files] == [
        ("graph.png", ["v4", "files"])
    ]
    assert (threaded.thread_id, first.thread_id) == (pinned, None)
    assert first.posted_at.tzinfo is not None
    pages = [r for r in server.requests if r.path.endswith("/posts")]
    assert [(r.query["page"], r.query["per_page"]) for r in pages] == [
        (["0"], ["200"]),
        (["1"], ["200"]),
        (["2"], ["200"]),
    ]
    assert all(r.header("authorization") == f"Bearer {server.token}" for r in server.requests)
    assert result.requests_made == len(server.requests) == 5  # 3 pages, pinned, users


def test_a_follow_up_pass_sees_changes_to_old_posts_in_a_few_requests(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    channel_id = server.add_channel("inc-12")
    posts = [server.post(channel_id, f"message {n}") for n in range(300)]
    server.pin(posts[10])
    server.react(posts[20], "pushpin")
    server.pin(posts[30])
    server.react(posts[40], "pushpin")
    first = snapshot(server, session, channel_id)
    assert texts(first) == ["message 10", "message 20", "message 30", "message 40"]
    assert first.cursor is not None

    server.clock_offset += 600  # ten minutes later
    server.edit(posts[10], "message 10, corrected")
    server.pin(posts[30], pinned=False)  # un-pinned: no longer captured
    server.delete(posts[40])
    server.react(posts[5], "pushpin")  # a reaction on an old post
    reply = server.post(channel_id, "a reply", root_id=posts[20])
    server.pin(reply)
    server.clock_offset += 120  # the next pass comes two minutes after the changes
    server.reset()

    follow_up = snapshot(server, session, channel_id, first.cursor)
    again_whole = snapshot(server, session, channel_id)
    assert (
        texts(follow_up)
        == texts(again_whole)
        == [
            "message 5",
            "message 10, corrected",
            "message 20",
            "a reply",
        ]
    )
    assert follow_up.messages == again_whole.messages
    asked = server.requests[: follow_up.requests_made]
    assert follow_up.requests_made <= 4  # changes, pinned, earlier posts by id, authors
    assert asked[0].path.endswith("/posts") and asked[0].query["since"]
    assert not any("page" in r.query for r in asked)

    server.clock_offset += 600
    server.reset()
    quiet = snapshot(server, session, channel_id, follow_up.cursor)
    assert quiet.messages == follow_up.messages
    assert quiet.requests_made == 4


def test_a_long_since_answer_falls_back_to_reading_the_whole_channel(
    mattermost_api_server: MattermostApiServer,
    session: requests.Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = mattermost_api_server
    channel_id = server.add_channel("inc-12")
    first = snapshot(server, session, channel_id)
    server.clock_offset += 600
    monkeypatch.setattr(mattermost, "SINCE_LIMIT", 3)  # as if the server cut its answer
    for number in range(3):
        server.pin(server.post(channel_id, f"late {number}"))
    server.reset()
    result = snapshot(server, session, channel_id, first.cursor)
    assert texts(result) == ["late 0", "late 1", "late 2"]
    assert any("page" in r.query for r in server.requests)


def test_an_unreadable_cursor_means_a_full_pass(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    channel_id = server.add_channel("inc-12")
    server.pin(server.post(channel_id, "kept"))
    for cursor in ("not json", '{"v": 99}', '{"v": 1, "since": "x", "ids": []}'):
        assert texts(snapshot(server, session, channel_id, cursor)) == ["kept"]


def test_a_configured_capture_reaction_replaces_the_pushpin(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    channel_id = server.add_channel("inc-12")
    server.react(server.post(channel_id, "pinned by fire"), "fire")
    server.react(server.post(channel_id, "a pushpin only"), "pushpin")
    result = snapshot(server, session, channel_id, capture_reaction=":fire:")
    assert texts(result) == ["pinned by fire"]


def test_rate_limits_and_server_errors_ask_to_come_back(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    channel_id = server.add_channel("inc-12")
    server.throttle_next(1, retry_after=7)
    with pytest.raises(CaptureError) as limited:
        snapshot(server, session, channel_id)
    assert limited.value.retry_after == 7.0
    assert "rate limited by Mattermost" in str(limited.value)
    server.rate.limit = 1  # the server's own limiter: a second request within a second
    with pytest.raises(CaptureError) as windowed:
        snapshot(server, session, channel_id)
    assert windowed.value.retry_after is not None and windowed.value.retry_after >= 1
    server.rate.limit = None
    server.fail_next(1, status=503)
    with pytest.raises(CaptureError, match="HTTP 503"):
        snapshot(server, session, channel_id)


def test_plain_http_to_another_host_is_refused_before_sending(
    session: requests.Session,
) -> None:
    remote = Target(
        "mm", "mattermost", options={"team": "ops", "server_url": "http://chat.example.com"}
    )
    with pytest.raises(CaptureError, match="HTTPS is required"):
        SOURCE.snapshot(
            remote,
            "token-1234567",
            ChannelRef("c", "c"),
            datetime(2026, 1, 1, tzinfo=UTC),
            None,
            session,
            5,
        )


def test_reactions_left_out_of_an_answer_are_asked_for(
    mattermost_api_server: MattermostApiServer, session: requests.Session
) -> None:
    server = mattermost_api_server
    channel_id = server.add_channel("inc-12")
    marked = server.post(channel_id, "marked")
    server.react(marked, "pushpin")
    liked = server.post(channel_id, "liked")
    server.react(liked, "thumbsup")
    server.post(channel_id, "no reactions: nothing to ask")
    server.metadata_reactions = False
    assert texts(snapshot(server, session, channel_id)) == ["marked"]
    asked = sorted(r.path for r in server.requests if r.path.endswith("/reactions"))
    assert asked == sorted(f"/api/v4/posts/{post}/reactions" for post in (marked, liked))
