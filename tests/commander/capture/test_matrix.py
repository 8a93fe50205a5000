"""The Matrix capture reader against the real Synapse (tests/support/synapse.py), with a
second user who posts, replies in threads, reacts, edits, redacts, pins and renames
herself, and the bot reacting and editing too. Tests have rooms of their own on the
session's homeserver; the reader's pages are made tiny so that paging and /sync gaps
happen with a few events."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import requests

from commander.capture import matrix as reader
from commander.capture.matrix import MatrixSource, download_url, permalink
from commander.capture.matrix_room import decode
from commander.capture.source import CaptureError, CaptureSnapshot, ChannelRef
from commander.connectors.base import Target
from commander.connectors.slack import channel_name_for
from commander.domain.refs import channel_name
from tests.support.contracts.matrix import MatrixServer
from tests.support.matrix_chat import ChatUser
from tests.support.synapse import Homeserver

PIN = "\N{PUSHPIN}"
_incidents = itertools.count(1)


@pytest.fixture(autouse=True)
def tiny_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "SYNC_TIMELINE_LIMIT", 3)
    monkeypatch.setattr(reader, "HISTORY_PAGE", 4)


@pytest.fixture(scope="module")
def ana_token(synapse: Homeserver) -> str:
    return synapse.register("ana")


@dataclass
class Scene:
    server: Homeserver
    bot: ChatUser
    ana: ChatUser
    ref: str
    title: str
    room_id: str
    http: requests.Session

    @property
    def channel(self) -> ChannelRef:
        return ChannelRef(self.room_id, self.room_id)

    def target(self, **options: str) -> Target:
        return Target("chat", "matrix", base_url=self.server.url, options=options)

    def posted_ms(self, event_id: str) -> int:
        return int(self.ana.event(self.room_id, event_id)["origin_server_ts"])

    def capture(
        self, since: datetime, cursor: str | None = None, **options: str
    ) -> CaptureSnapshot:
        return MatrixSource().snapshot(
            self.target(**options),
            self.server.access_token,
            self.channel,
            since,
            cursor,
            self.http,
            10,
        )


def _scene(synapse: Homeserver, ana_token: str, http: requests.Session) -> Scene:
    ref, title = f"INC-{next(_incidents)}", "Checkout errors"
    bot = ChatUser(synapse.url, synapse.access_token, http)
    ana = ChatUser(synapse.url, ana_token, http)
    alias_name = channel_name_for(channel_name(ref, title))
    room_id = bot.create_room(alias_name, invite=(ana.user_id,), moderators=(ana.user_id,))
    ana.join(room_id)
    ana.rename(room_id, "Ana Responder")
    return Scene(synapse, bot, ana, ref, title, room_id, http)


@pytest.fixture
def scene(synapse: Homeserver, ana_token: str) -> Iterator[Scene]:
    """A room of the test's own, to change."""
    with requests.Session() as http:
        yield _scene(synapse, ana_token, http)


@pytest.fixture(scope="module")
def told(synapse: Homeserver, ana_token: str) -> Iterator[tuple[Scene, Story]]:
    """One room with the story told, for the tests that only read it."""
    with requests.Session() as http:
        scene = _scene(synapse, ana_token, http)
        yield scene, tell_the_story(scene)


def at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def texts(snapshot: CaptureSnapshot) -> list[str]:
    return [m.text for m in snapshot.messages]


@dataclass
class Story:
    """The room of test_first_pass... after its events: the ids that matter."""

    since_ms: int
    ids: dict[str, str]

    @property
    def since(self) -> datetime:
        return at(self.since_ms)


def tell_the_story(scene: Scene) -> Story:
    room, ana, bot = scene.room_id, scene.ana, scene.bot
    ids: dict[str, str] = {}
    ids["before"] = ana.say(room, "before the incident")
    bot.react(room, ids["before"])
    since_ms = scene.posted_ms(ids["before"]) + 1
    ids["down"] = ana.say(room, "db primary is down")
    ids["down_pin"] = bot.react(room, ids["down"])
    bot.edit(room, ids["down"], "not Ana's edit")  # another sender's edit counts for nothing
    ids["chatter"] = ana.say(room, "anyone seen the dashboard?")
    ana.react(room, ids["chatter"], "\N{THUMBS UP SIGN}")
    ids["root"] = ana.say(room, "rollback thread")
    ids["reply"] = ana.say(room, "rolled back to v1.4.2", thread=ids["root"])
    ana.react(room, ids["reply"], PIN + "\N{VARIATION SELECTOR-16}")
    ids["notified"] = ana.say(room, "customers notified")
    ids["rate"] = ana.say(room, "error rate 5%")
    ana.edit(room, ids["rate"], "error rate 7%")
    ids["rate_edit"] = ana.edit(room, ids["rate"], "error rate 9%")
    ana.react(room, ids["rate"])
    ids["oops"] = ana.say(room, "wrong room, sorry")
    ana.react(room, ids["oops"])
    ana.redact(room, ids["oops"])
    ids["dns"] = ana.say(room, "maybe DNS?")
    ana.redact(room, ana.react(room, ids["dns"]))
    ids["graph"], ids["graph_mxc"] = ana.send_file(room, "error graph.txt", b"5xx per minute")
    ana.react(room, ids["graph"])
    ids["failover"] = ana.reply(room, ids["down"], "db primary is down", "failing over now")
    ana.react(room, ids["failover"])
    ana.pin(room, ids["notified"], ids["before"])
    return Story(since_ms, ids)


