"""SlackSource against the Slack capture contract server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import requests

from commander.capture.slack import SlackSource, slack_ts, ts_time
from commander.capture.source import CaptureError, CaptureSnapshot, ChannelRef, ChatFile
from commander.connectors.base import Target
from tests.support.contracts.slack_capture import ALL_SCOPES, START, SlackCaptureServer

ALICE, BOB = "U0ALICE", "U0BOB"
SINCE = START + timedelta(seconds=2)  # the incident starts after the first two messages


@dataclass
class Channel:
    server: SlackCaptureServer
    ref: ChannelRef
    ts: dict[str, str]  # name in the test -> Slack ts

    def snapshot(self, session: requests.Session, **options: str) -> CaptureSnapshot:
        return SlackSource().snapshot(
            target(self.server, **options),
            self.server.token,
            self.ref,
            SINCE,
            None,
            session,
            5,
        )


def target(server: SlackCaptureServer, **options: str) -> Target:
    return Target(name="slack", kind="slack", base_url=server.api_url, options=options)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as opened:
        yield opened


@pytest.fixture
def channel(slack_capture_server: SlackCaptureServer) -> Channel:
    """An incident channel with every kind of message capture has to tell apart."""
    server = slack_capture_server
    server.add_user(ALICE, "alice", display_name="Alice A", real_name="Alice Archer")
    server.add_user(BOB, "bob", real_name="Bob Builder")  # no display name set
    cid = server.add_channel("inc-7-checkout-down")
    post = server.post
    ts = {
        "before": post(cid, ALICE, "pinned before the incident began"),
        "also_before": post(cid, BOB, "reacted before the incident began"),
        "plain": post(cid, BOB, "just talk"),
        "pinned": post(cid, ALICE, "DB failover started <@U0BOB> &amp; <!here>"),
        "reacted": post(cid, BOB, "see <https://grafana.example/d/1|the dashboard> &lt;3"),
        "edited": post(cid, ALICE, "first draft"),
        "deleted": post(cid, BOB, "oops, wrong channel"),
        "root": post(cid, ALICE, "thread about the rollback"),
    }
    ts["reply_plain"] = post(cid, BOB, "ok", thread_ts=ts["root"])
    ts["reply_reacted"] = post(
        cid, BOB, "rollback done in <#C9OTHER|payments>", thread_ts=ts["root"]
    )
    ts["reply_pinned"] = post(cid, ALICE, "root cause: <https://x.example>", thread_ts=ts["root"])
    ts["broadcast"] = post(cid, ALICE, "all clear", thread_ts=ts["root"], broadcast=True)
    ts["file"] = post(
        cid,
        BOB,
        "graph attached",
        files=[
            {"id": "F1", "name": "latency.png", "permalink": "https://ws/files/F1"},
            {"id": "F2", "mode": "tombstone"},
        ],
    )
    server.pin(cid, ts["before"], ALICE)
    server.react(cid, ts["also_before"], "pushpin", ALICE)
    server.pin(cid, ts["pinned"], BOB)
    for name in ("reacted", "edited", "deleted", "reply_reacted", "broadcast", "file"):
        server.react(cid, ts[name], "pushpin", ALICE)
    server.react(cid, ts["plain"], "thumbsup", ALICE)
    server.pin(cid, ts["reply_pinned"], BOB)
    server.edit(cid, ts["edited"], "final words")
    server.delete(cid, ts["deleted"])
    return Channel(server, ChannelRef(cid, "inc-7-checkout-down"), ts)


def test_a_pass_captures_pinned_and_marked_messages_and_thread_replies(
    channel: Channel, session: requests.Session
) -> None:
    snap = channel.snapshot(session)
    by_name = {v: k for k, v in channel.ts.items()}
    assert [by_name[m.message_id] for m in snap.messages] == [
        "pinned",
        "reacted",
        "edited",
        "reply_reacted",
        "reply_pinned",
        "broadcast",
        "file",
    ]
    got = {by_name[m.message_id]: m for m in snap.messages}
    assert got["pinned"].text == "DB failover started @Bob Builder & @here"
    assert got["pinned"].author_name == "Alice A"
    assert got["reacted"].text == "see the dashboard (https://grafana.example/d/1) <3"
    assert got["reacted"].author_name == "Bob Builder"
    assert got["edited"].text == "final words"
    assert got["reply_reacted"].text == "rollback done in #payments"
    assert got["reply_pinned"].text == "root cause: https://x.example"
    root = channel.ts["root"]
    assert {got[n].thread_id for n in ("reply_reacted", "reply_pinned", "broadcast")} == {root}
    assert got["pinned"].thread_id is None
    assert got["file"].files == (ChatFile("latency.png", "https://ws/files/F1"),)
    cid = channel.ref.channel_id
    pinned_ts = channel.ts["pinned"]
    assert got["pinned"].permalink == (
        f"https://incident-ws.slack.com/archives/{cid}/p{pinned_ts.replace('.', '')}"
    )
    reply_ts = channel.ts["reply_pinned"]
    assert got["reply_pinned"].permalink == (
        f"https://incident-ws.slack.com/archives/{cid}/p{reply_ts.replace('.', '')}"
        f"?thread_ts={root}&cid={cid}"
    )
    assert got["pinned"].posted_at == ts_time(pinned_ts)
    assert got["pinned"].posted_at.tzinfo is UTC
    assert snap.cursor is None


def test_the_requests_are_few_counted_and_slack_shaped(
    channel: Channel, session: requests.Session
) -> None:
    snap = channel.snapshot(session)
    server = channel.server
    # auth + pins + one history page + one thread + the two authors (asked once each).
    assert server.calls() == {
        "auth.test": 1,
        "pins.list": 1,
        "conversations.history": 1,
        "conversations.replies": 1,
        "users.info": 2,
    }
    assert snap.requests_made == len(server.requests) == 6
    for sent in server.requests:
        assert sent.method == "GET"
        assert sent.header("authorization") == f"Bearer {server.token}"
        assert server.token not in sent.path + str(sent.query)
    (history,) = [r for r in server.requests if r.path.endswith("conversations.history")]
    assert history.query["oldest"] == [slack_ts(SINCE)]
    assert history.query["inclusive"] == ["true"]
    assert history.query["limit"] == ["999"]


def test_cursor_pagination_reads_every_page(channel: Channel, session: requests.Session) -> None:
    whole = channel.snapshot(session)
    channel.server.reset()
    channel.server.page_cap = 2
    paged = channel.snapshot(session)
    assert paged.messages == whole.messages
    calls = channel.server.calls()
    # 7 top-level messages since the start (one was deleted, the broadcast counts), 2 a page.
    assert calls["conversations.history"] == 4
    assert calls["conversations.replies"] == 3  # root + 4 replies
    cursors = [r.query.get("cursor") for r in channel.server.requests]
    assert sum(1 for c in cursors if c) == 3 + 2


def test_a_later_pass_sees_reactions_pins_edits_and_deletions_on_old_messages(
    channel: Channel, session: requests.Session
) -> None:
    server, cid, ts = channel.server, channel.ref.channel_id, channel.ts
    server.react(cid, ts["plain"], "pushpin", BOB)
    server.react(cid, ts["reply_plain"], "pushpin", BOB)
    server.unreact(cid, ts["reacted"], "pushpin", ALICE)
    server.unpin(cid, ts["reply_pinned"])
    server.edit(cid, ts["pinned"], "DB failover finished")
    server.delete(cid, ts["file"])
    later = {m.message_id: m for m in channel.snapshot(session).messages}
    assert ts["plain"] in later and ts["reply_plain"] in later
    assert ts["reacted"] not in later and ts["reply_pinned"] not in later
    assert ts["file"] not in later
    assert later[ts["pinned"]].text == "DB failover finished"


def test_a_deleted_thread_root_is_gone_but_its_marked_replies_stay(
    channel: Channel, session: requests.Session
) -> None:
    server, cid, ts = channel.server, channel.ref.channel_id, channel.ts
    server.react(cid, ts["root"], "pushpin", BOB)
    assert ts["root"] in {m.message_id for m in channel.snapshot(session).messages}
    server.delete(cid, ts["root"])
    ids = {m.message_id for m in channel.snapshot(session).messages}
    assert ts["root"] not in ids
    assert {ts["reply_reacted"], ts["reply_pinned"]} <= ids


def test_the_capture_reaction_is_an_option_of_the_target(
    channel: Channel, session: requests.Session
) -> None:
    server, cid, ts = channel.server, channel.ref.channel_id, channel.ts
    server.react(cid, ts["plain"], "white_check_mark::skin-tone-3", BOB)
    marked = channel.snapshot(session, capture_reaction=":white_check_mark:").messages
    # Pins still count; pushpins no longer do.
    assert {m.message_id for m in marked} == {ts["plain"], ts["pinned"], ts["reply_pinned"]}


def test_a_bot_message_and_an_unknown_user(
    slack_capture_server: SlackCaptureServer, session: requests.Session
) -> None:
    server = slack_capture_server
    cid = server.add_channel("inc-8")
    stranger = server.post(cid, "U0GONE", "from another workspace <@U0GONE|old-name>")
    server.pin(cid, stranger, "U0GONE")
    bot_ts = server.post(cid, "", "")
    message = server.channels[cid]["messages"][bot_ts]
    del message["user"]
    message.update(
        subtype="bot_message",
        bot_profile={"name": "Deploy Bot"},
        attachments=[{"id": 1, "fallback": "deploy 42 finished"}],
    )
    server.pin(cid, bot_ts, "U0GONE")
    snap = SlackSource().snapshot(
        target(server), server.token, ChannelRef(cid, "inc-8"), START, None, session, 5
    )
    first, second = snap.messages
    assert (first.author_name, first.text) == ("U0GONE", "from another workspace @old-name")
    assert (second.author_name, second.text) == ("Deploy Bot", "deploy 42 finished")


@pytest.mark.parametrize(
    ("missing", "private"),
    [
        ("channels:history", False),
        ("groups:history", True),
        ("pins:read", False),
        ("users:read", False),
    ],
)
def test_a_missing_scope_is_named_and_the_token_never_shown(
    slack_capture_server: SlackCaptureServer,
    session: requests.Session,
    missing: str,
    private: bool,
) -> None:
    server = slack_capture_server
    server.add_user(ALICE, "alice")
    cid = server.add_channel("inc-9", private=private)
    server.pin(cid, server.post(cid, ALICE, "hello"), ALICE)
    server.tokens[server.token] = ALL_SCOPES - {missing}
    with pytest.raises(CaptureError) as caught:
        SlackSource().snapshot(
            target(server), server.token, ChannelRef(cid, "inc-9"), START, None, session, 5
        )
    assert f"lacks the scope {missing} " in str(caught.value)
    assert server.token not in str(caught.value)


def test_slack_refusals_in_words(
    slack_capture_server: SlackCaptureServer, session: requests.Session
) -> None:
    server = slack_capture_server
    outside = server.add_channel("inc-10", bot_is_member=False)
    hidden = server.add_channel("inc-11", private=True, bot_is_member=False)

    def error(channel_id: str, token: str = server.token) -> str:
        with pytest.raises(CaptureError) as caught:
            SlackSource().snapshot(
                target(server), token, ChannelRef(channel_id, "inc"), START, None, session, 5
            )
        assert token not in str(caught.value)
        return str(caught.value)

    assert error(outside) == "the Slack bot is not a member of #inc: invite it to the channel"
    assert error(hidden).startswith(f"Slack has no channel #inc ({hidden}) this bot can see")
    assert error(outside, "xoxb-wrong-token") == (
        "Slack did not accept the bot token (invalid_auth): check the target's secret"
    )


def test_a_rate_limit_ends_the_pass_with_retry_after_or_is_waited_out(
    channel: Channel, session: requests.Session
) -> None:
    server = channel.server
    server.rates["conversations.history"].limit = 1
    server.rates["conversations.history"].allow(server.token)  # this minute's one call is used
    with pytest.raises(CaptureError) as caught:
        SlackSource(max_rate_wait=0).snapshot(
            target(server), server.token, channel.ref, SINCE, None, session, 5
        )
    assert caught.value.retry_after == 60.0
    assert str(caught.value).startswith("rate limited by Slack until ")
    assert str(caught.value).endswith("Z (conversations.history)")

    server.rates["conversations.history"].limit = None
    server.reset()
    server.throttle_next(2, retry_after=3)
    waits: list[float] = []
    snap = SlackSource(sleep=waits.append).snapshot(
        target(server), server.token, channel.ref, SINCE, None, session, 5
    )
    assert waits == [3.0, 3.0]
    assert len(snap.messages) == 7
    assert snap.requests_made == len(server.requests) == 8

    server.throttle_next(3, retry_after=20)
    with pytest.raises(CaptureError) as over_budget:
        SlackSource(sleep=waits.append, rate_wait_budget=45).snapshot(
            target(server), server.token, channel.ref, SINCE, None, session, 5
        )
    assert over_budget.value.retry_after == 20.0


def test_network_failures_in_words_without_the_token(session: requests.Session) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = Target(name="s", kind="slack", base_url=f"http://127.0.0.1:{port}/api")
    with pytest.raises(CaptureError) as caught:
        SlackSource().snapshot(
            dead, "xoxb-secret-1", ChannelRef("C1", "inc"), START, None, session, 2
        )
    assert str(caught.value) == f"cannot connect to 127.0.0.1:{port}: connection refused"
    remote = Target(name="s", kind="slack", base_url="http://slack.example.com/api")
    with pytest.raises(CaptureError, match="HTTPS is required"):
        SlackSource().snapshot(
            remote, "xoxb-secret-1", ChannelRef("C1", "inc"), START, None, session, 2
        )


def test_without_a_workspace_url_no_links_are_made_up(
    channel: Channel, session: requests.Session
) -> None:
    channel.server.workspace_url = ""
    with pytest.raises(CaptureError, match="gave no workspace URL"):
        channel.snapshot(session)


def test_a_server_error_is_said_and_retried_later(
    channel: Channel, session: requests.Session
) -> None:
    channel.server.fail_next(1, status=503)
    with pytest.raises(CaptureError) as caught:
        channel.snapshot(session)
    assert str(caught.value) == "Slack had a server error (HTTP 503): internal_error"


def test_locate_uses_the_channel_commander_created_without_asking_slack(
    slack_capture_server: SlackCaptureServer, session: requests.Session
) -> None:
    found = SlackSource().locate_channel(
        target(slack_capture_server),
        slack_capture_server.token,
        "INC-7",
        "Checkout down",
        {"channel": "C0CREATED", "channel_name": "inc-7-checkout-down", "thread_ts": "1.2"},
        session,
        5,
    )
    assert found == ChannelRef("C0CREATED", "inc-7-checkout-down")
    assert slack_capture_server.requests == []


def test_locate_finds_a_channel_named_for_the_incident_across_pages(
    slack_capture_server: SlackCaptureServer, session: requests.Session
) -> None:
    server = slack_capture_server
    for n in range(5):
        server.add_channel(f"general-{n}")
    wanted = server.add_channel("inc-7-checkout-down-eu", private=True)
    server.add_channel("inc-7-checkout-down-eu-old", private=True, bot_is_member=False)
    server.page_cap = 2

    def locate(remembered: dict[str, str], title: str = "Checkout down (EU)!") -> ChannelRef | None:
        return SlackSource().locate_channel(
            target(server), server.token, "INC-7", title, remembered, session, 5
        )

    # The channel a delivery remembered is the target's shared one: not the incident's.
    assert locate({"channel": "C0SHARED", "thread_ts": "1.2"}) == ChannelRef(
        wanted, "inc-7-checkout-down-eu"
    )
    assert server.calls()["conversations.list"] == 3
    (first, *_) = server.requests
    assert first.query["types"] == ["public_channel,private_channel"]
    assert locate({}, title="Something else") is None

    server.tokens[server.token] = ALL_SCOPES - {"groups:read"}
    with pytest.raises(CaptureError, match="lacks the scope groups:read that conversations.list"):
        locate({})


def test_slack_ts_and_back_are_exact() -> None:
    moment = datetime(2026, 3, 4, 9, 0, 1, 123456, tzinfo=UTC)
    assert slack_ts(moment) == "1772614801.123456"
    assert ts_time("1772614801.123456") == moment
    assert ts_time("1772614801") == moment.replace(microsecond=0)
    assert ts_time("not-a-ts") is None


def test_the_contract_server_takes_what_slack_takes_and_refuses_the_rest(
    slack_capture_server: SlackCaptureServer, session: requests.Session
) -> None:
    server = slack_capture_server
    server.add_user(ALICE, "alice", display_name="Alice A")
    url = f"{server.api_url}/users.info"
    bearer = {"Authorization": f"Bearer {server.token}"}

    def answer(response: requests.Response) -> object:
        body = response.json()
        return body.get("error") or body["user"]["profile"]["display_name"]

    assert answer(session.post(url, data={"user": ALICE, "token": server.token})) == "Alice A"
    assert answer(session.post(url, json={"user": ALICE}, headers=bearer)) == "Alice A"
    assert answer(session.get(url, params={"user": ALICE, "token": server.token})) == "not_authed"
    assert answer(session.get(url, params={"user": "U0NOBODY"}, headers=bearer)) == (
        "user_not_found"
    )
    assert session.put(url, headers=bearer).status_code == 405
    history = f"{server.api_url}/conversations.history"
    cid = server.add_channel("inc-1")
    assert answer(
        session.get(history, params={"channel": cid, "cursor": "bm9wZQ=="}, headers=bearer)
    ) == ("invalid_cursor")
