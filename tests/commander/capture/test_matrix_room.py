"""The Matrix reader's room model without a server: what events mean, in any order,
and the cursor that carries it from one pass to the next."""

from __future__ import annotations

from typing import Any

import pytest

from commander.capture.matrix_room import Room, capture_key, decode

PIN = "\N{PUSHPIN}"
SINCE = 1_000_000


def message(event_id: str, body: str, at: int, sender: str = "@ana:x", **content: Any) -> Any:
    return {
        "type": "m.room.message",
        "event_id": event_id,
        "sender": sender,
        "origin_server_ts": at,
        "content": {"msgtype": "m.text", "body": body, **content},
    }


def reaction(event_id: str, target: str, key: str = PIN) -> Any:
    relation = {"rel_type": "m.annotation", "event_id": target, "key": key}
    return {
        "type": "m.reaction",
        "event_id": event_id,
        "sender": "@bo:x",
        "origin_server_ts": SINCE + 50,
        "content": {"m.relates_to": relation},
    }


def edit(event_id: str, target: str, body: str, at: int, sender: str = "@ana:x") -> Any:
    return message(
        event_id,
        f"* {body}",
        at,
        sender,
        **{
            "m.new_content": {"msgtype": "m.text", "body": body},
            "m.relates_to": {"rel_type": "m.replace", "event_id": target},
        },
    )


def redaction(event_id: str, target: str) -> Any:
    return {"type": "m.room.redaction", "event_id": event_id, "redacts": target, "content": {}}


def redacted(event: Any) -> Any:
    """As a server serves an event once it was redacted."""
    return {**event, "content": {}, "unsigned": {"redacted_because": {}}}


EVENTS = [
    message("$old", "before", SINCE - 1),
    reaction("$r-old", "$old"),
    message("$a", "first text", SINCE + 1),
    edit("$a1", "$a", "second text", SINCE + 2),
    edit("$a2", "$a", "third text", SINCE + 3),
    edit("$ax", "$a", "someone else's", SINCE + 4, sender="@mallory:x"),
    reaction("$ra", "$a"),
    message("$b", "not captured", SINCE + 5),
    reaction("$rb-thumbs", "$b", "\N{THUMBS UP SIGN}"),
    redacted(reaction("$rb", "$b")),
    redaction("$x-rb", "$rb"),
    redacted(message("$c", "deleted", SINCE + 6)),
    reaction("$rc", "$c"),
    redaction("$x-c", "$c"),
    message(
        "$d",
        "in a thread",
        SINCE + 7,
        **{"m.relates_to": {"rel_type": "m.thread", "event_id": "$a"}},
    ),
    reaction("$rd", "$d", PIN + "\N{VARIATION SELECTOR-16}"),
]


def read(events: list[Any]) -> Room:
    room = Room("!r", SINCE, PIN)
    for event in events:
        room.apply(event)
    room.finish()
    return room


def summary(room: Room) -> list[tuple[str, str, str | None]]:
    return [(i, m.body, m.thread) for i, m in room.captured()]


def test_events_mean_the_same_in_either_order() -> None:
    expected = [("$a", "third text", None), ("$d", "in a thread", "$a")]
    assert summary(read(EVENTS)) == expected
    assert summary(read(list(reversed(EVENTS)))) == expected


def test_the_capture_reaction_has_names() -> None:
    assert capture_key(None) == capture_key("") == PIN
    assert capture_key("pushpin") == capture_key(":pushpin:") == PIN
    assert capture_key(PIN + "\N{VARIATION SELECTOR-16}") == PIN
    assert capture_key(" \N{WHITE HEAVY CHECK MARK} ") == "\N{WHITE HEAVY CHECK MARK}"


def test_a_rich_replys_quote_is_left_out() -> None:
    quoted = message(
        "$q",
        "> <@bo:x> the db is down\n> still\n\nfailing over",
        SINCE + 1,
        **{"m.relates_to": {"m.in_reply_to": {"event_id": "$a"}}},
    )
    plain = message("$p", "> not a reply, a quote", SINCE + 2)
    room = read([quoted, plain, reaction("$rq", "$q"), reaction("$rp", "$p")])
    assert [m.body for _i, m in room.captured()] == ["failing over", "> not a reply, a quote"]


def test_files_are_listed_by_name() -> None:
    file = message("$f", "graph.png", SINCE + 1, msgtype="m.image", url="mxc://x/abc")
    captioned = message(
        "$g", "see this", SINCE + 2, msgtype="m.file", url="mxc://x/def", filename="log.txt"
    )
    encrypted = message("$e", "secret.txt", SINCE + 3, msgtype="m.file", file={"url": "mxc://x/e"})
    room = read([file, captioned, encrypted] + [reaction(f"$r{i}", i) for i in ("$f", "$g", "$e")])
    assert [m.files for _i, m in room.captured()] == [
        [("graph.png", "mxc://x/abc")],
        [("log.txt", "mxc://x/def")],
        [],
    ]


def test_the_cursor_carries_the_room_to_the_next_pass() -> None:
    room = read(EVENTS)
    room.apply_state(
        {"type": "m.room.pinned_events", "state_key": "", "content": {"pinned": ["$d"]}}
    )
    room.names = {"@ana:x": "Ana"}
    cursor = room.encode("s42_token")
    kept = decode(cursor, "!r", SINCE, PIN)
    assert kept is not None
    again, token = kept
    assert token == "s42_token"
    assert summary(again) == summary(room)
    assert (again.pinned, again.reactions, again.names, again.skip) == (
        room.pinned,
        room.reactions,
        room.names,
        room.skip,
    )
    assert again.messages["$a"].edit == (SINCE + 3, "$a2")


@pytest.mark.parametrize(
    ("room_id", "since", "key"),
    [("!other", SINCE, PIN), ("!r", SINCE - 1, PIN), ("!r", SINCE, "\N{THUMBS UP SIGN}")],
)
def test_a_cursor_of_another_room_start_or_reaction_is_not_used(
    room_id: str, since: int, key: str
) -> None:
    assert decode(read(EVENTS).encode("s1"), room_id, since, key) is None


@pytest.mark.parametrize("cursor", ["", "s42_1_2", "mx1.", "mx1.!!!", "mx1.eJwDAAAAAAE="])
def test_a_cursor_this_reader_did_not_write_is_not_used(cursor: str) -> None:
    assert decode(cursor, "!r", SINCE, PIN) is None


def test_what_a_pass_did_not_see_is_fetched_once() -> None:
    room = read(EVENTS)
    room.apply_state(
        {"type": "m.room.pinned_events", "state_key": "", "content": {"pinned": ["$old", "$gone"]}}
    )
    assert room.to_fetch() == ["$gone", "$old"]
    room.add_fetched("$gone", None)
    room.add_fetched("$old", message("$old", "before", SINCE - 1))
    room.finish()
    assert room.to_fetch() == []
    assert summary(room) == [("$a", "third text", None), ("$d", "in a thread", "$a")]


def test_a_message_whose_shown_edit_is_redacted_is_read_again() -> None:
    room = read(EVENTS)
    room.apply(redaction("$x-a2", "$a2"))
    assert room.to_fetch() == ["$a", "$old"]  # $old: its reaction was seen, it was not
    bundled = edit("$a1", "$a", "second text", SINCE + 2)
    room.add_fetched(
        "$a",
        {
            **message("$a", "first text", SINCE + 1),
            "unsigned": {"m.relations": {"m.replace": bundled}},
        },
    )
    room.finish()
    assert summary(room)[0] == ("$a", "second text", None)