def test_first_pass_reads_the_captured_set(told: tuple[Scene, Story]) -> None:
    scene, story = told
    ids = story.ids
    snapshot = scene.capture(story.since)
    assert [m.message_id for m in snapshot.messages] == [
        ids["down"],
        ids["reply"],
        ids["notified"],
        ids["rate"],
        ids["graph"],
        ids["failover"],
    ]
    assert texts(snapshot) == [
        "db primary is down",
        "rolled back to v1.4.2",
        "customers notified",
        "error rate 9%",
        "error graph.txt",
        "failing over now",
    ]
    down, reply, _notified, _rate, graph, _failover = snapshot.messages
    assert {m.author_name for m in snapshot.messages} == {"Ana Responder"}
    assert down.posted_at == at(scene.posted_ms(ids["down"])) and down.thread_id is None
    assert reply.thread_id == ids["root"]
    assert down.permalink == permalink(scene.room_id, ids["down"], scene.ana.user_id)
    assert down.permalink.startswith("https://matrix.to/#/!") and "via=localhost" in down.permalink
    [file] = graph.files
    assert file.name == "error graph.txt"
    assert file.url == download_url(scene.server.url, ids["graph_mxc"], "error graph.txt")
    media = scene.http.get(file.url, headers={"Authorization": f"Bearer {scene.ana.token}"})
    assert media.status_code == 200 and media.content == b"5xx per minute"
    # 20-odd events in pages of 4: history was paged back to the incident's start.
    assert snapshot.requests_made >= 5
    assert snapshot.cursor is not None and scene.server.access_token not in snapshot.cursor


def test_a_pass_with_nothing_new_is_one_request_and_the_same_set(
    told: tuple[Scene, Story],
) -> None:
    scene, story = told
    first = scene.capture(story.since)
    again = scene.capture(story.since, first.cursor)
    assert again.messages == first.messages
    assert again.requests_made == 1


def test_later_passes_follow_changes_to_old_messages(scene: Scene) -> None:
    story = tell_the_story(scene)
    room, ana, bot, ids = scene.room_id, scene.ana, scene.bot, story.ids
    snapshot = scene.capture(story.since)

    def follow() -> CaptureSnapshot:
        nonlocal snapshot
        snapshot = scene.capture(story.since, snapshot.cursor)
        assert scene.capture(story.since).messages == snapshot.messages  # as a first pass
        return snapshot

    ana.edit(room, ids["chatter"], "the dashboard shows 500s")  # not captured: not kept
    assert ids["chatter"] not in [m.message_id for m in follow().messages]
    ana.react(room, ids["chatter"])  # a reaction on an old message, edited meanwhile
    captured = {m.message_id: m for m in follow().messages}
    assert captured[ids["chatter"]].text == "the dashboard shows 500s"

    ana.edit(room, ids["down"], "db primary is down (us-east)")
    ana.redact(room, ids["rate_edit"])  # the newest edit redacted: the one before shows
    bot.redact(room, ids["down_pin"])  # down has no pin any more: gone
    ana.pin(room, ids["before"])  # notified un-pinned
    ana.redact(room, ids["reply"])
    ana.rename(room, "Ana (IC)")
    late = ana.say(room, "second rollback done", thread=ids["root"])
    ana.react(room, late)
    for number in range(4):  # more than a /sync timeline holds: the gap is paged
        ana.say(room, f"noise {number}")
    follow()
    assert [m.message_id for m in snapshot.messages] == [
        ids["chatter"],
        ids["rate"],
        ids["graph"],
        ids["failover"],
        late,
    ]
    assert texts(snapshot)[1] == "error rate 7%"
    assert snapshot.messages[-1].thread_id == ids["root"]
    assert {m.author_name for m in snapshot.messages} == {"Ana (IC)"}

    ana.edit(room, ids["down"], "edited while not captured")
    ana.react(room, ids["down"])  # captured again: the newest text
    assert texts(follow())[0] == "edited while not captured"


