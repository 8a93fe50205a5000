"""The change feed: an open window sees every insert, edit, delete and restore."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from commander.domain import Severity
from commander.services.feed import ChangeFeed, changes_since
from commander.services.incidents import change_phase, declare_incident
from commander.services.timeline import (
    delete_entry,
    edit_entry,
    log_entry,
    pin_entry,
    read_timeline,
    restore_entry,
    search_entries,
)
from commander.store.engine import open_store
from commander.store.migrate import alembic_config

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_changes_since_returns_every_kind_of_change_in_order(store) -> None:
    incident = declare_incident(store, "Checkout slow", Severity.P2, author="ana", now=T0)
    other = declare_incident(store, "Elsewhere", Severity.P3, author="ana", now=T0)
    everything, cursor = changes_since(store, incident.id, 0)
    assert [e.kind for e in everything] == ["declared"]
    assert changes_since(store, incident.id, cursor) == ([], cursor)  # idle: nothing

    first = log_entry(store, incident.ref, "first", author="bo")
    second = log_entry(store, incident.ref, "second", author="bo")
    log_entry(store, other.ref, "not ours", author="bo")
    new, cursor_2 = changes_since(store, incident.id, cursor)
    assert [e.text for e in new] == ["first", "second"] and cursor_2 > cursor

    edit_entry(store, first.id, "cy", text="first, corrected")
    delete_entry(store, second.id, "cy")
    changed, cursor_3 = changes_since(store, incident.id, cursor_2)
    assert [(e.id, e.text, e.deleted_by) for e in changed] == [
        (first.id, "first, corrected", None),
        (second.id, "second", "cy"),  # deleted entries come too, to be struck out
    ]
    assert cursor_3 > cursor_2 and changed[-1].version == cursor_3

    restore_entry(store, second.id, "cy")
    pin_entry(store, second.id, "cy", True)
    changed, cursor_4 = changes_since(store, incident.id, cursor_3)
    assert [(e.id, e.deleted_at, e.pinned) for e in changed] == [(second.id, None, True)]
    assert changes_since(store, incident.id, cursor_4) == ([], cursor_4)


def test_a_severity_or_phase_change_shows_up_as_an_entry(store) -> None:
    from commander.domain import Phase

    incident = declare_incident(store, "Header", Severity.P2, author="ana", now=T0)
    _, cursor = changes_since(store, incident.id, 0)
    change_phase(store, incident.ref, Phase.TRIAGE, author="bo")
    changed, _ = changes_since(store, incident.id, cursor)
    assert [e.kind for e in changed] == ["phase"]


def test_every_write_gets_a_higher_version(store) -> None:
    incident = declare_incident(store, "Versions", Severity.P2, author="ana", now=T0)
    versions = [read_timeline(store, incident.ref)[0].version]
    entry = log_entry(store, incident.ref, "one", author="bo")
    versions.append(entry.version)
    versions.append(edit_entry(store, entry.id, "bo", text="two").version)
    versions.append(delete_entry(store, entry.id, "bo").version)
    versions.append(restore_entry(store, entry.id, "bo").version)
    assert versions == sorted(set(versions))


def test_a_poller_racing_concurrent_writers_misses_nothing(store) -> None:
    incident = declare_incident(store, "Busy", Severity.P1, author="ana", now=T0)
    seen: dict[int, str] = {}
    done = threading.Event()

    def write(writer: int) -> None:
        for n in range(15):
            log_entry(store, incident.ref, f"w{writer} n{n}", author=f"w{writer}")

    def poll() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            changed, cursor = changes_since(store, incident.id, cursor)
            seen.update((e.id, e.text) for e in changed)
            if finished:
                return

    poller = threading.Thread(target=poll)
    poller.start()
    writers = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    poller.join()
    timeline = read_timeline(store, incident.ref)
    assert len(timeline) == 1 + 4 * 15
    assert seen == {e.id: e.text for e in timeline}
    assert len({e.version for e in timeline}) == len(timeline)


def test_feed_poll_on_sqlite_notices_commits_by_another_store(sqlite_store, db_path) -> None:
    incident = declare_incident(sqlite_store, "Feed", Severity.P2, author="ana", now=T0)
    with ChangeFeed(sqlite_store) as feed:
        assert isinstance(feed.data_version(), int)
        assert feed.poll() is False  # idle
        changes_since(sqlite_store, incident.id, 0)  # reading changes nothing
        assert feed.poll() is False
        other_seat = open_store(str(db_path), create=False)
        try:
            log_entry(other_seat, incident.ref, "from the other seat", author="bo")
        finally:
            other_seat.close()
        assert feed.poll() is True
        assert feed.poll() is False  # reported once
        log_entry(sqlite_store, incident.ref, "from this window's own store", author="ana")
        assert feed.poll() is True
    assert feed.data_version() is None and feed.poll() is True  # closed: always look


def test_feed_without_data_version_always_says_look(store) -> None:
    if store.is_sqlite:
        return  # covered above
    with ChangeFeed(store) as feed:
        assert feed.data_version() is None
        assert feed.poll() is True and feed.poll() is True


def test_upgrading_a_0001_database_backfills_versions_and_indexes_old_text(store) -> None:
    _downgrade_to_0001(store)
    stamp = "2026-11-27 10:00:00" if store.is_sqlite else "2026-11-27 10:00:00+00"
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents VALUES (7, 'Old one', '', 'P2', 'detect', :t, :t, :t,"
                " NULL, NULL, NULL, NULL, NULL, NULL, 'ana')"
            ),
            {"t": stamp},
        )
        for entry_id, words in ((3, "Café closed early"), (5, "restarted the worker")):
            connection.execute(
                text(
                    "INSERT INTO timeline_entries VALUES (:id, 7, :t, :t, 'ana', 'note', :words,"
                    " false, NULL, NULL, NULL)"
                ),
                {"id": entry_id, "t": stamp, "words": words},
            )
        connection.execute(
            text(
                "INSERT INTO entry_revisions VALUES (1, 5, :t, 'bo', :t, 'note', 'restart', false)"
            ),
            {"t": stamp},
        )
    store.close()

    upgraded = open_store(store.url, create=False)
    try:
        old, cursor = changes_since(upgraded, 7, 0)
        assert [(e.id, e.version) for e in old] == [(3, 3), (5, 5)] and cursor == 5
        assert [e.id for e in search_entries(upgraded, "INC-7", "worker")] == [5]
        new = log_entry(upgraded, "INC-7", "after the upgrade", author="bo")
        assert new.version > 5
        assert [r.text for r in _history(upgraded, 5)] == ["restart"]
        if upgraded.is_sqlite:
            assert [e.id for e in search_entries(upgraded, 7, "cafe")] == [3]
    finally:
        upgraded.close()


def _downgrade_to_0001(store) -> None:
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")


def _history(store, entry_id: int):
    from commander.services.timeline import entry_revisions

    return entry_revisions(store, entry_id)


def test_a_feed_waiter_wakes_for_another_seats_commit_and_only_then(store) -> None:
    import time

    from commander.services.feed import FeedWaiter

    incident = declare_incident(store, "Checkout slow", Severity.P2, author="ana")
    waiter = FeedWaiter(store)
    try:
        settle = time.monotonic() + 10
        # PostgreSQL: polls until the listener listens, then wakes once to catch up.
        while waiter.wait(0.3) and time.monotonic() < settle:
            pass
        assert not waiter.wait(0.3)  # nobody commits: no wake-up
        other_seat = open_store(store.url, create=False)
        try:
            log_entry(other_seat, incident.ref, "from another seat", author="bo")
        finally:
            other_seat.close()
        started = time.monotonic()
        assert waiter.wait(5)
        assert time.monotonic() - started < 1
    finally:
        waiter.close()
