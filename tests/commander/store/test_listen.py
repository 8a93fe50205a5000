"""The listening connection: woken by each commit, back by itself after it is cut."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

import psycopg
import pytest

from commander.domain import Severity
from commander.services.incidents import declare_incident
from commander.services.timeline import log_entry
from commander.store.engine import Store, open_store
from commander.store.listen import ChangeListener, conninfo
from commander.store.notify import Notice

pytestmark = pytest.mark.postgres

Event = tuple[str, object]


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[Store]:
    store = open_store(postgres_url, create=False)
    yield store
    store.close()


@pytest.fixture
def heard(pg_store: Store) -> Iterator[tuple[ChangeListener, queue.Queue[Event]]]:
    events: queue.Queue[Event] = queue.Queue()
    listener = ChangeListener(
        pg_store.url,
        lambda notice: events.put(("wake", notice)),
        lambda listening: events.put(("listening", listening)),
    )
    listener.start()
    yield listener, events
    listener.stop()


def next_event(events: queue.Queue[Event]) -> Event:
    return events.get(timeout=10)


def test_it_catches_up_when_it_starts_then_wakes_for_each_commit(
    pg_store: Store, heard: tuple[ChangeListener, queue.Queue[Event]]
) -> None:
    listener, events = heard
    assert next_event(events) == ("listening", True)
    assert next_event(events) == ("wake", None)  # read what committed before it listened
    incident = declare_incident(pg_store, "Checkout slow", Severity.P2, author="ana")
    kind, notice = next_event(events)
    assert kind == "wake" and isinstance(notice, Notice) and incident.id in notice.incidents
    entry = log_entry(pg_store, incident.ref, "paged on-call", author="bo")
    kind, notice = next_event(events)
    assert kind == "wake" and isinstance(notice, Notice) and notice.version == entry.version


def test_a_cut_connection_is_reported_and_listened_again(
    pg_store: Store, heard: tuple[ChangeListener, queue.Queue[Event]]
) -> None:
    listener, events = heard
    assert [next_event(events), next_event(events)] == [("listening", True), ("wake", None)]
    cut = listener.backend_pid
    with psycopg.connect(conninfo(pg_store.url), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (cut,)).fetchone() == (True,)
    assert next_event(events) == ("listening", False)
    assert next_event(events) == ("listening", True)
    assert next_event(events) == ("wake", None)  # catch up with what it may have missed
    assert listener.backend_pid not in (None, cut)
    declare_incident(pg_store, "After the cut", Severity.P3, author="ana")
    assert next_event(events)[0] == "wake"


def test_each_loss_of_a_working_connection_is_retried_soon_not_ever_later(
    pg_store: Store, heard: tuple[ChangeListener, queue.Queue[Event]]
) -> None:
    # The waits grow only while connecting fails; a connection that worked starts over.
    listener, events = heard
    assert [next_event(events), next_event(events)] == [("listening", True), ("wake", None)]
    with psycopg.connect(conninfo(pg_store.url), autocommit=True) as admin:
        for _ in range(5):  # growing waits would be 0.25, 0.5, 1, 2, 4 s by now
            cut = time.monotonic()
            admin.execute("SELECT pg_terminate_backend(%s)", (listener.backend_pid,))
            assert next_event(events) == ("listening", False)
            assert next_event(events) == ("listening", True)
            assert time.monotonic() - cut < 1.5
            assert next_event(events) == ("wake", None)


def test_after_stop_nothing_is_called_and_the_connection_is_closed(
    pg_store: Store, heard: tuple[ChangeListener, queue.Queue[Event]]
) -> None:
    listener, events = heard
    assert [next_event(events), next_event(events)] == [("listening", True), ("wake", None)]
    listener.stop()
    assert listener.backend_pid is None
    declare_incident(pg_store, "Nobody listens", Severity.P3, author="ana")
    with pytest.raises(queue.Empty):
        events.get(timeout=0.5)


def test_a_server_that_cannot_be_reached_is_retried_until_stopped(pg_store: Store) -> None:
    states: list[bool] = []
    unreachable = pg_store.url.set(port=1)  # nothing listens there
    listener = ChangeListener(unreachable, lambda notice: None, states.append)
    listener.start()
    time.sleep(0.5)  # a refused connection or two, and a wait before the next try
    started = time.monotonic()
    listener.stop()
    assert time.monotonic() - started < 1  # it ends during its wait, not after it
    assert states == [] and not listener.listening