def test_a_cursor_for_another_start_or_reaction_reads_from_the_start(
    told: tuple[Scene, Story],
) -> None:
    scene, story = told
    first = scene.capture(story.since)
    assert first.cursor is not None
    earlier = scene.capture(at(scene.posted_ms(story.ids["before"])), first.cursor)
    assert earlier.requests_made > 1
    assert earlier.messages[0].message_id == story.ids["before"]  # now inside the window
    thumbs = scene.capture(story.since, first.cursor, capture_reaction="\N{THUMBS UP SIGN}")
    assert [m.message_id for m in thumbs.messages] == [story.ids["chatter"], story.ids["notified"]]
    named = scene.capture(story.since, first.cursor, capture_reaction=":pushpin:")
    assert named.requests_made == 1 and named.messages == first.messages


def test_a_token_the_server_refuses_reads_from_the_start(told: tuple[Scene, Story]) -> None:
    scene, story = told
    first = scene.capture(story.since)
    assert first.cursor is not None
    kept = decode(first.cursor, scene.room_id, story.since_ms, PIN)
    assert kept is not None
    room, _token = kept
    again = scene.capture(story.since, room.encode("not-a-sync-token"))
    assert again.messages == first.messages and again.requests_made > 1


def test_locates_the_room_named_for_the_incident(
    told: tuple[Scene, Story], synapse: Homeserver
) -> None:
    scene, _story = told
    source = MatrixSource()
    token = synapse.access_token

    def locate(remembered: dict[str, str], **options: str) -> ChannelRef | None:
        target = scene.target(**options)
        return source.locate_channel(
            target, token, scene.ref, scene.title, remembered, scene.http, 10
        )

    named = ChannelRef(
        scene.room_id, f"#{channel_name_for(scene.ref + ' ' + scene.title)}:localhost"
    )
    assert locate({}) == named
    # The connector remembers the target's own room once it resolved its alias: shared
    # by every incident, so not this incident's channel.
    assert locate({"room_id": synapse.room_id}, room_id=synapse.room_alias) == named
    assert locate({"room_id": synapse.room_id}, room_id=synapse.room_id) == named
    other = scene.bot.create_room()
    assert locate({"room_id": other}, room_id=synapse.room_alias) == ChannelRef(other, other)
    nowhere = source.locate_channel(
        scene.target(), token, "INC-999", "Never had a room", {}, scene.http, 10
    )
    assert nowhere is None


def test_a_room_the_bot_is_not_in_is_said_in_words(told: tuple[Scene, Story]) -> None:
    scene, _story = told
    outside = scene.ana.create_room()
    channel = ChannelRef(outside, "#elsewhere:localhost")
    with pytest.raises(CaptureError, match="bot is not in the Matrix room #elsewhere:localhost"):
        capture_channel(scene, channel)
    invited = scene.ana.create_room(invite=(scene.bot.user_id,))
    with pytest.raises(CaptureError, match="invited to the Matrix room .* but has not joined"):
        capture_channel(scene, ChannelRef(invited, "#elsewhere:localhost"))


def test_a_room_the_bot_left_is_said_in_words(told: tuple[Scene, Story]) -> None:
    scene, _story = told
    left = scene.bot.create_room()
    first = capture_channel(scene, ChannelRef(left, left))
    scene.bot.call("POST", f"/rooms/{left}/leave", {})
    with pytest.raises(CaptureError, match=f"bot is no longer in the Matrix room {left}"):
        capture_channel(scene, ChannelRef(left, left), cursor=first.cursor)


def capture_channel(
    scene: Scene, channel: ChannelRef, token: str | None = None, cursor: str | None = None
) -> CaptureSnapshot:
    return MatrixSource().snapshot(
        scene.target(),
        token or scene.server.access_token,
        channel,
        at(0),
        cursor,
        scene.http,
        10,
    )


def test_a_wrong_token_is_said_without_the_token(told: tuple[Scene, Story]) -> None:
    scene, _story = told
    wrong = "syt_bm90IGEgdG9rZW4_notARealToken_000"
    with pytest.raises(CaptureError) as raised:
        capture_channel(scene, scene.channel, wrong)
    assert "M_UNKNOWN_TOKEN" in str(raised.value)
    assert wrong not in str(raised.value)


def test_rate_limits_come_back_with_the_wait(matrix_server: MatrixServer) -> None:
    matrix_server.throttle_next(1, retry_after=2.5)
    target = Target("chat", "matrix", base_url=matrix_server.url)
    with requests.Session() as http, pytest.raises(CaptureError) as raised:
        MatrixSource().snapshot(
            target,
            matrix_server.access_token,
            ChannelRef(matrix_server.room_id, "#incidents:localhost"),
            at(0),
            None,
            http,
            5,
        )
    assert raised.value.retry_after == 2.5  # retry_after_ms, more precise than Retry-After
    assert "rate limited by Matrix" in str(raised.value)
