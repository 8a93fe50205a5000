"""Chat capture's passes: add, revise, remove, restore; the cursor across restarts; two
seats at once; failures recorded and nothing else; secrets kept out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from commander.capture.source import CaptureError
from commander.clock import FrozenClock
from commander.domain import Phase, Severity
from commander.domain.entry_facts import ChatCaptured, ChatFileLink
from commander.errors import InvalidInputError, NotFoundError
from commander.services import chat_capture
from commander.services.chat_capture import (
    CAPTURE_AUTHOR,
    PassCounts,
    capture_pairs,
    capture_pass,
    capture_status,
)
from commander.services.incidents import change_phase, declare_incident
from commander.services.targets import save_target
from commander.services.timeline import delete_entry, entry_revisions, read_timeline
from commander.store.engine import Store, open_store
from commander.store.orm import TimelineEntry
from commander.store.orm_chat import CaptureCursor, CapturedMessage
from commander.store.orm_comms import CommsTarget, ConnectorState
from tests.conftest import FROZEN_AT
from tests.support.chat_source import MemoryChannel, MemoryChatSource, chat_source

SECRET = "xoxb-capture-secret-4711"
TITLE = "Checkout errors"


@pytest.fixture
def source(store: Store, incident: str, clock: FrozenClock) -> Iterator[MemoryChatSource]:
    save_target(store, "ops-chat", "slack", secret=SECRET)
    save_target(store, "status", "statuspage", options={"page_id": "p"}, secret="k-123456")
    with chat_source("slack") as memory:
        yield memory


@pytest.fixture
def channel(source: MemoryChatSource, incident: str) -> MemoryChannel:
    return source.channel_for(incident, TITLE)


def one_pass(store: Store, ref: str) -> chat_capture.PassResult:
    [pair] = capture_pairs(store, ref)
    return capture_pass(store, pair)


def chat_entries(store: Store, ref: str) -> list[Any]:
    return [e for e in read_timeline(store, ref, include_deleted=True) if e.kind == "chat"]


def test_a_pinned_message_becomes_a_chat_entry_of_its_author_at_its_time(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    posted = FROZEN_AT - timedelta(minutes=7)
    source.post(
        channel,
        "1700.01",
        "rolled back <b>payments</b> *now*",
        posted,
        "Bo Chen",
        thread_id="1700.00",
        files=(("graph.png", "https://files.example/graph.png"),),
    )
    source.post(channel, "1700.02", "lunch?", posted, captured=False)

    result = one_pass(store, incident)

    assert result.counts == PassCounts(added=1)
    assert result.describe() == f"slack #{channel.ref.name}: added 1, revised 0, removed 0"
    [entry] = chat_entries(store, incident)
    assert (entry.author, entry.occurred_at, entry.text) == (
        "Bo Chen",
        posted,
        "rolled back <b>payments</b> *now*",
    )
    assert entry.recorded_at == FROZEN_AT
    assert entry.fact == ChatCaptured(
        "slack",
        "C0001",
        channel.ref.name,
        "1700.01",
        "https://chat.example/C0001/1700.01",
        "1700.00",
        (ChatFileLink("graph.png", "https://files.example/graph.png"),),
    )
    assert source.secrets_seen == [SECRET]


def test_a_second_pass_with_nothing_new_writes_nothing_and_hands_back_the_cursor(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    source.post(channel, "1", "db failover started", FROZEN_AT)
    one_pass(store, incident)
    versions = _max_version(store)

    again = one_pass(store, incident)

    assert again.counts == PassCounts() and again.error is None
    assert _max_version(store) == versions
    assert source.cursors_seen == [None, "cursor-1"]


def test_an_edit_revises_the_entry_and_keeps_what_it_said(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    source.post(channel, "1", "failover at 10:05", FROZEN_AT)
    one_pass(store, incident)
    source.edit(channel, "1", "failover at 10:07")

    assert one_pass(store, incident).counts == PassCounts(revised=1)
    [entry] = chat_entries(store, incident)
    assert entry.text == "failover at 10:07"
    [revision] = entry_revisions(store, entry.id)
    assert (revision.text, revision.revised_by) == ("failover at 10:05", CAPTURE_AUTHOR)


def test_unpinned_or_deleted_messages_are_removed_and_restored_when_they_come_back(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    source.post(channel, "1", "first", FROZEN_AT)
    source.post(channel, "2", "second", FROZEN_AT + timedelta(seconds=1))
    one_pass(store, incident)
    source.mark(channel, "1", False)
    source.delete(channel, "2")

    assert one_pass(store, incident).counts == PassCounts(removed=2)
    entries = chat_entries(store, incident)
    assert [(e.text, e.deleted_by) for e in entries] == [
        ("first", CAPTURE_AUTHOR),
        ("second", CAPTURE_AUTHOR),
    ]

    source.mark(channel, "1", True)
    back = one_pass(store, incident)
    assert back.counts == PassCounts(restored=1)
    assert back.describe().endswith("added 0, revised 0, removed 0, restored 1")
    first = chat_entries(store, incident)[0]
    assert first.deleted_at is None
    assert len(store_rows(store, CapturedMessage)) == 2  # never a second row


def test_an_entry_a_person_deleted_stays_deleted(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    source.post(channel, "1", "wrong channel, sorry", FROZEN_AT)
    one_pass(store, incident)
    [entry] = chat_entries(store, incident)
    delete_entry(store, entry.id, "ana")
    source.edit(channel, "1", "wrong channel, sorry!")

    assert one_pass(store, incident).counts == PassCounts()
    [after] = chat_entries(store, incident)
    assert (after.deleted_by, after.text) == ("ana", "wrong channel, sorry")


def test_a_failure_records_its_error_on_the_cursor_and_changes_nothing_else(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    source.post(channel, "1", "first", FROZEN_AT)
    one_pass(store, incident)
    versions = _max_version(store)
    source.post(channel, "2", "second", FROZEN_AT)
    source.fail_with(CaptureError(f"rate limited (token {SECRET})", retry_after=30))

    failed = one_pass(store, incident)

    assert failed.error is not None and SECRET not in failed.error
    assert failed.retry_after == 30 and failed.counts == PassCounts()
    assert _max_version(store) == versions
    [status] = capture_status(store, 1)
    assert status.last_error == failed.error and status.last_pass_at == FROZEN_AT
    [cursor] = store_rows(store, CaptureCursor)
    assert cursor.cursor == "cursor-1"  # the failed pass handed back nothing

    source.fail_with(None)
    caught_up = one_pass(store, incident)
    assert caught_up.counts == PassCounts(added=1)
    assert capture_status(store, 1)[0].last_error is None


def test_a_missing_secret_is_a_failure_naming_the_target(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    save_target(store, "no-token", "mattermost")
    with chat_source("mattermost"):
        [pair] = capture_pairs(store, incident, "no-token")
        result = capture_pass(store, pair)
    assert (
        result.error is not None and "no capture token stored for target no-token" in result.error
    )


def test_a_restart_between_reading_and_writing_captures_every_message_once(
    store: Store,
    incident: str,
    source: MemoryChatSource,
    channel: MemoryChannel,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source.post(channel, "1", "first", FROZEN_AT)
    one_pass(store, incident)
    source.post(channel, "2", "second", FROZEN_AT)

    def crash(*args: object) -> None:
        raise SystemExit("the app died after reading the channel")

    with monkeypatch.context() as patched, pytest.raises(SystemExit):
        patched.setattr(chat_capture, "reconcile", crash)
        one_pass(store, incident)
    assert [e.text for e in chat_entries(store, incident)] == ["first"]

    restarted = open_store(store.url, create=False)
    try:
        assert one_pass(restarted, incident).counts == PassCounts(added=1)
        assert one_pass(restarted, incident).counts == PassCounts()
    finally:
        restarted.close()
    assert sorted(e.text for e in chat_entries(store, incident)) == ["first", "second"]
    # The cursor kept is the last reconciled pass's, not the crashed one's.
    assert source.cursors_seen == [None, "cursor-1", "cursor-1", "cursor-3"]


def test_two_seats_capturing_at_once_neither_miss_nor_double_a_message(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    for number in range(5):
        source.post(channel, str(number), f"message {number}", FROZEN_AT)
    seats = [open_store(store.url, create=False) for _ in range(2)]
    results: list[chat_capture.PassResult] = []
    try:
        with source.hold(2) as release:
            threads = [
                threading.Thread(target=lambda s=seat: results.append(one_pass(s, incident)))
                for seat in seats
            ]
            for thread in threads:
                thread.start()
            _wait_until(lambda: source.snapshots == 2)
            release.set()
            for thread in threads:
                thread.join(20)
    finally:
        for seat in seats:
            seat.close()
    assert len(results) == 2 and all(r.error is None for r in results)
    assert sorted(r.counts.added for r in results) == [0, 5]
    assert sorted(e.text for e in chat_entries(store, incident)) == [
        f"message {n}" for n in range(5)
    ]


def test_a_snapshot_older_than_the_one_reconciled_is_dropped(
    store: Store,
    incident: str,
    source: MemoryChatSource,
    channel: MemoryChannel,
    clock: FrozenClock,
) -> None:
    """A slow seat's snapshot, taken before a message was pinned, arrives after a
    quicker seat captured that message: it must not take the message away again."""
    source.post(channel, "1", "first", FROZEN_AT)
    slow = open_store(store.url, create=False)
    results: list[chat_capture.PassResult] = []
    try:
        with source.hold(1) as release:
            thread = threading.Thread(target=lambda: results.append(one_pass(slow, incident)))
            thread.start()
            _wait_until(source.holding.is_set)
            # The slow seat has read the channel; the quick one reads it later and writes first.
            clock.advance(timedelta(seconds=5))
            source.post(channel, "2", "pinned meanwhile", FROZEN_AT)
            quick = one_pass(store, incident)
            release.set()
            thread.join(20)
    finally:
        slow.close()
    assert quick.counts == PassCounts(added=2)
    [late] = results
    assert late.stale and late.counts == PassCounts()
    assert all(e.deleted_at is None for e in chat_entries(store, incident))


def test_pairs_are_open_incidents_on_chat_targets(
    store: Store, incident: str, source: MemoryChatSource
) -> None:
    resolved = declare_incident(store, "Old one", Severity.P3, "bo")
    change_phase(store, resolved.ref, Phase.RESOLVE, "bo")
    pairs = capture_pairs(store)
    assert [(p.ref, p.target.name) for p in pairs] == [(incident, "ops-chat")]
    assert [p.ref for p in capture_pairs(store, resolved.ref)] == [resolved.ref]
    with pytest.raises(InvalidInputError, match="status is statuspage"):
        capture_pairs(store, incident, "status")
    with pytest.raises(NotFoundError, match="no target nope"):
        capture_pairs(store, incident, "nope")


def test_an_incident_without_a_channel_says_so(
    store: Store, incident: str, source: MemoryChatSource
) -> None:
    result = one_pass(store, incident)
    assert result.channel is None and result.error is None
    assert result.describe() == f"slack (ops-chat): no channel for {incident}"
    assert store_rows(store, CaptureCursor) == []


def _max_version(store: Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.max(TimelineEntry.version))) or 0)


def store_rows(store: Store, table: type[Any]) -> list[Any]:
    with store.read() as session:
        rows = list(session.scalars(select(table)))
        session.expunge_all()
        return rows


def _wait_until(condition: Any, seconds: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def test_what_a_pass_changes_is_announced_as_timeline_changes(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    from commander.domain.changes import Aspect
    from commander.services.feed import read_changes
    from commander.store.announce import collecting
    from commander.views.changes import changes_of_entries

    source.post(channel, "1", "first", FROZEN_AT)
    source.post(channel, "2", "second", FROZEN_AT)
    one_pass(store, incident)
    cursor = _max_version(store)
    source.edit(channel, "1", "first, edited")
    source.mark(channel, "2", False)
    with collecting() as written:
        one_pass(store, incident)
    [changes] = changes_of_entries(written)
    assert changes.aspects == frozenset({Aspect.ENTRIES})
    assert sorted((e.text, e.deleted_at is not None) for e in changes.entries) == [
        ("first, edited", False),
        ("second", True),
    ]
    [fed], _next = read_changes(store, cursor)
    assert {e.id for e in fed.entries} == {e.id for e in changes.entries}


def test_the_channel_a_good_pass_read_is_remembered_for_the_next_but_not_after_a_failure(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    # A Slack lookup by name pages through every channel of the workspace: once is enough.
    [first] = capture_pairs(store, incident)
    assert "channel" not in first.remembered
    capture_pass(store, first)

    [second] = capture_pairs(store, incident)
    assert second.remembered == {
        "channel": channel.ref.channel_id,
        "channel_name": channel.ref.name,
    }

    source.fail_with(CaptureError("channel_not_found"))
    capture_pass(store, second)
    [after_failure] = capture_pairs(store, incident)
    assert "channel" not in after_failure.remembered  # looked up again: renamed, archived?


def test_a_channel_commander_channel_made_wins_over_the_one_a_pass_read(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    one_pass(store, incident)
    with store.write() as session:
        [target_id] = session.scalars(select(CommsTarget.id).where(CommsTarget.name == "ops-chat"))
        session.add(
            ConnectorState(
                incident_id=1,
                target_id=target_id,
                state={"channel": "C0MADE", "channel_name": "inc-1-made"},
                updated_at=FROZEN_AT,
            )
        )
    [pair] = capture_pairs(store, incident)
    assert pair.remembered == {"channel": "C0MADE", "channel_name": "inc-1-made"}


def test_a_delivery_s_shared_channel_is_not_taken_for_the_incident_s(
    store: Store, incident: str, source: MemoryChatSource, channel: MemoryChannel
) -> None:
    one_pass(store, incident)
    with store.write() as session:
        [target_id] = session.scalars(select(CommsTarget.id).where(CommsTarget.name == "ops-chat"))
        session.add(
            ConnectorState(
                incident_id=1,
                target_id=target_id,
                state={"channel": "C0SHARED", "thread_ts": "1.2"},
                updated_at=FROZEN_AT,
            )
        )
    [pair] = capture_pairs(store, incident)
    assert pair.remembered["channel"] == channel.ref.channel_id
    assert pair.remembered["thread_ts"] == "1.2"
